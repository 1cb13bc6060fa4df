/**
 * The rerank routes on a real server on loopback with the real test cross-encoder: TEI's
 * /rerank and the Cohere/Jina /v1/rerank, scores equal to the library's, bad input as 4xx in
 * each dialect's error shape, and the other task's routes answering `wrong_model_task`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import type { TextCrossEncoder } from "../../src/rerank/text-cross-encoder.js";
import { openTestCrossEncoder } from "../helpers/cross-encoder.js";
import { call, openServerTestModel, startTestServer, type TestServer } from "./harness.js";

const query = "A man is playing a guitar.";
const texts = ["A woman is slicing an onion.", "A man is playing the guitar.", "Someone plays an instrument."];

describe("rerank server", () => {
  let ce: TextCrossEncoder;
  let server: TestServer;
  let expected: number[];
  let logits: number[];
  before(async () => {
    ce = await openTestCrossEncoder();
    server = await startTestServer(ce, { maxClientBatchSize: 8 });
    expected = await ce.rerankPairs(texts.map((t): [string, string] => [query, t]));
    logits = await ce.rerankPairs(
      texts.map((t): [string, string] => [query, t]),
      { activation: "none" },
    );
  });
  after(async () => {
    await server.close();
    await ce.dispose();
  });

  test("POST /rerank: sorted by score, scores as the library's, raw_scores and return_text", async () => {
    const r = await call(server.url, "/rerank", { body: { query, texts, return_text: true } });
    assert.equal(r.status, 200, r.text);
    const body = r.body as { index: number; score: number; text?: string }[];
    assert.equal(body.length, texts.length);
    for (let i = 1; i < body.length; i++) assert.ok(body[i - 1]!.score >= body[i]!.score);
    for (const x of body) {
      assert.ok(Math.abs(x.score - expected[x.index]!) < 1e-5);
      assert.equal(x.text, texts[x.index]);
    }
    const raw = await call(server.url, "/rerank", { body: { query, texts, raw_scores: true } });
    for (const x of raw.body as { index: number; score: number; text?: string }[]) {
      assert.ok(Math.abs(x.score - logits[x.index]!) < 1e-4);
      assert.equal(x.text, undefined);
    }
  });

  test("POST /v1/rerank: {results: [{index, relevance_score, document}]}, top_n, {text} documents", async () => {
    const r = await call(server.url, "/v1/rerank", {
      body: {
        model: "any",
        query,
        documents: [texts[0], { text: texts[1] }, texts[2]],
        top_n: 2,
        return_documents: true,
      },
    });
    assert.equal(r.status, 200, r.text);
    const body = r.body as { results: { index: number; relevance_score: number; document?: { text: string } }[] };
    assert.equal(body.results.length, 2);
    const best = [...expected.keys()].sort((a, b) => expected[b]! - expected[a]!).slice(0, 2);
    assert.deepEqual(
      body.results.map((x) => x.index),
      best,
    );
    for (const x of body.results) {
      assert.ok(Math.abs(x.relevance_score - expected[x.index]!) < 1e-5);
      assert.equal(x.document?.text, texts[x.index]);
    }
  });

  test("bad input: typed 4xx in TEI's and OpenAI's error shapes", async () => {
    const tei = async (body: unknown, status: number, type: string, match: RegExp): Promise<void> => {
      const r = await call(server.url, "/rerank", { body });
      assert.equal(r.status, status, r.text);
      const e = r.body as { error: string; error_type: string };
      assert.equal(e.error_type, type, r.text);
      assert.match(e.error, match);
    };
    await tei({ query: "", texts }, 400, "Empty", /query/);
    await tei({ query, texts: [] }, 400, "Empty", /texts/);
    await tei({ query, texts: ["ok", ""] }, 400, "Empty", /texts\[1\]/);
    await tei({ query, texts: ["ok", 3] }, 422, "Validation", /texts/);
    await tei({ query, texts: Array.from({ length: 9 }, () => "x") }, 422, "Validation", /limit is 8/);
    await tei({ query, texts: ["a", "word ".repeat(600)] }, 422, "Validation", /texts\[1\].*at most 512/);
    const cut = await call(server.url, "/rerank", { body: { query, texts: ["word ".repeat(600)], truncate: true } });
    assert.equal(cut.status, 200, cut.text);
    const v1 = await call(server.url, "/v1/rerank", { body: { query, documents: texts, top_n: 0 } });
    assert.equal(v1.status, 400, v1.text);
    assert.equal((v1.body as { error: { type: string } }).error.type, "invalid_request_error");
    const notText = await call(server.url, "/v1/rerank", { body: { query, documents: [{ txt: "a" }] } });
    assert.equal(notText.status, 400, notText.text);
  });

  test("embedding routes on a reranker answer wrong_model_task naming its task", async () => {
    const r = await call(server.url, "/embed", { body: { inputs: "hello" } });
    assert.equal(r.status, 422, r.text);
    assert.match((r.body as { error: string }).error, /reranker.*\/rerank/);
    const o = await call(server.url, "/v1/embeddings", { body: { input: "hello", model: "x" } });
    assert.equal(o.status, 400, o.text);
    assert.equal((o.body as { error: { code: string } }).error.code, "wrong_model_task");
    const info = await call(server.url, "/info");
    assert.deepEqual((info.body as { model_type: unknown }).model_type, { reranker: { activation: "sigmoid" } });
  });
});

describe("rerank routes on an embedding server", () => {
  let model: TextEmbedding;
  let server: TestServer;
  before(async () => {
    model = await openServerTestModel();
    server = await startTestServer(model);
  });
  after(async () => {
    await server.close();
    await model.dispose();
  });

  test("/rerank and /v1/rerank answer wrong_model_task", async () => {
    const r = await call(server.url, "/rerank", { body: { query, texts } });
    assert.equal(r.status, 422, r.text);
    assert.match((r.body as { error: string }).error, /embedding model/);
    const o = await call(server.url, "/v1/rerank", { body: { query, documents: texts } });
    assert.equal(o.status, 400, o.text);
  });
});
