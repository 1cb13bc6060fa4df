/**
 * The server keeps answering while a batch computes: inference runs in a worker thread, so a
 * long batch does not hold the event loop that serves /health and /metrics.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { parseServerConfig, type ServerConfigInput } from "../../src/server/server-config.js";
import { modelOptionsFor } from "../../src/server/server.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { call, counter, startTestServer, type TestServer } from "./harness.js";

// 64 passages of ~200 tokens in ONE inference call of several seconds on 2 cores.
const SETTINGS: ServerConfigInput = { maxBatchSize: 64, maxBatchTokens: 64 * 256 };
const PASSAGES = Array.from(
  { length: 64 },
  (_, i) => `Passage ${i}. ` + "Dense retrieval embeds queries and documents into one vector space. ".repeat(18),
);

describe("server responsiveness during inference", { timeout: 180_000 }, () => {
  let model: TextEmbedding;
  let server: TestServer;
  before(async () => {
    model = await openTestModel(TEST_MODELS.bgeSmallEn, modelOptionsFor(parseServerConfig(SETTINGS)));
    server = await startTestServer(model, SETTINGS, true);
  });
  after(async () => {
    await server.close();
  });

  test("/metrics and /health answer while a long batch is computing", async () => {
    let settled = false;
    const big = call(server.url, "/embed", { body: { inputs: PASSAGES } }).finally(() => {
      settled = true;
    });
    // Poll until the request's batch is computing (one inference call running, the request still
    // open), and keep
    // polling: while it computes, /metrics must go on answering. With inference on the event
    // loop's thread at most one answer slips in before the run starts; then nothing is answered
    // until the long request is, so this loop would end with `settled`.
    let answersWhileComputing = 0;
    while (!settled && answersWhileComputing < 5) {
      const metrics = (await call(server.url, "/metrics")).text;
      const computing =
        counter(metrics, "embedkit_batches_running") === 1 && counter(metrics, "embedkit_inflight_requests") === 1;
      if (computing && !settled) answersWhileComputing++;
    }
    assert.equal(answersWhileComputing, 5, "/metrics kept answering while the batch computed");
    const health = await call(server.url, "/health");
    assert.equal(health.status, 200);
    assert.equal(settled, false, "/health was answered before the long request");
    const answer = await big;
    assert.equal(answer.status, 200);
    assert.equal((answer.body as number[][]).length, 64);
  });
});
