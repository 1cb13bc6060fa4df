/**
 * L5: the vector index's in-memory inverted index over its chunks' stored sparse vectors, built
 * from one table version (SparseChunks) and scored exactly: every chunk sharing a term with the
 * query is scored, so the top k equal brute-force scoring of every chunk.
 *
 *   BM25 (values are term counts):  sum over the query's distinct term ids t of
 *     idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |c| / avgdl)),
 *     idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
 *   with N the chunks stored, df(t) the chunks holding t, |c| the chunk's term count (the sum of
 *   its counts) and avgdl their mean: Bm25Index's formula, over this version's chunks.
 *   dot (SPLADE weights):  sum over shared ids of query weight * chunk weight.
 *
 * Memory: 8 bytes per stored (chunk, term) entry (uint32 chunk number + float32 weight), 8 per
 * chunk (BM25 length), the chunk keys (one string each), and a Map entry per distinct term.
 */
import type { SparseVector } from "../types.js";
import type { SparseChunks } from "./store/chunk-store.js";

/** BM25 term-frequency saturation (Bm25Index's default). */
export const INDEX_BM25_K1 = 1.2;
/** BM25 length normalization (Bm25Index's default). */
export const INDEX_BM25_B = 0.75;

/** One scored chunk: its key and score. */
export interface PostingHit {
  /** The chunk's row key (see rowKey). */
  readonly key: string;
  /** Its BM25 or dot-product score; higher is better. */
  readonly score: number;
}

/** Scores of the chunks a query touched (shares a term with); the others score 0. */
export interface ChunkScores {
  /** Score per chunk number. */
  readonly scores: Float64Array;
  /** The chunk numbers with a shared term, each once. */
  readonly touched: readonly number[];
}

/** The chunks' sparse vectors, inverted: term id -> (chunk numbers, weights). */
export class SparsePostings {
  /** The table version the postings were built from. */
  readonly version: number;
  /** Chunk number -> row key. */
  readonly keys: readonly string[];
  private readonly termStart = new Map<number, number>();
  private readonly termEnd = new Map<number, number>();
  private readonly chunks: Uint32Array;
  private readonly weights: Float32Array;
  private readonly lengths: Float64Array;
  private readonly averageLength: number;

  constructor(data: SparseChunks) {
    this.version = data.version;
    this.keys = data.keys;
    const n = data.keys.length;
    const counts = new Map<number, number>();
    for (const id of data.indices) counts.set(id, (counts.get(id) ?? 0) + 1);
    let at = 0;
    for (const [id, c] of counts) {
      this.termStart.set(id, at);
      this.termEnd.set(id, at);
      at += c;
    }
    this.chunks = new Uint32Array(at);
    this.weights = new Float32Array(at);
    this.lengths = new Float64Array(n);
    let total = 0;
    for (let c = 0; c < n; c++) {
      let len = 0;
      for (let j = data.offsets[c]!; j < data.offsets[c + 1]!; j++) {
        const id = data.indices[j]!;
        const p = this.termEnd.get(id)!;
        this.chunks[p] = c;
        this.weights[p] = data.values[j]!;
        this.termEnd.set(id, p + 1);
        len += data.values[j]!;
      }
      this.lengths[c] = len;
      total += len;
    }
    this.averageLength = n === 0 ? 0 : total / n;
  }

  /** Chunks indexed. */
  get size(): number {
    return this.keys.length;
  }

  /** Bytes held by the typed arrays (entries and lengths), for reports. */
  get typedBytes(): number {
    return this.chunks.byteLength + this.weights.byteLength + this.lengths.byteLength;
  }

  /** BM25 scores of the chunks sharing a term with the query's distinct term ids. */
  bm25(queryIds: Iterable<number>, k1 = INDEX_BM25_K1, b = INDEX_BM25_B): ChunkScores {
    const n = this.keys.length;
    const scores = new Float64Array(n);
    const seen = new Uint8Array(n);
    const touched: number[] = [];
    const avgdl = this.averageLength;
    for (const id of new Set(queryIds)) {
      const start = this.termStart.get(id);
      if (start === undefined) continue;
      const end = this.termEnd.get(id)!;
      const df = end - start;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let p = start; p < end; p++) {
        const c = this.chunks[p]!;
        const tf = this.weights[p]!;
        const norm = avgdl > 0 ? k1 * (1 - b + (b * this.lengths[c]!) / avgdl) : k1;
        if (seen[c] === 0) {
          seen[c] = 1;
          touched.push(c);
        }
        scores[c]! += (idf * tf * (k1 + 1)) / (tf + norm);
      }
    }
    return { scores, touched };
  }

  /** Dot products of the query vector with the chunks sharing an id with it. */
  dot(query: SparseVector): ChunkScores {
    const n = this.keys.length;
    const scores = new Float64Array(n);
    const seen = new Uint8Array(n);
    const touched: number[] = [];
    for (let i = 0; i < query.indices.length; i++) {
      const start = this.termStart.get(query.indices[i]!);
      if (start === undefined) continue;
      const end = this.termEnd.get(query.indices[i]!)!;
      const w = query.values[i]!;
      for (let p = start; p < end; p++) {
        const c = this.chunks[p]!;
        if (seen[c] === 0) {
          seen[c] = 1;
          touched.push(c);
        }
        scores[c]! += w * this.weights[p]!;
      }
    }
    return { scores, touched };
  }

  /**
   * The best `k` scored chunks whose key is in `allowed` (all when undefined), best first; equal
   * scores are ordered by record id, then chunk index, so results do not depend on storage order.
   */
  top(scored: ChunkScores, k: number, allowed?: ReadonlySet<string>): PostingHit[] {
    const hits: PostingHit[] = [];
    for (const c of scored.touched) {
      const key = this.keys[c]!;
      if (allowed === undefined || allowed.has(key)) hits.push({ key, score: scored.scores[c]! });
    }
    return hits.sort((x, y) => y.score - x.score || compareKeys(x.key, y.key)).slice(0, k);
  }
}

/** Orders row keys (`chunkIndex:docId`) by record id, then chunk index. */
export function compareKeys(a: string, b: string): number {
  const ia = a.indexOf(":");
  const ib = b.indexOf(":");
  const da = a.slice(ia + 1);
  const db = b.slice(ib + 1);
  if (da !== db) return da < db ? -1 : 1;
  return Number(a.slice(0, ia)) - Number(b.slice(0, ib));
}
