import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exactSearch } from "../../src/eval/search/exact-search.js";
import { TopKHeap } from "../../src/eval/search/top-k-heap.js";
import { Mt19937 } from "../../src/eval/random/mt19937.js";

describe("top-k heap", () => {
  it("keeps the k best, best first", () => {
    const h = new TopKHeap(3);
    [0.1, 0.9, 0.3, 0.7, 0.5, 0.2].forEach((s, i) => h.push(s, i));
    const r = h.sorted();
    assert.deepEqual(Array.from(r.ids), [1, 3, 4]);
    assert.deepEqual(Array.from(r.scores), [0.9, 0.7, 0.5]);
    assert.equal(h.threshold, 0.5);
  });
});

describe("exact search", () => {
  it("returns the same top k as sorting every cosine similarity", () => {
    const rng = new Mt19937(5);
    const vec = () => Float32Array.from({ length: 16 }, () => rng.nextDouble() - 0.5);
    const docs = Array.from({ length: 1037 }, vec);
    const queries = Array.from({ length: 7 }, vec);
    const hits = exactSearch(queries, docs, 25, { docBlock: 100 });
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    queries.forEach((q, qi) => {
      const all = docs
        .map((d, i) => ({ i, s: d.reduce((s, x, j) => s + x * (q[j] as number), 0) / norm(d) / norm(q) }))
        .sort((a, b) => b.s - a.s);
      assert.deepEqual(
        Array.from(hits[qi]?.ids ?? []),
        all.slice(0, 25).map((x) => x.i),
      );
    });
  });

  it("normalizes: scale does not change the ranking", () => {
    const docs = [Float32Array.from([1, 0]), Float32Array.from([10, 10]), Float32Array.from([0, 3])];
    const hits = exactSearch([Float32Array.from([5, 4])], docs, 3);
    assert.deepEqual(Array.from(hits[0]?.ids ?? []), [1, 0, 2]);
    assert.ok(Math.abs((hits[0]?.scores[0] as number) - 9 / Math.sqrt(41) / Math.SQRT2) < 1e-6);
  });
});
