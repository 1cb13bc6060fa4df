/**
 * Unit tests of hybrid fusion: RRF and weighted combination on hand-computed values, and the
 * typed errors for bad options and hits.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import { fuse } from "../../src/search/fuse.js";
import { normalizeScores } from "../../src/search/normalize-scores.js";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
const rejects = (code: string, field: string) => (e: unknown) => {
  assert.ok(isEmbedkitError(e), String(e));
  assert.equal(e.code, code);
  assert.equal(e.details["field"], field);
  return true;
};

const dense = [
  { id: "a", score: 0.9 },
  { id: "b", score: 0.8 },
  { id: "c", score: 0.5 },
];
const sparse = [
  { id: "c", score: 12 },
  { id: "d", score: 7 },
  { id: "a", score: 3 },
];

describe("fuse: reciprocal-rank fusion", () => {
  test("k = 60 by default; missing documents add nothing", () => {
    const out = fuse([dense, sparse]);
    // a: 1/61 + 1/63, c: 1/63 + 1/61, b: 1/62, d: 1/62
    assert.deepEqual(
      out.map((h) => h.id),
      ["a", "c", "b", "d"],
    );
    close(out[0]!.score, 1 / 61 + 1 / 63);
    close(out[1]!.score, 1 / 63 + 1 / 61);
    close(out[2]!.score, 1 / 62);
    close(out[3]!.score, 1 / 62);
  });
  test("weights, k and topK", () => {
    const out = fuse([dense, sparse], { k: 0, weights: [1, 2], topK: 2 });
    // a: 1/1 + 2/3, c: 1/3 + 2/1 = 2.333, d: 2/2 = 1, b: 1/2
    assert.deepEqual(
      out.map((h) => h.id),
      ["c", "a"],
    );
    close(out[0]!.score, 1 / 3 + 2);
    close(out[1]!.score, 1 + 2 / 3);
  });
  test("a repeated id counts at its best place; empty input", () => {
    const out = fuse([
      [
        { id: 1, score: 5 },
        { id: 2, score: 4 },
        { id: 1, score: 1 },
      ],
    ]);
    close(out[0]!.score, 1 / 61);
    close(out[1]!.score, 1 / 62);
    assert.deepEqual(fuse([]), []);
    assert.deepEqual(fuse([[], []]), []);
  });
});

describe("fuse: weighted combination", () => {
  test("min-max normalization by default", () => {
    const out = fuse([dense, sparse], { method: "weighted", weights: [0.7, 0.3] });
    // dense min-max: a 1, b 0.75, c 0; sparse: c 1, d 4/9, a 0
    const want = { a: 0.7, b: 0.7 * 0.75, c: 0.3, d: 0.3 * (4 / 9) };
    assert.deepEqual(
      out.map((h) => h.id),
      ["a", "b", "c", "d"],
    );
    for (const h of out) close(h.score, want[h.id as keyof typeof want]);
  });
  test("z-score normalization", () => {
    const out = fuse([dense, sparse], { method: "weighted", normalization: "z-score" });
    const m1 = (0.9 + 0.8 + 0.5) / 3;
    const s1 = Math.sqrt(((0.9 - m1) ** 2 + (0.8 - m1) ** 2 + (0.5 - m1) ** 2) / 3);
    const m2 = 22 / 3;
    const s2 = Math.sqrt(((12 - m2) ** 2 + (7 - m2) ** 2 + (3 - m2) ** 2) / 3);
    const byId = new Map(out.map((h) => [h.id, h.score]));
    close(byId.get("a")!, (0.9 - m1) / s1 + (3 - m2) / s2);
    close(byId.get("c")!, (0.5 - m1) / s1 + (12 - m2) / s2);
    close(byId.get("d")!, (7 - m2) / s2);
  });
  test("none keeps raw scores; constant lists", () => {
    const out = fuse([dense, sparse], { method: "weighted", normalization: "none" });
    close(out[0]!.score, 12.5); // c
    assert.deepEqual(normalizeScores([2, 2], "min-max"), [1, 1]);
    assert.deepEqual(normalizeScores([2, 2], "z-score"), [0, 0]);
    assert.deepEqual(normalizeScores([], "z-score"), []);
  });
});

describe("fuse: bad options and hits are typed errors", () => {
  test("options", () => {
    assert.throws(() => fuse([dense], { method: "sum" as "rrf" }), rejects("invalid_option", "method"));
    assert.throws(() => fuse([dense], { normalization: "l2" as "none" }), rejects("invalid_option", "normalization"));
    assert.throws(() => fuse([dense], { k: -1 }), rejects("invalid_option", "k"));
    assert.throws(() => fuse([dense, sparse], { weights: [1] }), rejects("invalid_option", "weights"));
    assert.throws(() => fuse([dense, sparse], { weights: [1, -2] }), rejects("invalid_option", "weights[1]"));
    assert.throws(() => fuse([dense], { topK: 0 }), rejects("invalid_option", "topK"));
  });
  test("hits", () => {
    assert.throws(() => fuse("x" as unknown as []), rejects("invalid_input", "hitLists"));
    assert.throws(() => fuse([dense, {} as unknown as []]), rejects("invalid_input", "hitLists[1]"));
    assert.throws(
      () => fuse([[{ score: 1 } as unknown as { id: string; score: number }]]),
      rejects("invalid_input", "hitLists[0][0]"),
    );
    assert.throws(() => fuse([[{ id: "a", score: Number.NaN }]]), rejects("invalid_input", "hitLists[0][0].score"));
  });
});
