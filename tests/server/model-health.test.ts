/**
 * A model that fails: a real bge-small-en-v1.5 whose position embeddings were overwritten with
 * 0xFF (NaN as float32; same file size, still a valid ONNX file), served from a local folder.
 * The server starts, says why it is unhealthy on /health (503, as TEI's health answers when the
 * backend fails), and answers embed requests with a typed error instead of null vectors.
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { TextEmbedding } from "../../src/embed/text-embedding.js";
import { corruptModelFolder } from "../helpers/corrupt-model.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { call, counter, startTestServer, type TestServer } from "./harness.js";

type TeiError = { error: string; error_type: string };
type OpenAIError = { error: { message: string; type: string; param: string | null; code: string } };

describe("server health with a model that produces NaN", { timeout: 120_000 }, () => {
  let dir: string;
  let model: TextEmbedding;
  let server: TestServer;
  before(async () => {
    const cached = await openTestModel(TEST_MODELS.bgeSmallEn);
    const cachedDir = cached.modelDir;
    await cached.dispose();
    dir = await corruptModelFolder(cachedDir);
    model = await TextEmbedding.create({ model: dir, store: { offline: true } });
    server = await startTestServer(model, {}, true);
  });
  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the start-up check finds it: logged, and /health (and / and /ping) answer 503 with the reason", async () => {
    const startup = server.logs.find((l) => l["msg"] === "the model failed its start-up check");
    assert.ok(startup, "the start-up check is logged");
    assert.match(String(startup["reason"]), /non_finite_output/);
    for (const path of ["/health", "/", "/ping"]) {
      const h = await call(server.url, path);
      assert.equal(h.status, 503, path);
      assert.equal((h.body as TeiError).error_type, "Unhealthy");
      assert.match((h.body as TeiError).error, /the model failed: non_finite_output: the model produced NaN/);
    }
    assert.equal((await call(server.url, "/info")).status, 200, "the server itself keeps answering");
  });

  test("embed requests get a typed error, never null vectors: 424 Backend on TEI routes, 500 server_error on /v1", async () => {
    const tei = await call(server.url, "/embed", { body: { inputs: ["hello", "world"] } });
    // TEI answers a backend failure with ErrorType::Backend -> 424 (router/src/http/server.rs).
    assert.equal(tei.status, 424, tei.text);
    assert.equal((tei.body as TeiError).error_type, "Backend");
    assert.match((tei.body as TeiError).error, /produced NaN .*embedkit models info --verify/);
    assert.doesNotMatch(tei.text, /null/);
    const oa = await call(server.url, "/v1/embeddings", { body: { input: "hello" } });
    assert.equal(oa.status, 500, oa.text);
    assert.equal((oa.body as OpenAIError).error.type, "server_error");
    assert.equal((oa.body as OpenAIError).error.code, "non_finite_output");
    const metrics = (await call(server.url, "/metrics")).text;
    assert.ok(counter(metrics, "embedkit_batch_failures_total") >= 2, "the failed batches are counted");
    const logged = server.logs.filter((l) => l["msg"] === "request failed" && l["code"] === "non_finite_output");
    assert.equal(logged.length, 2, "each failure is logged at error level with its code");
    const h = await call(server.url, "/health");
    assert.equal(h.status, 503, "still unhealthy: every probe fails");
  });
});
