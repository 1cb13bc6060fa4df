/**
 * L4: the rerank step of a search, written once for every search that offers it (the folder
 * index's `VectorIndex.search`, and `embedkit search postgres://... --rerank`): the first
 * stage's `topN` hits (default max(topK, 20)) are scored against the query by a cross-encoder
 * and the best `topK` returned by that score, the first stage's score kept under `keepScoreAs`.
 */
import { positiveInt } from "../embed/engine-options.js";
import type { TextCrossEncoder } from "../rerank/text-cross-encoder.js";

/** First-stage hits retrieved for reranking when the caller names no depth. */
export const DEFAULT_RERANK_DEPTH = 20;

/**
 * How many first-stage hits a reranked search of `topK` retrieves: `topN` when given (an
 * integer 1..`max`, else `invalid_option` naming `field`), else max(topK, 20).
 */
export function rerankDepth(topK: number, topN: number | undefined, max: number, field = "rerank.topN"): number {
  return topN === undefined ? Math.max(topK, DEFAULT_RERANK_DEPTH) : positiveInt(field, topN, max);
}

/** What the rerank step needs of a hit: the text the cross-encoder reads, and the first stage's score. */
export interface RerankableHit {
  /** The chunk's text, paired with the query. */
  readonly text: string;
  /** The first stage's score (replaced by the cross-encoder's). */
  readonly score: number;
}

/**
 * The best `topK` of `hits` by `model`'s score of (query, hit text), best first; each hit keeps
 * its fields, `score` becomes the cross-encoder's, and the first stage's score is kept under
 * `keepScoreAs` when given.
 */
export async function rerankHits<H extends RerankableHit, K extends "denseScore" | "sparseScore">(
  query: string,
  hits: readonly H[],
  options: {
    /** The cross-encoder (the caller creates and disposes it). */
    readonly model: TextCrossEncoder;
    /** Hits returned at most. */
    readonly topK: number;
    /** Where the first stage's score is kept; unset: it is dropped (hybrid's fused score). */
    readonly keepScoreAs?: K | undefined;
  },
): Promise<(H & Partial<Record<K, number>>)[]> {
  if (hits.length === 0) return [];
  const ranked = await options.model.rerank(
    query,
    hits.map((h) => h.text),
    { topK: options.topK },
  );
  const keep = options.keepScoreAs;
  return ranked.map(
    (r) =>
      ({
        ...hits[r.index]!,
        score: r.score,
        ...(keep !== undefined ? { [keep]: hits[r.index]!.score } : {}),
      }) as H & Partial<Record<K, number>>,
  );
}
