/**
 * L5: sparse and hybrid search of a vector index. The stored sparse vectors are inverted into
 * SparsePostings on the first sparse search and kept until the table's version changes (any
 * commit: add, update, delete), then rebuilt from the store, so BM25's corpus statistics (N, df,
 * avgdl) are always those of the chunks stored now. Each search runs under the index's read lock:
 * no commit of this process lands between its reads, so the postings, the filter, the dense list
 * and the chunks' text all come from one table version (each record wholly old or wholly new).
 *
 * Hybrid: the dense and the sparse lists (each `candidates` long, both filtered before they are
 * cut) are fused by `fuse()` (RRF or weighted), keyed by chunk.
 */
import { fuse, type FusionMethod } from "../search/fuse.js";
import { rowKey, type ChunkRow, type ChunkStore, type StoreCondition } from "./store/chunk-store.js";
import type { ReadWriteLock } from "./read-write-lock.js";
import type { IndexSparseEncoder } from "./sparse-encoder.js";
import { SparsePostings, type PostingHit } from "./sparse-postings.js";

/** A chunk without its vectors and hash, as the dense list gives it, with its cosine similarity. */
export interface DenseCandidate extends Omit<ChunkRow, "vector" | "sparse"> {
  /** Cosine similarity of the query and the chunk. */
  readonly score: number;
}

/** What {@link SparseSearcher.search} returns per hit. */
export interface ScoredChunk {
  /** The record's id. */
  readonly id: string;
  /** The chunk's position in the record. */
  readonly chunkIndex: number;
  /** The chunk's text. */
  readonly text: string;
  /** UTF-16 offset of the chunk in the record's text. */
  readonly start: number;
  /** UTF-16 offset just past the chunk's end. */
  readonly end: number;
  /** sparse: the sparse score; hybrid: the fused score. */
  readonly score: number;
  /** hybrid: the cosine similarity, when the chunk was in the dense list. */
  readonly denseScore?: number;
  /** hybrid: the sparse score, when the chunk was in the sparse list. */
  readonly sparseScore?: number;
  /** The record's metadata. */
  readonly metadata: ChunkRow["metadata"];
}

/** One sparse or hybrid search. */
export interface SparseRequest {
  readonly mode: "sparse" | "hybrid";
  /** Hits returned at most. */
  readonly limit: number;
  /** hybrid: chunks taken from each list before fusion. */
  readonly candidates: number;
  /** hybrid: how the lists are fused. */
  readonly fusion: FusionMethod;
  /** Metadata conditions every hit satisfies, applied to both lists before they are cut. */
  readonly where: readonly StoreCondition[];
  /** hybrid: the best `limit` dense candidates matching `where` (called under the read lock). */
  readonly dense?: (limit: number) => Promise<DenseCandidate[]>;
}

/** Sparse and hybrid search over one store, with its lazily built postings. */
export class SparseSearcher {
  private postings: SparsePostings | undefined;
  private loading: { version: number; done: Promise<SparsePostings> } | undefined;

  constructor(
    private readonly store: ChunkStore,
    private readonly encoder: IndexSparseEncoder,
    private readonly lock: ReadWriteLock,
  ) {}

  /** The postings of the table's current version (built, or rebuilt after a commit, here). */
  async currentPostings(): Promise<SparsePostings> {
    const version = await this.store.version();
    if (this.postings?.version === version) return this.postings;
    if (this.loading?.version !== version) {
      const done = this.store.scanSparse().then((data) => new SparsePostings(data));
      this.loading = { version, done };
      done.then(
        (p) => {
          if (this.loading?.done === done) this.loading = undefined;
          if (p.version >= (this.postings?.version ?? -1)) this.postings = p;
        },
        () => {
          if (this.loading?.done === done) this.loading = undefined;
        },
      );
    }
    return this.loading.done;
  }

  /** The best `limit` chunks by sparse score, or by the fusion of the dense and sparse lists. */
  async search(query: string, request: SparseRequest): Promise<ScoredChunk[]> {
    const vector = await this.encoder.query(query); // outside the lock: SPLADE runs a model
    return this.lock.read(async () => {
      const postings = await this.currentPostings();
      const allowed = request.where.length > 0 ? await this.store.keysWhere(request.where) : undefined;
      const scored = this.encoder.scoring === "bm25" ? postings.bm25(vector.indices) : postings.dot(vector);
      if (request.mode === "sparse") {
        const top = postings.top(scored, request.limit, allowed);
        const rows = await this.rows(top.map((h) => h.key));
        return present(top.map((h) => withRow(rows.get(h.key), { score: h.score })));
      }
      const sparse = postings.top(scored, request.candidates, allowed);
      const dense = await request.dense!(request.candidates);
      return this.fuseLists(dense, sparse, request);
    });
  }

  private async fuseLists(
    dense: readonly DenseCandidate[],
    sparse: readonly PostingHit[],
    request: SparseRequest,
  ): Promise<ScoredChunk[]> {
    const denseByKey = new Map(dense.map((d) => [rowKey(d.docId, d.chunkIndex), d]));
    const sparseByKey = new Map(sparse.map((h) => [h.key, h.score]));
    const fused = fuse(
      [[...denseByKey].map(([id, d]) => ({ id, score: d.score })), sparse.map((h) => ({ id: h.key, score: h.score }))],
      { method: request.fusion, topK: request.limit },
    );
    const rows = await this.rows(fused.map((f) => String(f.id)).filter((k) => !denseByKey.has(k)));
    return present(
      fused.map((f) => {
        const key = String(f.id);
        const d = denseByKey.get(key);
        const s = sparseByKey.get(key);
        return withRow(d ?? rows.get(key), {
          score: f.score,
          ...(d !== undefined ? { denseScore: d.score } : {}),
          ...(s !== undefined ? { sparseScore: s } : {}),
        });
      }),
    );
  }

  private async rows(keys: readonly string[]): Promise<Map<string, Omit<ChunkRow, "vector">>> {
    const rows = await this.store.readKeys(keys);
    return new Map(rows.map((r) => [rowKey(r.docId, r.chunkIndex), r]));
  }
}

type Scores = Pick<ScoredChunk, "score" | "denseScore" | "sparseScore">;

function withRow(row: Omit<ChunkRow, "vector"> | undefined, scores: Scores): ScoredChunk | undefined {
  if (row === undefined) return undefined;
  return {
    id: row.docId,
    chunkIndex: row.chunkIndex,
    text: row.text,
    start: row.start,
    end: row.end,
    ...scores,
    metadata: row.metadata,
  };
}

/** Drops hits whose chunk was not found (only possible when another process changed the table). */
function present(hits: readonly (ScoredChunk | undefined)[]): ScoredChunk[] {
  return hits.filter((h): h is ScoredChunk => h !== undefined);
}
