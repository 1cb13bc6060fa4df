/**
 * L4: STS as MTEB evaluates it: both sides embedded with the "symmetric" prompt; gold scores
 * rescaled to [0, 1] with the task's score range (no effect on correlations); Pearson and
 * Spearman of the gold scores against cosine similarity and the negated Manhattan and Euclidean
 * distances. Main score: Spearman of cosine.
 */
import { pearson, spearman } from "../metrics/correlation.js";
import { pairedCosine, pairedEuclideanSimilarity, pairedManhattanSimilarity } from "../metrics/paired-similarity.js";
import type { StsTask } from "../tasks/task-types.js";
import type { EvalContext, ScoreEntry } from "./eval-context.js";

export async function evaluateSts(task: StsTask, ctx: EvalContext): Promise<ScoreEntry> {
  const [min, max] = task.scoreRange ?? [0, 1];
  const gold = task.pairs.map((p) => (p.score - min) / (max - min));
  const [e1, e2] = await embedSides(task, ctx);
  ctx.progress("score", 0, 1);
  const cos = pairedCosine(e1, e2);
  const man = pairedManhattanSimilarity(e1, e2);
  const euc = pairedEuclideanSimilarity(e1, e2);
  const scores = {
    cosine_pearson: pearson(gold, cos),
    cosine_spearman: spearman(gold, cos),
    manhattan_pearson: pearson(gold, man),
    manhattan_spearman: spearman(gold, man),
    euclidean_pearson: pearson(gold, euc),
    euclidean_spearman: spearman(gold, euc),
  };
  ctx.progress("score", 1, 1);
  return {
    pearson: scores.cosine_pearson,
    spearman: scores.cosine_spearman,
    ...scores,
    main_score: scores.cosine_spearman,
  };
}

async function embedSides(task: StsTask, ctx: EvalContext): Promise<[Float32Array[], Float32Array[]]> {
  const n = task.pairs.length;
  const all = await ctx.embed([...task.pairs.map((p) => p.text1), ...task.pairs.map((p) => p.text2)], "symmetric");
  return [all.slice(0, n), all.slice(n)];
}
