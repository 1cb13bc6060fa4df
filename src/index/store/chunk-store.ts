/**
 * L5: what the vector index needs from its storage, in our own words (plain strings, numbers and
 * Float32Array; no library types), so the library behind it (LanceDB today) can be replaced by
 * changing this folder only.
 */
import type { SparseVector } from "../../types.js";

/** The type of a metadata field, fixed by the first record that sets it. */
export type MetadataType = "string" | "number" | "boolean";

/** A metadata value: a scalar, so it can be stored in a typed column and filtered on. */
export type MetadataValue = string | number | boolean;

/** One stored chunk: the document it comes from, where in it, its text, metadata and vector. */
export interface ChunkRow {
  /** The document's id. */
  readonly docId: string;
  /** The chunk's position in its document, from 0. */
  readonly chunkIndex: number;
  /** The chunk's text: `document.slice(start, end)`. */
  readonly text: string;
  /** UTF-16 offset of the chunk's first code unit in the document. */
  readonly start: number;
  /** UTF-16 offset just past the chunk's last code unit (exclusive). */
  readonly end: number;
  /** The document's content hash (the same on every chunk of a document). */
  readonly hash: string;
  /** The document's metadata (the same on every chunk of a document). */
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  /** The chunk's dense vector, `dim` long. */
  readonly vector: Float32Array;
  /**
   * The chunk's sparse vector, written in the same row (so in the same commit) as the dense one;
   * required by a store opened with `sparse`, ignored otherwise. BM25: term ids and term counts.
   */
  readonly sparse?: SparseVector;
}

/** A chunk's key in the store: unique per (document, chunk index). */
export function rowKey(docId: string, chunkIndex: number): string {
  return `${chunkIndex}:${docId}`;
}

/**
 * Every stored chunk's sparse vector, read from one table version, in compressed-row form:
 * chunk i's entries are `indices/values[offsets[i] .. offsets[i + 1])`.
 */
export interface SparseChunks {
  /** The table version the chunks were read from. */
  readonly version: number;
  /** Each chunk's {@link rowKey}. */
  readonly keys: readonly string[];
  /** `keys.length + 1` offsets into `indices` and `values`. */
  readonly offsets: Uint32Array;
  /** Term (or vocabulary) ids, ascending within a chunk. */
  readonly indices: Uint32Array;
  /** The weight (BM25: the term count) of each entry. */
  readonly values: Float32Array;
}

/** One condition of a filter: `field` equals one of `values` (one value: plain equality). */
export interface StoreCondition {
  readonly field: string;
  readonly values: readonly MetadataValue[];
}

/** A search result as the store returns it: a chunk without its vector, and its cosine distance. */
export interface StoreHit extends Omit<ChunkRow, "vector"> {
  /** 1 - cosine similarity between the query and the chunk's vector. */
  readonly distance: number;
}

/** Options of {@link ChunkStore.search}. */
export interface StoreSearchOptions {
  /** Chunks returned at most. */
  readonly limit: number;
  /** Conditions all chunks returned satisfy (ANDed), applied before the nearest are taken. */
  readonly where: readonly StoreCondition[];
  /** How an ANN index is searched (ignored when there is none, or with `exact`). */
  readonly ann?: AnnSearchParams;
  /** A flat scan over every chunk, even when an ANN index exists. */
  readonly exact?: boolean;
}

/** The approximate nearest-neighbour index kinds the store can build over the vectors. */
export type AnnType = "ivf_hnsw_sq" | "ivf_pq" | "ivf_flat";

/** How to build an ANN index (store defaults for what is unset). */
export interface AnnBuildParams {
  readonly type: AnnType;
  /** IVF partitions (k-means clusters). */
  readonly partitions?: number;
  /** ivf_pq: sub-vectors per vector (dim must divide by it). */
  readonly subVectors?: number;
  /** ivf_hnsw_sq: graph neighbours per node. */
  readonly m?: number;
  /** ivf_hnsw_sq: candidates kept while building the graph. */
  readonly efConstruction?: number;
}

/** How an ANN index is searched. */
export interface AnnSearchParams {
  /** IVF partitions probed. */
  readonly nprobes?: number;
  /** ivf_hnsw_sq: candidates kept while walking the graph. */
  readonly ef?: number;
  /** The ANN's best `refineFactor × limit` are re-ranked by their exact (float32) distance. */
  readonly refineFactor?: number;
}

/** The ANN index of a store, if any. */
export interface AnnState {
  readonly type: AnnType;
  /** Chunks the ANN index covers (chunks written after it was built are searched by a flat scan). */
  readonly indexedChunks: number;
  /** Chunks it does not cover yet. */
  readonly unindexedChunks: number;
}

/** What {@link ChunkStore.compact} did. */
export interface CompactResult {
  /** Data files removed by merging small ones (and dropping deleted rows). */
  readonly filesRemoved: number;
  /** Data files written by that merge. */
  readonly filesAdded: number;
  /** Old table versions removed. */
  readonly versionsRemoved: number;
  /** Bytes freed by removing them. */
  readonly bytesRemoved: number;
}

/** A chunk found by Hamming distance (binary first pass), with what rescoring needs. */
export interface BitsHit extends Omit<ChunkRow, "vector"> {
  /** Bits that differ from the query's. */
  readonly hamming: number;
  /** The stored float32 vector (with `with: "vector"`). */
  readonly vector?: Float32Array;
  /** The stored packed sign bits, ubinary: first dimension in the top bit (with `with: "bits"`). */
  readonly bits?: Uint8Array;
}

/** Options of {@link ChunkStore.searchBits}. */
export interface BitsSearchOptions {
  /** Chunks returned at most (none when `below` is set). */
  readonly limit: number;
  /** Only chunks whose Hamming distance is below this. */
  readonly below?: number;
  /** Conditions all chunks returned satisfy (ANDed). */
  readonly where: readonly StoreCondition[];
  /** What each hit carries for rescoring: its float32 vector, its bits, or neither. */
  readonly with?: "vector" | "bits";
}

/** The storage of one vector index: chunk rows, replaced a whole document at a time. */
export interface ChunkStore {
  /** The vectors' dimension. */
  readonly dim: number;
  /** The metadata fields the store has columns for, and their types. */
  metadataFields(): ReadonlyMap<string, MetadataType>;
  /** Reads the metadata fields again from the stored table (another connection may have added some). */
  reloadMetadataFields(): Promise<ReadonlyMap<string, MetadataType>>;
  /** Adds columns for new metadata fields (rows already stored get no value). */
  addMetadataFields(fields: ReadonlyMap<string, MetadataType>): Promise<void>;
  /** The stored content hash of each of `docIds` that is present. */
  docHashes(docIds: readonly string[]): Promise<Map<string, string>>;
  /**
   * Replaces all chunks of `docIds` by `rows` (whose docIds are among them) in ONE commit: a
   * reader sees either every old chunk of those documents or every new one.
   */
  replaceDocs(docIds: readonly string[], rows: readonly ChunkRow[]): Promise<void>;
  /** Deletes every chunk of `docIds` in one commit; returns how many of them were present. */
  deleteDocs(docIds: readonly string[]): Promise<number>;
  /** The `limit` chunks nearest to `vector` by cosine distance among those matching `where`. */
  search(vector: Float32Array, options: StoreSearchOptions): Promise<StoreHit[]>;
  /**
   * With a bits column (opened with `binary`): the chunks nearest to the packed sign bits `bits`
   * by Hamming distance, a flat scan, in no defined order among equal distances.
   */
  searchBits(bits: Uint8Array, options: BitsSearchOptions): Promise<BitsHit[]>;
  /** Builds (or replaces) the ANN index over the vectors. */
  buildAnn(params: AnnBuildParams): Promise<void>;
  /** The ANN index, or undefined when none was built. */
  annState(): Promise<AnnState | undefined>;
  /**
   * Merges small data files, drops deleted rows, adds unindexed chunks to the ANN index, and
   * removes every table version but the current one (no reader can go back to them after).
   */
  compact(): Promise<CompactResult>;
  /** Every stored chunk of `docIds`, vectors (dense, and sparse when stored) included, by document id then chunk index. */
  readDocs(docIds: readonly string[]): Promise<ChunkRow[]>;
  /** The table's version: it changes with every commit (write, delete, new column). */
  version(): Promise<number>;
  /** Every chunk's sparse vector (a store opened with `sparse` only). */
  scanSparse(): Promise<SparseChunks>;
  /** The {@link rowKey}s of the chunks matching `where` (ANDed conditions, as in search). */
  keysWhere(where: readonly StoreCondition[]): Promise<Set<string>>;
  /** The chunks (without vectors) of these {@link rowKey}s that are present, in no particular order. */
  readKeys(keys: readonly string[]): Promise<Omit<ChunkRow, "vector">[]>;
  /** Stored chunks. */
  countChunks(): Promise<number>;
  /** Distinct documents. */
  countDocs(): Promise<number>;
  /** Releases the store's handles; later calls fail. */
  close(): void;
}
