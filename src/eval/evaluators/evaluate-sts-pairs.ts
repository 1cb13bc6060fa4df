/**
 * L4: STS with a pair scorer (a cross-encoder): each (text1, text2) pair is scored by the model
 * itself, as sentence-transformers' CrossEncoderCorrelationEvaluator does; Pearson and Spearman
 * of the gold scores against the model's scores. Main score: Spearman.
 */
import { pearson, spearman } from "../metrics/correlation.js";
import type { PairScorer } from "../retrievers/pair-scorer.js";
import type { StsTask } from "../tasks/task-types.js";
import type { EvalContext, ScoreEntry } from "./eval-context.js";

/** Pairs per scorer call, so that progress moves. */
const CHUNK = 256;

export async function evaluateStsPairs(task: StsTask, scorer: PairScorer, ctx: EvalContext): Promise<ScoreEntry> {
  const [min, max] = task.scoreRange ?? [0, 1];
  const gold = task.pairs.map((p) => (p.score - min) / (max - min));
  const pairs = task.pairs.map((p): [string, string] => [p.text1, p.text2]);
  const scores: number[] = [];
  for (let i = 0; i < pairs.length; i += CHUNK) {
    ctx.progress("score", i, pairs.length);
    scores.push(...(await scorer.scorePairs(pairs.slice(i, i + CHUNK))));
  }
  ctx.progress("score", pairs.length, pairs.length);
  const s = spearman(gold, scores);
  const r = pearson(gold, scores);
  return { pearson: r, spearman: s, cross_encoder_pearson: r, cross_encoder_spearman: s, main_score: s };
}
