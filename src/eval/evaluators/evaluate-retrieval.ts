/**
 * L4: retrieval as MTEB evaluates it: queries embedded with the "query" prompt, documents
 * (title + " " + text, trimmed) with the "passage" prompt; exact cosine search keeps the top
 * max(kValues) documents per query; nDCG, MAP, recall and precision at each k as trec_eval
 * computes them, and MRR at each k. Main score: nDCG@10. A model that retrieves by itself (BM25,
 * dense+BM25 fusion: ctx.retriever) is asked for the run instead.
 */
import { evaluateRun, type Run } from "../metrics/retrieval-metrics.js";
import { exactSearch } from "../search/exact-search.js";
import type { RetrievalTask } from "../tasks/task-types.js";
import type { EvalContext, ScoreEntry } from "./eval-context.js";

export const MTEB_RETRIEVAL_K_VALUES = [1, 3, 5, 10, 20, 100, 1000] as const;

export function documentText(doc: { readonly title?: string; readonly text: string }): string {
  return doc.title !== undefined ? `${doc.title} ${doc.text}`.trim() : doc.text.trim();
}

export async function evaluateRetrieval(task: RetrievalTask, ctx: EvalContext): Promise<ScoreEntry> {
  const kValues = [...(task.kValues ?? MTEB_RETRIEVAL_K_VALUES)].sort((a, b) => a - b);
  const queries = task.queries.filter((q) => task.qrels.has(q.id));
  // One extra hit so that dropping a document equal to its query still leaves max(k).
  const topK = (kValues.at(-1) as number) + (task.ignoreIdenticalIds ? 1 : 0);
  const run: Run = ctx.retriever
    ? await retrieverRun(task, queries, topK, ctx)
    : await denseRun(task, queries, topK, ctx);
  ctx.progress("score", 0, 1);
  const r = evaluateRun(task.qrels, run, kValues, { ignoreIdenticalIds: task.ignoreIdenticalIds ?? false });
  ctx.progress("score", 1, 1);
  const out: Record<string, number> = {};
  for (const k of kValues) {
    out[`ndcg_at_${k}`] = r.ndcg[k] as number;
    out[`map_at_${k}`] = r.map[k] as number;
    out[`recall_at_${k}`] = r.recall[k] as number;
    out[`precision_at_${k}`] = r.precision[k] as number;
    out[`mrr_at_${k}`] = r.mrr[k] as number;
  }
  const main = out["ndcg_at_10"] ?? out[`ndcg_at_${kValues.find((k) => k >= 10) ?? kValues.at(-1)}`] ?? 0;
  return { ...out, queries: r.queries, main_score: main };
}

async function retrieverRun(
  task: RetrievalTask,
  queries: RetrievalTask["queries"],
  topK: number,
  ctx: EvalContext,
): Promise<Run> {
  ctx.progress("search", 0, queries.length);
  const run = await (ctx.retriever as NonNullable<EvalContext["retriever"]>).retrieve({
    documents: task.corpus.map((d) => ({ id: d.id, text: documentText(d) })),
    queries,
    topK,
    embed: ctx.embed,
  });
  ctx.progress("search", queries.length, queries.length);
  return run;
}

async function denseRun(
  task: RetrievalTask,
  queries: RetrievalTask["queries"],
  topK: number,
  ctx: EvalContext,
): Promise<Run> {
  const queryVectors = await ctx.embed(
    queries.map((q) => q.text),
    "query",
  );
  const docVectors = await ctx.embed(task.corpus.map(documentText), "passage");
  ctx.progress("search", 0, task.corpus.length);
  const hits = exactSearch(queryVectors, docVectors, topK, {
    onProgress: (done, total) => ctx.progress("search", done, total),
  });
  return new Map(
    queries.map((q, i) => {
      const h = hits[i] as { ids: Int32Array; scores: Float64Array };
      return [q.id, new Map(Array.from(h.ids, (d, j) => [task.corpus[d]?.id as string, h.scores[j] as number]))];
    }),
  );
}
