import assert from "node:assert/strict";
import { test } from "node:test";
import { ERROR_CODES, isEmbedkitError } from "../../src/errors.js";
import {
  bytesPerVector,
  calibrationRanges,
  checkRanges,
  packSignBits,
  parsePrecision,
  quantizeEmbeddings,
  unpackSignBits,
} from "../../src/pooling/quantize.js";
import { hammingDistance } from "../../src/search/hamming-distance.js";
import { floatIntegerDot, integerDot } from "../../src/search/integer-dot.js";
import { quantizedSearch } from "../../src/search/quantized-search.js";

function invalidOption(field: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isEmbedkitError(e, ERROR_CODES.INVALID_OPTION), String(e));
    assert.equal(e.details.field, field);
    return true;
  };
}

/** A deterministic pseudo-random vector (xorshift), values in [-1, 1). */
function vectors(n: number, dim: number, seed = 7): Float32Array[] {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 31 - 1;
  };
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, next));
}

test("ubinary packs v > 0 with the first dimension in the top bit; binary is the byte - 128", () => {
  const v = Float32Array.from([1, 0, -1, 2, 0, 0, 0, 3, /* byte 2 */ -1, -1, -1, -1, -1, -1, -1, 0.1]);
  const [u] = quantizeEmbeddings([v], "ubinary");
  assert.ok(u instanceof Uint8Array);
  assert.deepEqual(Array.from(u!), [0b10010001, 0b00000001]);
  const [b] = quantizeEmbeddings([v], "binary");
  assert.ok(b instanceof Int8Array);
  assert.deepEqual(Array.from(b!), [0b10010001 - 128, 1 - 128]);
  assert.deepEqual(
    Array.from(unpackSignBits(b!, 16, "binary")),
    Array.from(v, (x) => (x > 0 ? 1 : 0)),
  );
  assert.deepEqual(
    Array.from(unpackSignBits(u!, 16, "ubinary")),
    Array.from(v, (x) => (x > 0 ? 1 : 0)),
  );
});

test("uint8/int8 cut each dimension's range into 255 steps (floor, clip); int8 is uint8 - 128", () => {
  // dimension 0: range [0, 255] so the step is 1; dimension 1: range [-1, 1]. In float32 the
  // step 2/255 rounds up, so the max lands on 254.99998 and truncates to 254 (numpy agrees).
  const ranges = { min: [0, -1], max: [255, 1] };
  const rows = [Float32Array.from([0, -1]), Float32Array.from([0.5, 1]), Float32Array.from([127.9, 0])];
  const u = quantizeEmbeddings(rows, "uint8", { ranges });
  assert.deepEqual(
    u.map((r) => Array.from(r)),
    [
      [0, 0],
      [0, 254],
      [127, 127],
    ],
  );
  const i8 = quantizeEmbeddings(rows, "int8", { ranges });
  assert.deepEqual(
    i8.map((r) => Array.from(r)),
    [
      [-128, -128],
      [-128, 126],
      [-1, -1],
    ],
  );
  // an empty range (min = max) gets step 1, as the reference
  assert.deepEqual(
    Array.from(quantizeEmbeddings([Float32Array.from([2.5])], "uint8", { ranges: { min: [2], max: [2] } })[0]!),
    [0],
  );
});

test("int8 ranges come from ranges, else calibration, else the batch; outside values clamp", () => {
  const batch = [Float32Array.from([0, 10]), Float32Array.from([1, 20])];
  const own = quantizeEmbeddings(batch, "uint8");
  assert.deepEqual(
    own.map((r) => Array.from(r)),
    [
      [0, 0],
      [254, 254], // float32 rounding of the step, as in numpy
    ],
  );
  const calibration = [Float32Array.from([0.5, 10]), Float32Array.from([0.75, 15])];
  const cal = quantizeEmbeddings(batch, "uint8", { calibration });
  assert.deepEqual(
    cal.map((r) => Array.from(r)),
    [
      [0, 0],
      [255, 255],
    ],
  );
  const r = calibrationRanges(calibration);
  assert.deepEqual(
    [Array.from(r.min), Array.from(r.max)],
    [
      [0.5, 10],
      [0.75, 15],
    ],
  );
  const given = quantizeEmbeddings(batch, "int8", { ranges: { min: [-1, 0], max: [1, 40] }, calibration });
  assert.deepEqual(Array.from(given[0]!), [-1, -65]); // ranges win over calibration
});

test("float32 returns copies; bytesPerVector matches the README's memory column", () => {
  const v = Float32Array.from([0.25, -0.5]);
  const [f] = quantizeEmbeddings([v], "float32");
  assert.deepEqual(Array.from(f!), [0.25, -0.5]);
  assert.notEqual(f, v);
  assert.deepEqual(
    (["float32", "int8", "uint8", "binary", "ubinary"] as const).map((p) => bytesPerVector(p, 384)),
    [1536, 384, 384, 48, 48],
  );
});

test("bad precision, ranges and dimensions are typed invalid_option errors naming the field", () => {
  assert.throws(() => parsePrecision("int4"), invalidOption("precision"));
  const two = [Float32Array.from([0, 1]), Float32Array.from([1, 2])];
  assert.throws(() => quantizeEmbeddings(two, "int8", { ranges: { min: [0], max: [1] } }), invalidOption("ranges.min"));
  assert.throws(
    () => quantizeEmbeddings(two, "int8", { ranges: { min: [0, 0], max: [1, 2, 3] } }),
    invalidOption("ranges.max"),
  );
  assert.throws(
    () => quantizeEmbeddings(two, "int8", { ranges: { min: [0, 3], max: [1, 2] } }),
    invalidOption("ranges.min[1]"),
  );
  assert.throws(
    () => quantizeEmbeddings(two, "int8", { ranges: { min: [0, NaN], max: [1, 2] } }),
    invalidOption("ranges.min[1]"),
  );
  // one vector and no ranges: no range to take (the reference raises too)
  assert.throws(() => quantizeEmbeddings([Float32Array.from([0, 1])], "uint8"), invalidOption("ranges"));
  assert.throws(
    () => quantizeEmbeddings(two, "int8", { calibration: [Float32Array.from([0, 1, 2])] }),
    invalidOption("calibration"),
  );
  assert.throws(
    () => checkRanges({ min: [0], max: [1] }, 1, "r") && calibrationRanges([]),
    invalidOption("calibration"),
  );
  assert.throws(
    () => quantizeEmbeddings([Float32Array.from([0, 1]), Float32Array.from([0])], "int8"),
    invalidOption("embeddings[1]"),
  );
});

test("binary rows of a dimension that is not a multiple of 8 are padded with 0 bits", () => {
  const v = Float32Array.from([1, -1, 1, 1, 1, 1, 1, 1, 1, -1, 1, 1]);
  const [u] = quantizeEmbeddings([v], "ubinary");
  assert.deepEqual(Array.from(u!), [0b10111111, 0b10110000]);
  assert.deepEqual(
    Array.from(unpackSignBits(u!, 12, "ubinary")),
    Array.from(v, (x) => (x > 0 ? 1 : 0)),
  );
});

test("hamming distance counts differing bits; binary and ubinary rows give the same distance", () => {
  const [a, b] = vectors(2, 64);
  const ua = packSignBits(a!);
  const ub = packSignBits(b!);
  let expected = 0;
  for (let d = 0; d < 64; d++) if (a![d]! > 0 !== b![d]! > 0) expected++;
  assert.equal(hammingDistance(ua, ub), expected);
  const [ba, bb] = quantizeEmbeddings([a!, b!], "binary");
  assert.equal(hammingDistance(ba!, bb!), expected);
  assert.equal(hammingDistance(ua, ua), 0);
  assert.throws(() => hammingDistance(ua, ub.subarray(1)), RangeError);
});

test("integer dot products are exact", () => {
  assert.equal(integerDot(Int8Array.from([-128, 127, 3]), Int8Array.from([-128, 127, -2])), 16384 + 16129 - 6);
  assert.equal(floatIntegerDot([0.5, -1], Uint8Array.from([255, 4])), 127.5 - 4);
});

test("quantized search ranks by Hamming, then rescoring with the float query restores the float order", () => {
  const dim = 64;
  const corpus = vectors(300, dim, 11);
  const query = vectors(1, dim, 99)[0]!;
  const dot = (v: Float32Array): number => v.reduce((s, x, i) => s + x * query[i]!, 0);
  const byHamming = quantizedSearch({
    query,
    corpus: { precision: "ubinary", dim, rows: quantizeEmbeddings(corpus, "ubinary") },
    topK: 10,
    rescore: false,
  });
  const qBits = packSignBits(query);
  const distances = corpus.map((v) => hammingDistance(qBits, packSignBits(v)));
  const expectedIds = distances
    .map((d, i) => ({ d, i }))
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, 10)
    .map((x) => x.i);
  assert.deepEqual(
    byHamming.map((h) => h.id),
    expectedIds,
  );
  assert.deepEqual(
    byHamming.map((h) => h.score),
    expectedIds.map((i) => dim - distances[i]!),
  );

  // rescoring: the 40 Hamming candidates, ordered by query · bits
  for (const precision of ["binary", "ubinary"] as const) {
    const rows = quantizeEmbeddings(corpus, precision);
    const hits = quantizedSearch({ query, corpus: { precision, dim, rows }, topK: 10, rescoreMultiplier: 4 });
    const candidates = quantizedSearch({ query, corpus: { precision, dim, rows }, topK: 40, rescore: false });
    const bitsScore = (i: number): number => corpus[i]!.reduce((s, x, d) => s + (x > 0 ? query[d]! : 0), 0);
    const expected = candidates
      .map((h) => ({ id: h.id as number, score: bitsScore(h.id as number) }))
      .sort((x, y) => y.score - x.score || x.id - y.id)
      .slice(0, 10);
    assert.deepEqual(
      hits.map((h) => h.id),
      expected.map((h) => h.id),
    );
    hits.forEach((h, j) => assert.ok(Math.abs(h.score - expected[j]!.score) < 1e-9));
  }

  // int8: with rescoring over the whole corpus the order is the order of query · dequantized values
  const ranges = calibrationRanges(corpus);
  const rows = quantizeEmbeddings(corpus, "int8", { ranges });
  const all = quantizedSearch({
    query,
    corpus: { precision: "int8", dim, rows, ranges },
    topK: 300,
    rescoreMultiplier: 1,
  });
  const steps = Array.from(ranges.min, (lo, d) => Math.fround(Math.fround(ranges.max[d]! - lo) / 255));
  const dequantized = (r: Int8Array): number =>
    r.reduce((s, q, d) => s + query[d]! * ((q + 128) * steps[d]! + ranges.min[d]!), 0);
  const expectedInt8 = rows
    .map((r, id) => ({ id, score: dequantized(r) }))
    .sort((x, y) => y.score - x.score || x.id - y.id);
  assert.deepEqual(
    all.map((h) => h.id),
    expectedInt8.map((h) => h.id),
  );
  // float32 corpus: plain dot product
  const f = quantizedSearch({ query, corpus: { precision: "float32", dim, rows: corpus }, topK: 5 });
  const expectedF = corpus
    .map((v, id) => ({ id, score: dot(v) }))
    .sort((x, y) => y.score - x.score || x.id - y.id)
    .slice(0, 5);
  assert.deepEqual(
    f.map((h) => h.id),
    expectedF.map((h) => h.id),
  );
});

test("quantized search refuses bad options with typed errors", () => {
  const dim = 8;
  const corpus = vectors(5, dim);
  const rows = quantizeEmbeddings(corpus, "int8");
  const query = corpus[0]!;
  assert.throws(
    () => quantizedSearch({ query, corpus: { precision: "int8", dim, rows }, topK: 1 }),
    invalidOption("corpus.ranges"),
  );
  const ub = { precision: "ubinary" as const, dim, rows: quantizeEmbeddings(corpus, "ubinary") };
  assert.throws(() => quantizedSearch({ query, corpus: ub, topK: 0 }), invalidOption("topK"));
  assert.throws(
    () => quantizedSearch({ query, corpus: ub, topK: 1, rescoreMultiplier: 1.5 }),
    invalidOption("rescoreMultiplier"),
  );
  assert.throws(() => quantizedSearch({ query: query.subarray(1), corpus: ub, topK: 1 }), invalidOption("query"));
  assert.throws(
    () => quantizedSearch({ query, corpus: { ...ub, rows: [new Uint8Array(2)] }, topK: 1 }),
    invalidOption("corpus.rows[0]"),
  );
  // more hits asked than rows: every row, once
  assert.equal(quantizedSearch({ query, corpus: ub, topK: 50 }).length, 5);
});
