/**
 * L4: reranking as MTEB's RerankingEvaluator does it: samples without a positive or without a
 * negative are dropped; the query is embedded with the "query" prompt and its candidates with
 * the "passage" prompt; candidates are ranked by cosine similarity; per sample, average precision
 * (sklearn's, ties grouped) and reciprocal rank of the first positive in the top 10; both
 * averaged over samples. Main score: MAP.
 */
import { averagePrecision } from "../metrics/average-precision.js";
import { cosine } from "../metrics/paired-similarity.js";
import type { RerankingTask } from "../tasks/task-types.js";
import type { EvalContext, ScoreEntry } from "./eval-context.js";

export const MRR_AT = 10;

export async function evaluateReranking(task: RerankingTask, ctx: EvalContext): Promise<ScoreEntry> {
  const samples = task.samples.filter((s) => s.positive.length > 0 && s.negative.length > 0);
  const queryVectors = await ctx.embed(
    samples.map((s) => s.query),
    "query",
  );
  const docVectors = await ctx.embed(
    samples.flatMap((s) => [...s.positive, ...s.negative]),
    "passage",
  );
  let offset = 0;
  let apSum = 0;
  let rrSum = 0;
  samples.forEach((s, i) => {
    const q = queryVectors[i] as Float32Array;
    const n = s.positive.length + s.negative.length;
    const scores = Array.from({ length: n }, (_, j) => cosine(q, docVectors[offset + j] as Float32Array));
    const relevant = scores.map((_, j) => j < s.positive.length);
    offset += n;
    apSum += averagePrecision(relevant, scores);
    const order = scores.map((_, j) => j).sort((a, b) => (scores[b] as number) - (scores[a] as number));
    const first = order.slice(0, MRR_AT).findIndex((j) => relevant[j]);
    rrSum += first < 0 ? 0 : 1 / (first + 1);
    ctx.progress("score", i + 1, samples.length);
  });
  const map = samples.length === 0 ? 0 : apSum / samples.length;
  const mrr = samples.length === 0 ? 0 : rrSum / samples.length;
  return { map, [`mrr_at_${MRR_AT}`]: mrr, samples: samples.length, main_score: map };
}
