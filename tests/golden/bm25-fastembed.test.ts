/**
 * Golden test: SparseTextEmbedding "bm25" against FastEmbed's own Bm25 (Qdrant/bm25) on 299
 * varied texts (tests/golden/bm25-fastembed.json, made by scripts/golden/bm25/make-reference.sh):
 * identical term ids, weights within 1e-6 relative (embedkit hands out float32).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { SparseTextEmbedding } from "../../src/sparse/sparse-text-embedding.js";
import type { SparseVector } from "../../src/sparse/sparse-vector.js";

interface Golden {
  texts: string[];
  documents: { indices: number[]; values: number[] }[];
  queries: { indices: number[] }[];
  custom: { k: number; b: number; avgLen: number; count: number; documents: Golden["documents"] };
  disableStemmer: { count: number; documents: Golden["documents"] };
}

const golden = JSON.parse(readFileSync(new URL("./bm25-fastembed.json", import.meta.url), "utf8")) as Golden;

function assertSame(got: SparseVector[], want: Golden["documents"], label: string): void {
  assert.equal(got.length, want.length);
  got.forEach((v, i) => {
    const w = want[i]!;
    const what = `${label} ${i}: ${JSON.stringify(golden.texts[i]!.slice(0, 60))}`;
    assert.deepEqual(Array.from(v.indices), w.indices, `${what}: term ids`);
    w.values.forEach((x, j) => {
      const y = v.values[j]!;
      assert.ok(Math.abs(y - x) <= 1e-6 * Math.abs(x), `${what}: weight ${j} is ${y}, FastEmbed ${x}`);
    });
  });
}

describe("BM25 vectors match FastEmbed's Qdrant/bm25", () => {
  test("enough varied texts", () => {
    assert.ok(golden.texts.length >= 250, `${golden.texts.length} texts`);
    assert.ok(golden.documents.filter((d) => d.indices.length === 0).length >= 2, "some texts have no terms");
  });

  test("document vectors (k 1.2, b 0.75, avgLen 256)", async () => {
    const bm25 = await SparseTextEmbedding.create({ model: "bm25", batchSize: 32 });
    assertSame(await bm25.embedAll(golden.texts), golden.documents, "document");
  });

  test("query vectors: distinct term ids, weight 1", async () => {
    const bm25 = await SparseTextEmbedding.create({ model: "Qdrant/bm25" });
    const got = await bm25.queryEmbed(golden.texts);
    got.forEach((v, i) => {
      assert.deepEqual(Array.from(v.indices), golden.queries[i]!.indices, `query ${i}`);
      assert.ok(v.values.every((x) => x === 1));
    });
  });

  test("other k, b, avgLen", async () => {
    const { k, b, avgLen, count } = golden.custom;
    const bm25 = await SparseTextEmbedding.create({ model: "bm25", k, b, avgLen });
    assertSame(await bm25.embedAll(golden.texts.slice(0, count)), golden.custom.documents, "custom");
  });

  test("disableStemmer: no stopwords, no stemming", async () => {
    const bm25 = await SparseTextEmbedding.create({ model: "bm25", disableStemmer: true });
    const { count, documents } = golden.disableStemmer;
    assertSame(await bm25.embedAll(golden.texts.slice(0, count)), documents, "disableStemmer");
  });

  test("streaming gives the same vectors as embedAll", async () => {
    const bm25 = await SparseTextEmbedding.create({ model: "bm25" });
    const streamed: SparseVector[] = [];
    for await (const batch of bm25.embed(golden.texts, { batchSize: 7 })) {
      assert.ok(batch.length <= 7);
      streamed.push(...batch);
    }
    assertSame(streamed, golden.documents, "stream");
  });
});
