/**
 * The output heads' math on small hand-computed tensors: pooled, tokens, spans, sparse (SPLADE)
 * and score (cross-encoder), how a batch result splits into rows, which buffers a worker moves,
 * and the typed errors for a wrong output shape or bad spans.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import { applyHead, splitRows } from "../../src/pooling/output-head.js";
import { transferList } from "../../src/runtime/worker-protocol.js";

// Two rows, seqLen 3, hidden 2. Row 0 has 3 real tokens, row 1 has 2 (its last is padding).
const states = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 999, 999]), dims: [2, 3, 2] };
const mask = BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]);

const close = (actual: ArrayLike<number>, expected: number[], eps = 1e-6): void => {
  assert.equal(actual.length, expected.length, `length ${actual.length} vs ${expected.length}`);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) <= eps, `[${i}] ${actual[i]} vs ${e}`));
};

const invalidOption = (field: string) => (e: unknown) =>
  isEmbedkitError(e, "invalid_option") && e.details["field"] === field;

describe("pooled head", () => {
  test("pools token states per row (mean ignores padding) and passes graph-pooled vectors through", () => {
    const out = applyHead(states, mask, { kind: "pooled", pooling: "mean" });
    const rows = splitRows(out);
    close(rows[0]!, [3, 4]);
    close(rows[1]!, [20, 30]);
    const graphPooled = applyHead({ data: Float32Array.from([1, 2, 3, 4]), dims: [2, 2] }, mask, {
      kind: "pooled",
      pooling: "cls",
    });
    assert.deepEqual(
      splitRows(graphPooled).map((v) => Array.from(v)),
      [
        [1, 2],
        [3, 4],
      ],
    );
  });
});

describe("tokens head", () => {
  test("keeps each row's real tokens in order and drops padding", () => {
    const rows = splitRows(applyHead(states, mask, { kind: "tokens" }));
    assert.deepEqual(
      rows.map((r) => [r.tokens, r.dim]),
      [
        [3, 2],
        [2, 2],
      ],
    );
    assert.deepEqual(Array.from(rows[0]!.data), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(rows[1]!.data), [10, 20, 30, 40]);
  });
});

describe("spans head", () => {
  test("averages each [start, end) token range of its row", () => {
    const rows = splitRows(
      applyHead(states, mask, {
        kind: "spans",
        spans: [
          [
            [0, 2],
            [1, 3],
            [2, 3],
          ],
          [[0, 2]],
        ],
      }),
    );
    assert.equal(rows[0]!.length, 3);
    close(rows[0]![0]!, [2, 3]);
    close(rows[0]![1]!, [4, 5]);
    close(rows[0]![2]!, [5, 6]);
    close(rows[1]![0]!, [20, 30]);
  });

  test("a span over all real tokens equals mean pooling; a row may have no spans", () => {
    const spans = splitRows(applyHead(states, mask, { kind: "spans", spans: [[[0, 3]], []] }));
    const mean = splitRows(applyHead(states, mask, { kind: "pooled", pooling: "mean" }));
    assert.deepEqual(Array.from(spans[0]![0]!), Array.from(mean[0]!));
    assert.deepEqual(spans[1], []);
  });

  test("a span past the row's real tokens, empty, reversed or not integer is invalid_option naming it", () => {
    const bad: [number, number][] = [
      [0, 3], // row 1 has 2 real tokens
      [1, 1],
      [2, 1],
      [-1, 1],
      [0, 1.5],
    ];
    for (const span of bad) {
      assert.throws(
        () => applyHead(states, mask, { kind: "spans", spans: [[[0, 1]], [span]] }),
        (e: unknown) => invalidOption("spans[1][0]")(e) && /0 <= start < end <= 2/.test((e as Error).message),
        `span ${JSON.stringify(span)}`,
      );
    }
    assert.throws(() => applyHead(states, mask, { kind: "spans", spans: [[[0, 1]]] }), invalidOption("spans"));
  });
});

describe("sparse head (SPLADE)", () => {
  // batch 2, seq 3, vocab 4; row 1's last token is padding with huge logits that must not count.
  const logits = {
    data: Float32Array.from([
      ...[-1, 0.5, 2, 0],
      ...[3, -2, 1, 0],
      ...[0, 0, 0, 0],
      ...[0, 0, -5, 1],
      ...[0.25, 0, 0, 0],
      ...[100, 100, 100, 100],
    ]),
    dims: [2, 3, 4],
  };

  test("max over real tokens of log(1 + relu(logit)), non-zero entries sorted by id", () => {
    const [a, b] = splitRows(applyHead(logits, mask, { kind: "sparse" }));
    assert.deepEqual(Array.from(a!.indices), [0, 1, 2]);
    close(a!.values, [Math.log(4), Math.log(1.5), Math.log(3)]);
    assert.deepEqual(Array.from(b!.indices), [0, 3]);
    close(b!.values, [Math.log(1.25), Math.log(2)]);
  });

  test("topK keeps the largest values (ties: the smaller id), still sorted by id", () => {
    const [a, b] = splitRows(applyHead(logits, mask, { kind: "sparse", topK: 2 }));
    assert.deepEqual(Array.from(a!.indices), [0, 2]);
    close(a!.values, [Math.log(4), Math.log(3)]);
    assert.deepEqual(Array.from(b!.indices), [0, 3], "fewer non-zero entries than topK: all kept");
    const tied = { data: Float32Array.from([1, 2, 2, 1]), dims: [1, 1, 4] };
    const [t] = splitRows(applyHead(tied, BigInt64Array.from([1n]), { kind: "sparse", topK: 1 }));
    assert.deepEqual(Array.from(t!.indices), [1]);
  });

  test("a row whose logits are all <= 0 is an empty vector", () => {
    const neg = { data: Float32Array.from([-1, -2, 0, -3]), dims: [1, 1, 4] };
    const [v] = splitRows(applyHead(neg, BigInt64Array.from([1n]), { kind: "sparse" }));
    assert.equal(v!.indices.length, 0);
    assert.equal(v!.values.length, 0);
  });

  test("logits that are not [batch, seq, vocab] are invalid_option", () => {
    assert.throws(
      () => applyHead({ data: new Float32Array(4), dims: [2, 2] }, mask, { kind: "sparse" }),
      (e: unknown) => invalidOption("head")(e) && /\[batch, seq, vocab\].*\[2, 2\]/.test((e as Error).message),
    );
  });
});

describe("score head (cross-encoder)", () => {
  test("logits[:, 0], then sigmoid or nothing", () => {
    const logits = { data: Float32Array.from([0, 9, 2, 9, -1, 9]), dims: [3, 2] };
    const sig = splitRows(applyHead(logits, mask, { kind: "score", activation: "sigmoid" }));
    close(sig, [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(1))]);
    const raw = splitRows(
      applyHead({ data: Float32Array.from([0, 2, -1]), dims: [3, 1] }, mask, {
        kind: "score",
        activation: "none",
      }),
    );
    assert.deepEqual(raw, [0, 2, -1]);
  });

  test("token-level outputs are invalid_option for the score head", () => {
    assert.throws(() => applyHead(states, mask, { kind: "score", activation: "none" }), invalidOption("head"));
  });
});

describe("what crosses the thread boundary", () => {
  test("rows are copies that own their buffers; the worker moves each result buffer once", () => {
    const out = applyHead(states, mask, { kind: "tokens" });
    for (const r of splitRows(out)) assert.equal(r.data.byteLength, r.data.buffer.byteLength);
    assert.equal(transferList(out).length, 2, "data and offsets");
    const sparse = applyHead({ data: Float32Array.from([1, 0, 0, 2]), dims: [1, 1, 4] }, BigInt64Array.from([1n]), {
      kind: "sparse",
    });
    assert.equal(transferList(sparse).length, 3, "indices, values and offsets");
  });
});
