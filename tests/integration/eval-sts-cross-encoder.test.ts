/**
 * The pair-scoring STS evaluator with the real test cross-encoder on a slice of the STS
 * Benchmark test split (the whole split, 1,379 pairs, takes over a minute on the CI machine; its
 * figure, 81.77 as the model's README gives, is reported in the README and reproduced with
 * `embedkit eval --model embedkit-test/stsb-minilm-l6-cross-encoder --task STSBenchmark`).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { evaluate } from "../../src/eval/evaluate.js";
import { pearson, spearman } from "../../src/eval/metrics/correlation.js";
import type { PairScorer } from "../../src/eval/retrievers/pair-scorer.js";
import { loadStsBenchmark } from "../../src/eval/tasks/sts-benchmark.js";
import type { StsTask } from "../../src/eval/tasks/task-types.js";
import { isEmbedkitError } from "../../src/errors.js";
import type { TextCrossEncoder } from "../../src/rerank/text-cross-encoder.js";
import { openTestCrossEncoder } from "../helpers/cross-encoder.js";

const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));

describe("STS with a cross-encoder as pair scorer", () => {
  let ce: TextCrossEncoder;
  let scorer: PairScorer;
  let slice: StsTask;
  before(async () => {
    ce = await openTestCrossEncoder();
    scorer = {
      kind: "pair-scorer",
      modelId: ce.modelId,
      quantization: ce.quantization,
      scorePairs: (p) => ce.rerankPairs(p),
    };
    const full = await loadStsBenchmark(DATA, "test");
    // Every 10th pair: 138 pairs across the whole split's genres and score range.
    slice = { ...full, pairs: full.pairs.filter((_, i) => i % 10 === 0) };
  });
  after(() => ce.dispose());

  it("scores each pair with the model; Spearman and Pearson of the gold scores", async () => {
    const result = await evaluate(scorer, slice);
    const entry = result.scores["test"]![0]!;
    const scores = await ce.rerankPairs(slice.pairs.map((p): [string, string] => [p.text1, p.text2]));
    const gold = slice.pairs.map((p) => p.score);
    assert.ok(Math.abs(entry.main_score - spearman(gold, scores)) < 1e-12);
    assert.ok(Math.abs((entry["pearson"] as number) - pearson(gold, scores)) < 1e-9);
    assert.ok(entry.main_score > 0.75, `Spearman ${entry.main_score} on ${slice.pairs.length} pairs`);
    assert.equal(result.model_name, ce.modelId);
    assert.equal(result.quantization, "fp32");
  });

  it("a non-STS task is invalid_task naming the model's kind", async () => {
    const task = { type: "classification", name: "X", split: "test" } as never;
    await assert.rejects(
      evaluate(scorer, task),
      (e: unknown) => isEmbedkitError(e, "invalid_task") && /STS tasks only/.test((e as Error).message),
    );
  });
});
