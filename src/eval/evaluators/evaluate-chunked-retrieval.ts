/**
 * L4: scores a chunked-retrieval task (see tasks/chunked-retrieval-task.ts) once its documents
 * have been chunked and embedded. How they were chunked (naive or late, which size) is the
 * caller's choice; this module only ranks and scores.
 *
 * - Queries are embedded with the "query" prompt by the caller; every chunk of every document is
 *   a candidate; cosine similarity by exact search.
 * - Chunk level: chunk `doc#i` is relevant (judgment 1) to a query when [start, end) overlaps one
 *   of the query's gold spans in `doc`. Queries whose gold spans no chunk overlaps cannot happen
 *   (chunks cover their document), so every query is scored.
 * - Document level: a document's score is its best chunk's; it is relevant when it holds a gold
 *   span.
 * Metrics as trec_eval computes them (metrics/retrieval-metrics.ts); main score: chunk nDCG@10.
 */
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import { evaluateRun, type Qrels, type Run } from "../metrics/retrieval-metrics.js";
import { l2NormalizeInPlace } from "../../pooling/normalize.js";
import type { VectorRanker } from "../retrievers/retriever.js";
import { exactSearch } from "../search/exact-search.js";
import type { ChunkedRetrievalTask } from "../tasks/chunked-retrieval-task.js";
import type { ScoreEntry } from "./eval-context.js";

export const CHUNKED_K_VALUES = [1, 3, 5, 10, 20] as const;

/** One embedded chunk of a document: its character range and vector. */
export interface EmbeddedChunk {
  readonly start: number;
  readonly end: number;
  readonly vector: ArrayLike<number>;
}

export interface ChunkedRun {
  /** Query vectors, in task.queries order. */
  readonly queryVectors: readonly ArrayLike<number>[];
  /** Document id -> its chunks, in document order. Every task document must be present. */
  readonly chunks: ReadonlyMap<string, readonly EmbeddedChunk[]>;
}

export function chunkId(doc: string, index: number): string {
  return `${doc}#${index}`;
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Chunk- and document-level judgments of every query. */
export function chunkedQrels(
  task: ChunkedRetrievalTask,
  chunks: ReadonlyMap<string, readonly EmbeddedChunk[]>,
): { chunk: Qrels; document: Qrels } {
  const chunk = new Map<string, Map<string, number>>();
  const document = new Map<string, Map<string, number>>();
  for (const q of task.queries) {
    const c = new Map<string, number>();
    const d = new Map<string, number>();
    for (const span of q.gold) {
      d.set(span.doc, 1);
      (chunks.get(span.doc) ?? []).forEach((ch, i) => {
        if (overlaps(ch, span)) c.set(chunkId(span.doc, i), 1);
      });
    }
    chunk.set(q.id, c);
    document.set(q.id, d);
  }
  return { chunk, document };
}

function prefixed(
  scores: {
    readonly ndcg: Record<number, number>;
    readonly recall: Record<number, number>;
    readonly map: Record<number, number>;
    readonly mrr: Record<number, number>;
  },
  level: string,
  kValues: readonly number[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of kValues) {
    out[`${level}_ndcg_at_${k}`] = scores.ndcg[k] as number;
    out[`${level}_recall_at_${k}`] = scores.recall[k] as number;
    out[`${level}_map_at_${k}`] = scores.map[k] as number;
    out[`${level}_mrr_at_${k}`] = scores.mrr[k] as number;
  }
  return out;
}

/** A chunked run's chunks in task order, one entry per chunk. */
interface FlatChunk {
  readonly doc: string;
  readonly index: number;
  readonly vector: ArrayLike<number>;
}

function flattenChunks(task: ChunkedRetrievalTask, run: ChunkedRun): FlatChunk[] {
  if (run.queryVectors.length !== task.queries.length) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${run.queryVectors.length} query vectors for the ${task.queries.length} queries of ${task.name}`,
      { field: "queryVectors", expected: task.queries.length, got: run.queryVectors.length },
    );
  }
  const flat: FlatChunk[] = [];
  for (const d of task.documents) {
    const cs = run.chunks.get(d.id);
    if (!cs || cs.length === 0) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `document ${JSON.stringify(d.id)} of ${task.name} has no chunks`,
        {
          field: "chunks",
          document: d.id,
        },
      );
    }
    cs.forEach((c, index) => flat.push({ doc: d.id, index, vector: c.vector }));
  }
  return flat;
}

/** Per query: chunk positions (in `flat`) with scores, best first. */
type Rankings = readonly { readonly ids: ArrayLike<number>; readonly scores: ArrayLike<number> }[];

function scoreRankings(
  task: ChunkedRetrievalTask,
  run: ChunkedRun,
  flat: readonly FlatChunk[],
  chunkHits: Rankings,
  documentHits: Rankings,
  kValues: readonly number[],
): ScoreEntry {
  const qrels = chunkedQrels(task, run.chunks);
  const topK = kValues.at(-1) as number;
  const chunkRun = new Map<string, Map<string, number>>();
  const docRun = new Map<string, Map<string, number>>();
  task.queries.forEach((q, qi) => {
    const c = new Map<string, number>();
    const ch = chunkHits[qi]!;
    for (let j = 0; j < Math.min(topK, ch.ids.length); j++) {
      const f = flat[ch.ids[j]!]!;
      c.set(chunkId(f.doc, f.index), ch.scores[j]!);
    }
    const d = new Map<string, number>();
    const dh = documentHits[qi]!;
    for (let j = 0; j < dh.ids.length; j++) {
      const f = flat[dh.ids[j]!]!;
      if (!d.has(f.doc)) d.set(f.doc, dh.scores[j]!); // hits are best first: the first is the best chunk
    }
    chunkRun.set(q.id, c);
    docRun.set(q.id, d);
  });
  const chunkScores = evaluateRun(qrels.chunk, chunkRun as Run, kValues);
  const docScores = evaluateRun(qrels.document, docRun as Run, kValues);
  return {
    ...prefixed(chunkScores, "chunk", kValues),
    ...prefixed(docScores, "document", kValues),
    queries: chunkScores.queries,
    chunks: flat.length,
    main_score: chunkScores.ndcg[10] ?? chunkScores.ndcg[kValues.at(-1) as number] ?? 0,
  };
}

/** Scores a chunked run by exact cosine search over every chunk. */
export function scoreChunkedRun(
  task: ChunkedRetrievalTask,
  run: ChunkedRun,
  kValues: readonly number[] = CHUNKED_K_VALUES,
): ScoreEntry {
  const flat = flattenChunks(task, run);
  // Every chunk is ranked, so each document's best chunk is known for the document level.
  const hits = exactSearch(
    run.queryVectors,
    flat.map((f) => f.vector),
    flat.length,
  );
  return scoreRankings(task, run, flat, hits, hits, kValues);
}

/**
 * Scores a chunked run searched by `ranker` (a compact precision, a vector index) instead of
 * exact search, as a user's search would run: the chunk level from a search for the best
 * max(kValues) chunks, the document level from a search ranking every chunk (a document's score
 * is its best chunk's; a document none of whose chunks comes back is not retrieved). Vectors are
 * L2-normalized first (copies), so a float32 exact ranker gives scoreChunkedRun's scores.
 */
export async function rankChunkedRun(
  task: ChunkedRetrievalTask,
  run: ChunkedRun,
  ranker: VectorRanker,
  kValues: readonly number[] = CHUNKED_K_VALUES,
): Promise<ScoreEntry> {
  const flat = flattenChunks(task, run);
  const unit = (v: ArrayLike<number>) => l2NormalizeInPlace(Float32Array.from(v));
  const queries = run.queryVectors.map(unit);
  const corpus = flat.map((f) => ({ docId: f.doc, chunkIndex: f.index, vector: unit(f.vector) }));
  const ranked = (orders: number[][]): Rankings =>
    orders.map((ids) => ({ ids, scores: ids.map((_, rank) => ids.length - rank) }));
  const topK = kValues.at(-1) as number;
  // One preparation (one index build) serves both searches.
  const prepared = await ranker.prepareCorpus(corpus);
  try {
    const chunkHits = ranked(await prepared.rank(queries, Math.min(topK, corpus.length)));
    const documentHits = ranked(await prepared.rank(queries, corpus.length));
    return scoreRankings(task, run, flat, chunkHits, documentHits, kValues);
  } finally {
    await prepared.close();
  }
}
