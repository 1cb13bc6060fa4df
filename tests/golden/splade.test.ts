/**
 * Golden test: SparseTextEmbedding on the SPLADE test model ("embedkit-test/splade-tiny", from
 * the cache, imported by `npm run fetch-models`) against an independent Python reference
 * (onnxruntime + tokenizers + numpy, scripts/golden/make_sparse_rerank_reference.py) on 28
 * varied texts, one cut at 512 tokens: the same token ids, the same non-zero indices, values
 * within 1e-4. Also: batching and topK pruning change nothing they should not, and decode()
 * names vocabulary terms.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { SparseTextEmbedding } from "../../src/sparse/sparse-text-embedding.js";
import type { SparseVector } from "../../src/sparse/sparse-vector.js";

interface Case {
  id: string;
  text: string;
  tokenIds: number[];
  truncated: boolean;
  indices: number[];
  values: number[];
}
const golden = JSON.parse(readFileSync(new URL("./splade-tiny.json", import.meta.url), "utf8")) as {
  onnxSha256: string;
  maxTokens: number;
  cases: Case[];
};

function assertMatches(got: SparseVector, want: Case): void {
  assert.deepEqual(Array.from(got.indices), want.indices, `${want.id}: non-zero indices`);
  want.values.forEach((x, j) => {
    const y = got.values[j]!;
    assert.ok(Math.abs(y - x) <= 1e-4, `${want.id}: value ${j} (index ${want.indices[j]}) is ${y}, reference ${x}`);
  });
}

describe("SPLADE vectors match the Python reference (splade-tiny)", () => {
  let splade: SparseTextEmbedding;
  before(async () => {
    splade = await SparseTextEmbedding.create({ model: "embedkit-test/splade-tiny", store: { offline: true } });
  });
  after(() => splade?.dispose());

  test("enough varied texts, one over the window", () => {
    assert.ok(golden.cases.length >= 20);
    assert.ok(golden.cases.some((c) => c.truncated));
    assert.equal(splade.spec?.maxTokens, golden.maxTokens);
  });

  test("embedAll: same indices, values within 1e-4", async () => {
    const got = await splade.embedAll(golden.cases.map((c) => c.text));
    got.forEach((v, i) => assertMatches(v, golden.cases[i]!));
  });

  test("one text per call gives the same vectors as one batched call (padding changes nothing)", async () => {
    const texts = golden.cases.slice(0, 8).map((c) => c.text);
    const batched = await splade.embedAll(texts);
    for (let i = 0; i < texts.length; i++) {
      const [single] = await splade.embedAll([texts[i]!]);
      assertMatches(single!, {
        ...golden.cases[i]!,
        indices: Array.from(batched[i]!.indices),
        values: Array.from(batched[i]!.values),
      });
    }
  });

  test("streaming embed yields the same vectors in input order", async () => {
    const texts = golden.cases.map((c) => c.text);
    const out: SparseVector[] = [];
    for await (const batch of splade.embed(texts, { batchSize: 5 })) {
      assert.ok(batch.length <= 5);
      out.push(...batch);
    }
    out.forEach((v, i) => assertMatches(v, golden.cases[i]!));
  });

  test("queryEmbed runs the model for a bi-encoder SPLADE", async () => {
    const q = await splade.queryEmbed(golden.cases[2]!.text);
    assertMatches(q, golden.cases[2]!);
  });

  test("topK keeps the k largest weights, still sorted by index", async () => {
    const c = golden.cases.find((x) => x.indices.length > 20)!;
    const [v] = await splade.embedAll([c.text], { topK: 10 });
    const want = c.indices
      .map((index, j) => ({ index, value: c.values[j]! }))
      .sort((a, b) => b.value - a.value || a.index - b.index)
      .slice(0, 10)
      .sort((a, b) => a.index - b.index);
    assert.deepEqual(
      Array.from(v!.indices),
      want.map((w) => w.index),
    );
    v!.values.forEach((x, j) => assert.ok(Math.abs(x - want[j]!.value) <= 1e-4));
  });

  test("decode names vocabulary terms (the PROVENANCE sanity check)", async () => {
    const [v] = await splade.embedAll(["what is the capital of france"]);
    const terms = splade.decode(v!);
    assert.equal(terms.length, v!.indices.length);
    const top = [...terms].sort((a, b) => b.value - a.value).map((t) => t.token);
    assert.deepEqual(top.slice(0, 2), ["capital", "france"]);
    assert.ok(top.includes("paris"), "learned expansion: paris");
  });
});
