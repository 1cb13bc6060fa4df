/**
 * Golden test: Bm25Index scores against bm25s (BM25(method="atire", idf_method="lucene"), k1 1.2,
 * b 0.75), computed on embedkit's own terms (scripts/golden/bm25/make-reference.sh): 299
 * documents, 68 queries, every document's score within 1e-9 relative.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { Bm25Analyzer } from "../../src/sparse/bm25-analyzer.js";
import { Bm25Index } from "../../src/sparse/bm25-index.js";

const load = (name: string): unknown => JSON.parse(readFileSync(new URL(name, import.meta.url), "utf8"));
const { texts } = load("./bm25-fastembed.json") as { texts: string[] };
const ref = load("./bm25-index-bm25s.json") as {
  k1: number;
  b: number;
  documentTerms: string[][];
  queryRows: number[];
  scores: number[][];
};

describe("Bm25Index matches bm25s", () => {
  test("the reference scored the terms embedkit produces", () => {
    const analyzer = new Bm25Analyzer();
    texts.forEach((t, i) => assert.deepEqual(analyzer.analyze(t), ref.documentTerms[i], `text ${i}`));
  });

  test("scores of every document for every query", () => {
    const index = new Bm25Index({ k1: ref.k1, b: ref.b });
    index.add(texts);
    let nonZero = 0;
    ref.queryRows.forEach((row, qi) => {
      const got = index.scores(texts[row]!);
      const want = ref.scores[qi]!;
      assert.equal(got.length, want.length);
      want.forEach((w, d) => {
        if (w > 0) nonZero++;
        assert.ok(Math.abs(got[d]! - w) <= 1e-9 * Math.max(1, Math.abs(w)), `query ${row} doc ${d}: ${got[d]} vs ${w}`);
      });
    });
    assert.ok(nonZero > 1000, `${nonZero} non-zero reference scores`);
  });

  test("search returns the reference's best documents in order", () => {
    const index = new Bm25Index();
    index.add(texts);
    ref.queryRows.forEach((row, qi) => {
      const want = ref.scores[qi]!.map((s, d) => ({ d, s }))
        .filter((x) => x.s > 0)
        .sort((x, y) => y.s - x.s || x.d - y.d)
        .slice(0, 10);
      const hits = index.search(texts[row]!, { topK: 10 });
      assert.deepEqual(
        hits.map((h) => h.index),
        want.map((x) => x.d),
        `query ${row}`,
      );
      hits.forEach((h) => assert.equal(h.id, h.index));
    });
  });
});
