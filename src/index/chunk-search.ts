/**
 * L5: one search over a chunk store, the way VectorIndex.search (and the evaluation's index
 * retriever) runs it, from a query vector:
 *
 * - float32 index: nearest chunks by cosine distance, through the ANN index when there is one
 *   (its knobs, or the defaults of ann-options.ts; chunks written after the ANN was built are
 *   scanned flat by LanceDB and merged in), or a flat scan with `exact`;
 * - binary index: the query's packed sign bits, the `rescore × limit` chunks of smallest Hamming
 *   distance (LanceDB's own Hamming scan over the bits column), rescored with the float32 query
 *   against the stored float32 vectors (cosine; default) or against their bits (`query · bits`,
 *   sentence-transformers' `rescore=True`, what quantizedSearch does), best `limit` returned.
 *   Without rescoring, hits come in Hamming order, scored by the cosine of the ±1 sign vectors
 *   ((dim − 2 × Hamming) / dim). Ties are broken by (record id, chunk index), as quantizedSearch
 *   breaks them by row number over rows in that order, so both give the same hits in the same order.
 */
import { packSignBits, unpackSignBits } from "../pooling/quantize.js";
import { floatIntegerDot } from "../search/integer-dot.js";
import { annSearchDefaults, type IndexPrecision, type RescoreWith } from "./ann-options.js";
import type { AnnSearchParams, AnnType, BitsHit, ChunkStore, StoreCondition, StoreHit } from "./store/chunk-store.js";

/** A chunk found by a search, with its score (cosine similarity, or `query · bits`). */
export type ScoredChunk = Omit<StoreHit, "distance"> & {
  /** Cosine similarity; with `rescoreWith: "bits"`, the float query's dot product with the chunk's 0/1 bits. */
  readonly score: number;
};

/** What one search over a store asks for. */
export interface ChunkSearch {
  readonly limit: number;
  readonly where: readonly StoreCondition[];
  readonly precision: IndexPrecision;
  /** The ANN index, when one was built (its kind and partitions pick the default knobs). */
  readonly ann: { readonly type: AnnType; readonly partitions: number } | undefined;
  /** Knobs given by the caller (checked). */
  readonly tuning: AnnSearchParams;
  /** Flat scan over the float32 vectors, whatever the index holds. */
  readonly exact: boolean;
  /** Binary: candidates per hit, or false for the Hamming order alone. */
  readonly rescore: number | false;
  /** Binary: what candidates are rescored against. */
  readonly rescoreWith: RescoreWith;
}

/** The best `limit` chunks for `vector` (see the module comment). */
export async function searchChunks(store: ChunkStore, vector: Float32Array, s: ChunkSearch): Promise<ScoredChunk[]> {
  if (s.precision === "binary" && !s.exact) return binarySearch(store, vector, s);
  const ann =
    s.exact || s.ann === undefined ? undefined : annSearchDefaults(s.ann.type, s.ann.partitions, s.limit, s.tuning);
  const hits = await store.search(vector, {
    limit: s.limit,
    where: s.where,
    exact: s.exact,
    ...(ann !== undefined ? { ann } : {}),
  });
  return hits.map(({ distance, ...h }) => ({ ...h, score: 1 - distance }));
}

function byChunk(a: { docId: string; chunkIndex: number }, b: { docId: string; chunkIndex: number }): number {
  return a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : a.chunkIndex - b.chunkIndex;
}

/** The `k` chunks of smallest Hamming distance, ties by (record id, chunk index): exact even at the cut. */
async function nearestByHamming(
  store: ChunkStore,
  bits: Uint8Array,
  k: number,
  where: readonly StoreCondition[],
  carry: "vector" | "bits" | undefined,
): Promise<BitsHit[]> {
  const ask = k + Math.max(16, k);
  const byDistance = (a: BitsHit, b: BitsHit) => a.hamming - b.hamming || byChunk(a, b);
  let hits = (await store.searchBits(bits, { limit: ask, where, ...(carry ? { with: carry } : {}) })).sort(byDistance);
  if (hits.length >= ask && hits[k - 1]!.hamming === hits[hits.length - 1]!.hamming) {
    // Chunks tied at the cut may lie beyond what LanceDB returned: take every one at or below it.
    const cut = hits[k - 1]!.hamming;
    const total = await store.countChunks();
    hits = (
      await store.searchBits(bits, { limit: total, below: cut + 0.5, where, ...(carry ? { with: carry } : {}) })
    ).sort(byDistance);
  }
  return hits.slice(0, k);
}

async function binarySearch(store: ChunkStore, query: Float32Array, s: ChunkSearch): Promise<ScoredChunk[]> {
  const dim = query.length;
  const bits = packSignBits(query);
  const k = s.rescore === false ? s.limit : s.limit * s.rescore;
  const carry = s.rescore === false ? undefined : s.rescoreWith === "bits" ? "bits" : "vector";
  const candidates = await nearestByHamming(store, bits, k, s.where, carry);
  const scored = candidates.map((h) => ({
    h,
    score:
      s.rescore === false
        ? (dim - 2 * h.hamming) / dim
        : s.rescoreWith === "bits"
          ? floatIntegerDot(query, unpackSignBits(h.bits!, dim, "ubinary"))
          : cosine(query, h.vector!),
  }));
  if (s.rescore !== false) scored.sort((a, b) => b.score - a.score || byChunk(a.h, b.h));
  return scored.slice(0, s.limit).map(({ h, score }) => {
    const { hamming: _h, vector: _v, bits: _b, ...chunk } = h;
    return { ...chunk, score };
  });
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
