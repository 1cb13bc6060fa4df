/**
 * L4: pair classification as MTEB evaluates it: the distinct texts embedded with the "symmetric"
 * prompt; for cosine similarity, dot product, Manhattan and Euclidean distance, the best
 * accuracy and the best F1 over all thresholds and the average precision. Main score: average
 * precision of cosine similarity.
 */
import { averagePrecision } from "../metrics/average-precision.js";
import { bestAccuracyThreshold, bestF1Threshold } from "../metrics/best-threshold.js";
import {
  pairedCosine,
  pairedDot,
  pairedEuclideanSimilarity,
  pairedManhattanSimilarity,
} from "../metrics/paired-similarity.js";
import type { PairClassificationTask } from "../tasks/task-types.js";
import type { EvalContext, ScoreEntry } from "./eval-context.js";

export async function evaluatePairClassification(task: PairClassificationTask, ctx: EvalContext): Promise<ScoreEntry> {
  const n = task.pairs.length;
  const all = await ctx.embed([...task.pairs.map((p) => p.text1), ...task.pairs.map((p) => p.text2)], "symmetric");
  const e1 = all.slice(0, n);
  const e2 = all.slice(n);
  const labels = task.pairs.map((p) => p.label);
  ctx.progress("score", 0, 1);
  const negate = (a: Float64Array) => a.map((v) => -v);
  // Distances are thresholded as distances (lower = more similar), as MTEB does.
  const metrics: [string, Float64Array, boolean][] = [
    ["cosine", pairedCosine(e1, e2), true],
    ["dot", pairedDot(e1, e2), true],
    ["manhattan", negate(pairedManhattanSimilarity(e1, e2)), false],
    ["euclidean", negate(pairedEuclideanSimilarity(e1, e2)), false],
  ];
  const out: Record<string, number> = {};
  let maxAp = 0;
  let maxF1 = 0;
  let maxAccuracy = 0;
  for (const [name, scores, highMoreSimilar] of metrics) {
    const acc = bestAccuracyThreshold(scores, labels, highMoreSimilar);
    const f1 = bestF1Threshold(scores, labels, highMoreSimilar);
    const ap = averagePrecision(labels, highMoreSimilar ? scores : negate(scores));
    out[`${name}_accuracy`] = acc.accuracy;
    out[`${name}_accuracy_threshold`] = acc.threshold;
    out[`${name}_f1`] = f1.f1;
    out[`${name}_f1_threshold`] = f1.threshold;
    out[`${name}_precision`] = f1.precision;
    out[`${name}_recall`] = f1.recall;
    out[`${name}_ap`] = ap;
    maxAp = Math.max(maxAp, ap);
    maxF1 = Math.max(maxF1, f1.f1);
    maxAccuracy = Math.max(maxAccuracy, acc.accuracy);
  }
  ctx.progress("score", 1, 1);
  return { ...out, max_ap: maxAp, max_f1: maxF1, max_accuracy: maxAccuracy, main_score: out["cosine_ap"] as number };
}
