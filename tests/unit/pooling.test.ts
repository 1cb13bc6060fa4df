import assert from "node:assert/strict";
import { test } from "node:test";
import { poolBatch } from "../../src/pooling/pool.js";
import { cosineSimilarity, l2NormalizeInPlace, layerNormInPlace, truncateDims } from "../../src/pooling/normalize.js";

// Two rows, seqLen 3, hidden 2. Row 0 has 3 real tokens, row 1 has 2 (last is padding).
const out = {
  data: Float32Array.from([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 999, 999]),
  batchSize: 2,
  seqLen: 3,
  hidden: 2,
};
const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);

test("cls takes the first token", () => {
  const v = poolBatch(out, mask, "cls");
  assert.deepEqual(Array.from(v[0]!), [1, 2]);
  assert.deepEqual(Array.from(v[1]!), [10, 20]);
});

test("mean averages only unmasked tokens", () => {
  const v = poolBatch(out, mask, "mean");
  assert.deepEqual(Array.from(v[0]!), [3, 4]);
  assert.deepEqual(Array.from(v[1]!), [20, 30]); // the 999 padding row is ignored
});

test("last_token takes the last unmasked token", () => {
  const v = poolBatch(out, mask, "last_token");
  assert.deepEqual(Array.from(v[0]!), [5, 6]);
  assert.deepEqual(Array.from(v[1]!), [30, 40]);
});

test("l2 normalization gives unit length and keeps zero vectors", () => {
  const v = l2NormalizeInPlace(Float32Array.from([3, 4]));
  assert.ok(Math.abs(v[0]! - 0.6) < 1e-7 && Math.abs(v[1]! - 0.8) < 1e-7);
  assert.deepEqual(Array.from(l2NormalizeInPlace(new Float32Array(3))), [0, 0, 0]);
});

test("matryoshka truncation keeps the leading components", () => {
  const v = Float32Array.from([1, 2, 3, 4]);
  assert.deepEqual(Array.from(truncateDims(v, 2)), [1, 2]);
  assert.equal(truncateDims(v, 4), v);
});

test("cosine similarity", () => {
  assert.equal(cosineSimilarity(Float32Array.from([1, 0]), Float32Array.from([0, 1])), 0);
  assert.ok(Math.abs(cosineSimilarity(Float32Array.from([1, 1]), Float32Array.from([2, 2])) - 1) < 1e-12);
});

test("layer norm without affine: zero mean, unit variance", () => {
  const v = layerNormInPlace(Float32Array.from([1, 2, 3, 4]), 0);
  const mean = v.reduce((s, x) => s + x, 0) / 4;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / 4;
  assert.ok(Math.abs(mean) < 1e-6);
  assert.ok(Math.abs(variance - 1) < 1e-5);
  assert.ok(Math.abs(v[0]! - -1.3416408) < 1e-5);
});
