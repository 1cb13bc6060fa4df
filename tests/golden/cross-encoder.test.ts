/**
 * Golden test: TextCrossEncoder against an independent Python reference (onnxruntime +
 * tokenizers + numpy, scripts/golden/make_sparse_rerank_reference.py) on 33 pairs of the test
 * cross-encoder, 4 of them longer than its 512-token window and cut longest-first: the same
 * token ids and type ids, logits and sigmoid scores within 1e-4.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { TextCrossEncoder } from "../../src/rerank/text-cross-encoder.js";
import { openTestCrossEncoder } from "../helpers/cross-encoder.js";

interface Case {
  id: string;
  a: string;
  b: string;
  untruncatedTokenCount: number;
  truncated: boolean;
  tokenIds: number[];
  typeIds: number[];
  logit: number;
  score: number;
}
interface Golden {
  onnxSha256: string;
  maxTokens: number;
  truncation: string;
  activation: string;
  cases: Case[];
}

const golden = JSON.parse(
  readFileSync(new URL("./stsb-minilm-l6-cross-encoder.json", import.meta.url), "utf8"),
) as Golden;
const pairs = golden.cases.map((c): [string, string] => [c.a, c.b]);

describe("the test cross-encoder matches the Python reference", () => {
  let ce: TextCrossEncoder;
  before(async () => {
    ce = await openTestCrossEncoder();
  });
  after(() => ce.dispose());

  test("the reference covers enough pairs, some cut longest-first, with the registry's facts", () => {
    assert.ok(golden.cases.length >= 30, `${golden.cases.length} pairs`);
    assert.ok(golden.cases.filter((c) => c.truncated).length >= 4);
    assert.equal(golden.truncation, "longest_first");
    assert.equal(golden.maxTokens, ce.maxTokens);
    assert.equal(golden.activation, ce.spec.activation);
    assert.equal(golden.onnxSha256, ce.spec.files.onnx.fp32.sha256);
  });

  test("token ids and type ids equal the reference's, truncated pairs included", async () => {
    const encodings = await ce.encodePairs(pairs);
    golden.cases.forEach((c, i) => {
      const e = encodings[i]!;
      assert.deepEqual(Array.from(e.ids), c.tokenIds, `${c.id}: ids`);
      assert.deepEqual(Array.from(e.typeIds), c.typeIds, `${c.id}: type ids`);
      assert.equal(e.originalLength, c.untruncatedTokenCount, `${c.id}: untruncated count`);
      assert.equal(e.ids.length < e.originalLength, c.truncated, `${c.id}: truncated`);
    });
  });

  test("sigmoid scores within 1e-4, in input order", async () => {
    const scores = await ce.rerankPairs(pairs, { batchSize: 8 });
    golden.cases.forEach((c, i) => {
      assert.ok(Math.abs(scores[i]! - c.score) <= 1e-4, `${c.id}: score ${scores[i]}, reference ${c.score}`);
    });
  });

  test("raw logits within 1e-4 (activation none)", async () => {
    const logits = await ce.rerankPairs(pairs, { activation: "none" });
    golden.cases.forEach((c, i) => {
      assert.ok(Math.abs(logits[i]! - c.logit) <= 1e-4, `${c.id}: logit ${logits[i]}, reference ${c.logit}`);
    });
  });

  test("rerank() of one query gives the reference scores, best first", async () => {
    const query = golden.cases[0]!.a;
    const docs = golden.cases.filter((c) => c.a === query).map((c) => c.b);
    const want = golden.cases.filter((c) => c.a === query).map((c) => c.score);
    const ranked = await ce.rerank(query, docs, { returnDocuments: true });
    assert.equal(ranked.length, docs.length);
    for (const r of ranked) {
      assert.ok(Math.abs(r.score - want[r.index]!) <= 1e-4);
      assert.equal(r.document, docs[r.index]);
    }
    for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1]!.score >= ranked[i]!.score);
  });
});
