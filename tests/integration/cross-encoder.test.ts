/**
 * TextCrossEncoder on the real test cross-encoder: the hub download path through a loopback hub,
 * a local folder's activation read from config.json, invariants (batching and order change no
 * score), and every bad input as a typed error.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TextEmbedding } from "../../src/embed/text-embedding.js";
import { isEmbedkitError } from "../../src/errors.js";
import { getRerankSpec } from "../../src/models/rerank-registry.js";
import { getModelSpec } from "../../src/models/registry.js";
import { TextCrossEncoder } from "../../src/rerank/text-cross-encoder.js";
import { openTestCrossEncoder, TEST_CROSS_ENCODER } from "../helpers/cross-encoder.js";
import { startFakeHub } from "../helpers/fake-hub.js";

const SHARED = new URL("../../../shared/models/stsb-minilm-l6-cross-encoder/", import.meta.url);

function rejectsWith(code: string, field?: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.equal(e.details["field"], field, e.message);
    return true;
  };
}

const query = "A man is playing a guitar.";
const docs = [
  "A man is playing the guitar.",
  "A woman is slicing an onion.",
  "Someone plays an instrument.",
  "",
  "The stock market fell sharply today.",
];

describe("TextCrossEncoder", () => {
  let ce: TextCrossEncoder;
  before(async () => {
    ce = await openTestCrossEncoder({ batchSize: 2 });
  });
  after(() => ce.dispose());

  test("rerank sorts by score, topK cuts, scores equal rerankPairs' in any batch size", async () => {
    const all = await ce.rerank(query, docs);
    assert.deepEqual(
      all.map((r) => r.index).sort(),
      docs.map((_, i) => i),
    );
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.score >= all[i]!.score);
    assert.equal(all[0]!.index, 0, "the paraphrase ranks first");
    assert.equal(all[0]!.document, undefined);
    const pairs = docs.map((d): [string, string] => [query, d]);
    const one = await ce.rerankPairs(pairs, { batchSize: 1 });
    const many = await ce.rerankPairs(pairs, { batchSize: 64 });
    one.forEach((s, i) => assert.ok(Math.abs(s - many[i]!) < 1e-5));
    for (const r of all) assert.ok(Math.abs(r.score - one[r.index]!) < 1e-5);
    const top2 = await ce.rerank(query, docs, { topK: 2, returnDocuments: true });
    assert.deepEqual(
      top2.map((r) => [r.index, r.document]),
      all.slice(0, 2).map((r) => [r.index, docs[r.index]]),
    );
    assert.equal((await ce.rerank(query, docs, { topK: 99 })).length, docs.length, "topK above the count: all");
  });

  test("an empty document list gives []", async () => {
    assert.deepEqual(await ce.rerank(query, []), []);
    assert.deepEqual(await ce.rerankPairs([]), []);
  });

  test("bad input is a typed error naming the field", async () => {
    await assert.rejects(ce.rerank("", docs), rejectsWith("invalid_input", "query"));
    await assert.rejects(ce.rerank("   ", docs), rejectsWith("invalid_input", "query"));
    await assert.rejects(ce.rerank(42 as never, docs), rejectsWith("invalid_input", "query"));
    await assert.rejects(ce.rerank(query, ["a", 7 as never]), rejectsWith("invalid_input", "documents[1]"));
    await assert.rejects(ce.rerank(query, "a doc" as never), rejectsWith("invalid_input", "documents"));
    for (const topK of [0, -1, 1.5, "3"]) {
      await assert.rejects(ce.rerank(query, docs, { topK: topK as never }), rejectsWith("invalid_option", "topK"));
    }
    await assert.rejects(ce.rerank(query, docs, { activation: "softmax" as never }), rejectsWith("invalid_option"));
    await assert.rejects(ce.rerankPairs([["a"]] as never), rejectsWith("invalid_input", "pairs[0]"));
    await assert.rejects(ce.rerankPairs([["a", null]] as never), rejectsWith("invalid_input", "pairs[0][1]"));
  });

  test("truncate: false and a pair over the window is input_too_long naming it; true cuts it", async () => {
    const long = "word ".repeat(600);
    await assert.rejects(ce.rerank(query, ["short", long], { truncate: false }), (e: unknown) => {
      rejectsWith("input_too_long", "documents[1]")(e);
      assert.match((e as Error).message, /accepts at most 512/);
      return true;
    });
    await assert.rejects(ce.rerankPairs([[long, "x"]], { truncate: false }), rejectsWith("input_too_long", "pairs[0]"));
    const [s] = await ce.rerankPairs([[long, "x"]]);
    assert.ok(Number.isFinite(s));
  });

  test("the wrong task's class is named", async () => {
    assert.throws(() => getModelSpec(TEST_CROSS_ENCODER), rejectsWith("wrong_model_task"));
    assert.throws(() => getRerankSpec("BAAI/bge-small-en-v1.5"), rejectsWith("wrong_model_task"));
    await assert.rejects(
      TextEmbedding.create({ model: "Xenova/ms-marco-MiniLM-L-6-v2", store: { offline: true } }),
      (e: unknown) => rejectsWith("wrong_model_task")(e) && /TextCrossEncoder/.test((e as Error).message),
    );
    await assert.rejects(
      TextCrossEncoder.create({ model: "BAAI/bge-small-en-v1.5", store: { offline: true } }),
      (e: unknown) => rejectsWith("wrong_model_task")(e) && /TextEmbedding/.test((e as Error).message),
    );
    await assert.rejects(
      TextCrossEncoder.create({ model: "Xenova/ms-marco-MiniLM-L6-v2", store: { offline: true } }),
      (e: unknown) => {
        rejectsWith("unknown_model")(e);
        assert.ok(
          (e as { details: { suggestions: string[] } }).details.suggestions.includes("Xenova/ms-marco-MiniLM-L-6-v2"),
        );
        return true;
      },
    );
  });

  test("a local folder: activation from config.json, same scores as the registry model", async () => {
    const local = await TextCrossEncoder.create({ model: SHARED.pathname });
    try {
      assert.equal(local.spec.activation, "sigmoid");
      assert.equal(local.maxTokens, 512);
      const pairs = docs.map((d): [string, string] => [query, d]);
      const a = await local.rerankPairs(pairs);
      const b = await ce.rerankPairs(pairs);
      a.forEach((s, i) => assert.ok(Math.abs(s - b[i]!) < 1e-6));
      const raw = await TextCrossEncoder.create({ model: SHARED.pathname, activation: "none" });
      try {
        const logits = await raw.rerankPairs(pairs);
        logits.forEach((x, i) => assert.ok(Math.abs(1 / (1 + Math.exp(-x)) - a[i]!) < 1e-6));
      } finally {
        await raw.dispose();
      }
    } finally {
      await local.dispose();
    }
  });

  test("dispose: later calls are a typed disposed error", async () => {
    const other = await openTestCrossEncoder();
    await other.dispose();
    await assert.rejects(other.rerank(query, docs), rejectsWith("disposed"));
  });
});

describe("a registry reranker downloads through the hub", () => {
  test("from a loopback hub into an empty cache, sha256-verified, then offline", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "embedkit-rerank-hub-"));
    const files = new Map([
      [`${TEST_CROSS_ENCODER}@main/tokenizer.json`, await readFile(new URL("tokenizer.json", SHARED))],
      [`${TEST_CROSS_ENCODER}@main/config.json`, await readFile(new URL("config.json", SHARED))],
      [`${TEST_CROSS_ENCODER}@main/onnx/model.onnx`, await readFile(new URL("model.onnx", SHARED))],
    ]);
    const hub = await startFakeHub(files);
    try {
      const store = { cacheDir, offline: false, hfEndpoint: hub.url };
      const ce = await TextCrossEncoder.create({ model: TEST_CROSS_ENCODER, store });
      try {
        assert.equal(hub.requestsFor("onnx/model.onnx").length, 1);
        const [s] = await ce.rerankPairs([[query, docs[0]!]]);
        assert.ok(s! > 0.5);
      } finally {
        await ce.dispose();
      }
      const again = await TextCrossEncoder.create({ model: TEST_CROSS_ENCODER, store: { ...store, offline: true } });
      await again.dispose();
      assert.equal(hub.requestsFor("onnx/model.onnx").length, 1, "the second load reads the cache");
    } finally {
      await hub.close();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
