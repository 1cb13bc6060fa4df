/**
 * L4: ranking metrics for retrieval, as MTEB computes them through pytrec_eval (trec_eval's
 * ndcg_cut, map_cut, recall, P) plus MTEB's own MRR@k.
 *
 * - A run is ranked as trec_eval ranks it: score descending, ties broken by document id in
 *   descending byte order (trec_eval's comparator), whatever order the run was given in.
 * - A document is relevant when its judgment is >= 1 (pytrec_eval's default relevance level).
 * - nDCG@k uses graded gains: gain = the judgment value (judgments <= 0 give no gain), discount
 *   log2(rank + 1); the ideal DCG ranks every judged document of the query by judgment.
 * - MAP@k (trec_eval map_cut) sums precision at the rank of each relevant document in the top k
 *   and divides by the number of relevant documents of the query (not by min(k, R)).
 * - Recall@k divides the relevant documents found in the top k by all relevant documents.
 * - P@k divides them by k.
 * - MRR@k is 1/rank of the first document in the top k with a judgment > 0, else 0.
 */

/** Query id -> document id -> judgment (graded relevance; 0 = judged not relevant). */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;
/** Query id -> document id -> retrieval score. */
export type Run = ReadonlyMap<string, ReadonlyMap<string, number>>;

function compareDocIdsDescending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** Document ids of one query's results in trec_eval order. */
export function rankDocuments(scores: ReadonlyMap<string, number>): string[] {
  return [...scores.entries()].sort((x, y) => y[1] - x[1] || compareDocIdsDescending(x[0], y[0])).map(([id]) => id);
}

function relevantCount(judged: ReadonlyMap<string, number>): number {
  let r = 0;
  for (const v of judged.values()) if (v >= 1) r++;
  return r;
}

export function ndcgAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  const cut = Math.min(k, ranked.length);
  for (let i = 0; i < cut; i++) {
    const rel = judged.get(ranked[i] as string) ?? 0;
    if (rel > 0) dcg += rel / Math.log2(i + 2);
  }
  const ideal = [...judged.values()].filter((v) => v > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) idcg += (ideal[i] as number) / Math.log2(i + 2);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function mapAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const numRel = relevantCount(judged);
  if (numRel === 0) return 0;
  let found = 0;
  let sum = 0;
  const cut = Math.min(k, ranked.length);
  for (let i = 0; i < cut; i++) {
    if ((judged.get(ranked[i] as string) ?? 0) >= 1) {
      found++;
      sum += found / (i + 1);
    }
  }
  return sum / numRel;
}

function relevantInTopK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let found = 0;
  const cut = Math.min(k, ranked.length);
  for (let i = 0; i < cut; i++) if ((judged.get(ranked[i] as string) ?? 0) >= 1) found++;
  return found;
}

export function recallAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const numRel = relevantCount(judged);
  return numRel === 0 ? 0 : relevantInTopK(ranked, judged, k) / numRel;
}

export function precisionAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  return relevantInTopK(ranked, judged, k) / k;
}

export function reciprocalRankAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const cut = Math.min(k, ranked.length);
  for (let i = 0; i < cut; i++) if ((judged.get(ranked[i] as string) ?? 0) > 0) return 1 / (i + 1);
  return 0;
}

export interface RetrievalScores {
  /** Number of queries averaged: those with judgments and with results. */
  readonly queries: number;
  readonly ndcg: Readonly<Record<number, number>>;
  readonly map: Readonly<Record<number, number>>;
  readonly recall: Readonly<Record<number, number>>;
  readonly precision: Readonly<Record<number, number>>;
  readonly mrr: Readonly<Record<number, number>>;
}

export interface EvaluateRunOptions {
  /** Drop a result whose document id equals its query id (MTEB's ignore_identical_ids). Default false. */
  readonly ignoreIdenticalIds?: boolean;
}

function add(m: Record<number, number>, k: number, v: number): void {
  m[k] = (m[k] ?? 0) + v;
}

/** Averages each metric at each k over the queries that have judgments and results. */
export function evaluateRun(
  qrels: Qrels,
  run: Run,
  kValues: readonly number[],
  options: EvaluateRunOptions = {},
): RetrievalScores {
  const acc = { ndcg: {}, map: {}, recall: {}, precision: {}, mrr: {} } as Record<
    "ndcg" | "map" | "recall" | "precision" | "mrr",
    Record<number, number>
  >;
  for (const k of kValues) for (const m of Object.values(acc)) m[k] = 0;
  let queries = 0;
  for (const [qid, judged] of qrels) {
    const scores = run.get(qid);
    if (!scores) continue;
    queries++;
    let ranked = rankDocuments(scores);
    if (options.ignoreIdenticalIds) ranked = ranked.filter((d) => d !== qid);
    for (const k of kValues) {
      add(acc.ndcg, k, ndcgAtK(ranked, judged, k));
      add(acc.map, k, mapAtK(ranked, judged, k));
      add(acc.recall, k, recallAtK(ranked, judged, k));
      add(acc.precision, k, precisionAtK(ranked, judged, k));
      add(acc.mrr, k, reciprocalRankAtK(ranked, judged, k));
    }
  }
  if (queries > 0) {
    for (const m of Object.values(acc)) for (const k of kValues) m[k] = (m[k] ?? 0) / queries;
  }
  return { queries, ...acc };
}
