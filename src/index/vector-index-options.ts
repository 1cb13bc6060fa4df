/**
 * L5: the options and results of VectorIndex (vector-index.ts): what open, add, delete and
 * search take and give.
 */
import type { TextEmbedding, TextEmbeddingOptions } from "../embed/text-embedding.js";
import type { TextCrossEncoder } from "../rerank/text-cross-encoder.js";
import type { SparseTextEmbedding } from "../sparse/sparse-text-embedding.js";
import type { FusionMethod } from "../search/fuse.js";
import type { AnnSearchOptions, IndexPrecision, RescoreWith } from "./ann-options.js";
import type { IndexChunking } from "./index-settings.js";
import type { MetadataFilter } from "./metadata-filter.js";
import type { MetadataValue } from "./store/chunk-store.js";
import type { SearchMode } from "./search-mode.js";

/** Most hits one search may ask for. */
export const MAX_TOP_K = 10_000;

/** Options of {@link VectorIndex.open}. */
export interface VectorIndexOptions extends Omit<TextEmbeddingOptions, "model"> {
  /**
   * The embedding model. Required to create an index; for an existing index, default the one it
   * was built with, and any other is an `index_model_mismatch` error.
   */
  readonly model?: string;
  /** How records are split (fixed when the index is created). Default { strategy: "none" }. */
  readonly chunking?: IndexChunking;
  /** A loaded engine to use instead of loading `model` (the index does not dispose it). */
  readonly engine?: TextEmbedding;
  /**
   * Sparse vectors stored beside the dense ones (fixed when the index is created): "none"
   * (default), "bm25", or a SPLADE model id or folder. For an existing index, default its own;
   * another value is an `invalid_option` error.
   */
  readonly sparse?: string;
  /** A loaded SPLADE engine to use instead of loading `sparse` (the index does not dispose it). */
  readonly sparseEngine?: SparseTextEmbedding;
  /**
   * What searches go by (fixed when the index is created; another one on reopen is
   * `index_precision_mismatch`): "float32" (default; cosine over the vectors) or "binary"
   * (packed sign bits stored next to the vectors; Hamming first pass, then rescoring).
   */
  readonly precision?: IndexPrecision;
  /**
   * Seconds after which a read checks the folder for commits made by other processes (an
   * `embedkit index add` next to a server opened on the same folder): 0 checks on every read,
   * `null` never (the index then sees its own writes only). Default 0: a search sees every commit
   * finished before it started (measured: no CPU cost per search on a local folder).
   */
  readonly readConsistencyInterval?: number | null;
}

/** Default {@link VectorIndexOptions.readConsistencyInterval}, in seconds. */
export const DEFAULT_READ_CONSISTENCY_INTERVAL = 0;

/** Options of {@link VectorIndex.add}. */
export interface AddOptions {
  /** Records written per commit. Default 32. */
  readonly batchSize?: number;
  /** How errors name the i-th record (from 0). Default `records[i]`; the CLI names the input line. */
  readonly recordName?: (i: number) => string;
  /** Called after each commit with the running totals. */
  readonly onProgress?: (progress: AddResult) => void;
}

/** What {@link VectorIndex.add} did. */
export interface AddResult {
  /** Records that were not in the index. */
  readonly added: number;
  /** Records whose text or metadata changed: all their chunks were replaced. */
  readonly updated: number;
  /** Records already in the index with the same text and metadata: left as they were. */
  readonly unchanged: number;
  /** Chunks written. */
  readonly chunks: number;
}

/** What {@link VectorIndex.delete} did. */
export interface DeleteResult {
  /** Records that were present and are now deleted. */
  readonly deleted: number;
}

/** Options of {@link VectorIndex.search}. */
export interface SearchOptions extends AnnSearchOptions {
  /** Scan every chunk's float32 vector (exact cosine), even with an ANN index or a binary precision. */
  readonly exact?: boolean;
  /**
   * Binary index: rescore `rescore × topK` Hamming candidates (default 4), or false for the
   * Hamming order alone (scored (dim − 2 × Hamming) / dim, the cosine of the sign vectors).
   */
  readonly rescore?: number | false;
  /** Binary index: rescore against the stored float32 vectors (default; cosine) or their 0/1 bits (`query · bits`, as quantizedSearch). */
  readonly rescoreWith?: RescoreWith;
  /** Hits returned at most. Default 10. */
  readonly topK?: number;
  /** Metadata conditions every hit satisfies: `{ field: value }` or `{ field: { $in: [values] } }`. */
  readonly filter?: MetadataFilter;
  /**
   * "dense" (cosine), "sparse" (BM25 or SPLADE dot product) or "hybrid" (both lists fused).
   * Default "hybrid" on an index with sparse vectors, else "dense".
   */
  readonly mode?: SearchMode;
  /** `true`: the same as `mode: "hybrid"`. */
  readonly hybrid?: boolean;
  /** hybrid: "rrf" (default, k 60) or "weighted" (min-max normalized, equal weights), by `fuse()`. */
  readonly fusion?: FusionMethod;
  /** hybrid: chunks taken from each list before fusion. Default max(topK or rerank.topN, 100). */
  readonly candidates?: number;
  /**
   * Rerank: the `topN` nearest chunks (default max(topK, 20)) are scored against the query by
   * this cross-encoder, and the best `topK` of them returned by that score (`denseScore` keeps
   * the cosine similarity).
   */
  readonly rerank?: {
    /** The cross-encoder (the caller creates and disposes it). */
    readonly model: TextCrossEncoder;
    /** Chunks retrieved for reranking; default max(topK, 20). */
    readonly topN?: number;
  };
  /**
   * How the query becomes a vector. Default: the index's model with its query prompt
   * (`queryEmbed`). A caller that batches queries of many requests (the server) passes its own;
   * it must embed as the index's model does (query prompt, normalization, the index's dimension).
   * Called once in dense and hybrid modes (never in sparse mode), after the other options are
   * checked; a vector of another length than the index's is `index_dimension_mismatch`.
   */
  readonly embedQuery?: (query: string) => Promise<Float32Array>;
}

/** One search result: a chunk of a record. */
export interface IndexHit {
  /** The record's id. */
  readonly id: string;
  /** The chunk's position in the record, from 0. */
  readonly chunkIndex: number;
  /** The chunk's text: `record.text.slice(start, end)`. */
  readonly text: string;
  /** UTF-16 offsets of the chunk in the record's text. */
  readonly start: number;
  /** UTF-16 offset just past the chunk's end in the record's text (exclusive). */
  readonly end: number;
  /**
   * Cosine similarity of the query and the chunk (sparse mode: the BM25 or dot-product score;
   * hybrid: the fused score); with rerank, the cross-encoder's score.
   */
  readonly score: number;
  /** Hybrid, or dense with rerank: the cosine similarity, when the chunk was in the dense list. */
  readonly denseScore?: number;
  /** Hybrid, or sparse with rerank: the sparse score, when the chunk was in the sparse list. */
  readonly sparseScore?: number;
  /** The record's metadata. */
  readonly metadata: Readonly<Record<string, MetadataValue>>;
}
