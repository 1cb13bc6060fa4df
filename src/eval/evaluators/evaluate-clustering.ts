/**
 * L4: clustering as MTEB's clustering evaluator does it: each set's texts embedded with the
 * "symmetric" prompt, clustered by mini-batch k-means (batch size 500) into as many clusters as
 * the set has distinct labels, scored by V-measure against the labels. Score: mean V-measure over
 * sets (and its population standard deviation). Main score: V-measure.
 */
import { miniBatchKMeans } from "../learn/mini-batch-k-means.js";
import { toMatrix } from "../learn/logistic-regression.js";
import { vMeasure } from "../metrics/v-measure.js";
import type { ClusteringTask } from "../tasks/task-types.js";
import type { EvalContext, ScoreEntry } from "./eval-context.js";

export const MTEB_CLUSTERING_BATCH_SIZE = 500;

export async function evaluateClustering(task: ClusteringTask, ctx: EvalContext): Promise<ScoreEntry> {
  const vectors = await ctx.embed(
    task.sets.flatMap((s) => s.texts),
    "symmetric",
  );
  const measures: number[] = [];
  let offset = 0;
  for (const [i, set] of task.sets.entries()) {
    ctx.progress("cluster", i, task.sets.length);
    const X = toMatrix(vectors.slice(offset, offset + set.texts.length));
    offset += set.texts.length;
    const k = new Set(set.labels).size;
    const { labels } = miniBatchKMeans(X, k, { batchSize: MTEB_CLUSTERING_BATCH_SIZE, seed: ctx.seed });
    measures.push(vMeasure(set.labels, Array.from(labels)).vMeasure);
  }
  ctx.progress("cluster", task.sets.length, task.sets.length);
  const mean = measures.reduce((a, b) => a + b, 0) / measures.length;
  const std = Math.sqrt(measures.reduce((a, b) => a + (b - mean) ** 2, 0) / measures.length);
  return { v_measure: mean, v_measure_std: std, v_measures: measures, main_score: mean };
}
