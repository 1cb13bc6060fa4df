import assert from "node:assert/strict";
import { test } from "node:test";
import { planBatches } from "../../src/engine/plan-batches.js";
import { padBatch } from "../../src/engine/pad-batch.js";

test("every index appears exactly once, longest first", () => {
  const lengths = [5, 300, 12, 12, 40, 7, 512, 3];
  const plan = planBatches(lengths, { batchSize: 3, maxBatchTokens: 100000 });
  assert.deepEqual(
    plan.flat().sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  assert.deepEqual(plan[0], [6, 1, 4]);
  assert.ok(plan.every((b) => b.length <= 3));
});

test("token budget bounds rows × longest row", () => {
  const lengths = Array.from({ length: 100 }, (_, i) => 10 + (i % 50));
  const plan = planBatches(lengths, { batchSize: 64, maxBatchTokens: 500 });
  for (const b of plan) {
    const longest = Math.max(...b.map((i) => lengths[i]!));
    assert.ok(b.length * longest <= 500, `batch of ${b.length} × ${longest} exceeds 500`);
  }
  assert.equal(plan.flat().length, 100);
});

test("a single text over the budget still gets its own batch", () => {
  assert.deepEqual(planBatches([2000, 3], { batchSize: 8, maxBatchTokens: 512 }), [[0], [1]]);
});

test("empty input plans no batch", () => {
  assert.deepEqual(planBatches([], { batchSize: 8, maxBatchTokens: 512 }), []);
});

test("padBatch right-pads ids, mask and type ids", () => {
  const b = padBatch([
    { ids: Int32Array.from([101, 7, 102]), typeIds: Int32Array.from([0, 0, 0]), originalLength: 3 },
    { ids: Int32Array.from([101, 102]), typeIds: Int32Array.from([0, 1]), originalLength: 2 },
  ]);
  assert.equal(b.batchSize, 2);
  assert.equal(b.seqLen, 3);
  assert.deepEqual(Array.from(b.inputIds), [101n, 7n, 102n, 101n, 102n, 0n]);
  assert.deepEqual(Array.from(b.attentionMask), [1n, 1n, 1n, 1n, 1n, 0n]);
  assert.deepEqual(Array.from(b.tokenTypeIds), [0n, 0n, 0n, 0n, 1n, 0n]);
});
