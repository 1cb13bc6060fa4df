/**
 * L5: what every database sink shares: the row and document shapes ingest() writes, the hit a
 * search returns, and the two small interfaces ingest() and the CLI need, so PgVectorSink and
 * ChromaSink are driven by the same code.
 */
import type { MetadataFilter } from "./sink-checks.js";

/** One stored row: a chunk of a document (a whole document is chunk 0). */
export interface SinkRow {
  /** Primary key. */
  readonly id: string;
  /** The document the chunk belongs to; deleting or replacing a document acts on all its rows. */
  readonly docId: string;
  /** The chunk's index in its document, from 0 (0 for an unchunked document). */
  readonly chunkIndex: number;
  /** The chunk's (or document's) text. */
  readonly text: string;
  /** UTF-16 offsets of the chunk in its document, when it is a chunk. */
  readonly start?: number;
  /** End offset (exclusive), with `start`. */
  readonly end?: number;
  /** JSON object, searchable by equality filters. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** The document's content hash (ingest skips documents whose hash is unchanged). */
  readonly contentHash?: string;
  /** The vector, of the sink's dimension. */
  readonly embedding: Float32Array;
}

/** A document's full set of rows, for `replaceDocuments`. */
export interface SinkDocument {
  /** The document's id; every row must carry it as `docId`. */
  readonly docId: string;
  /** All of the document's rows (they replace whatever it had). */
  readonly rows: readonly SinkRow[];
}

/** A search hit: the stored chunk and its cosine similarity to the query. */
export interface SinkHit {
  /** The row's id (`doc#chunk` for chunks written by ingest). */
  readonly id: string;
  /** The document the row belongs to. */
  readonly docId: string;
  /** The chunk's index in its document. */
  readonly chunkIndex: number;
  /** The chunk's text. */
  readonly text: string;
  /** UTF-16 start offset in the document, or null when not a chunk. */
  readonly start: number | null;
  /** UTF-16 end offset (exclusive), or null. */
  readonly end: number | null;
  /** The row's metadata object. */
  readonly metadata: Record<string, unknown>;
  /** 1 - cosine distance. */
  readonly score: number;
}

/** The model and dimension a sink's table or collection holds vectors of. */
export interface SinkSettings {
  /** The model id the vectors come from. */
  readonly model: string;
  /** The vectors' dimension. */
  readonly dimension: number;
}

/** Where a sink keeps its rows, as error messages and details name it ("table docs"). */
export interface SinkPlace {
  /** What the database calls it. */
  readonly kind: "table" | "collection";
  /** Its name. */
  readonly name: string;
}

/** What {@link ingest} writes to: a sink of one model and dimension that replaces whole documents. */
export interface DocumentSink {
  /** The model id the sink holds vectors of. */
  readonly model: string;
  /** The vector dimension of the sink. */
  readonly dimension: number;
  /** The table or collection, for messages. */
  readonly place: SinkPlace;
  /** The stored content hash of each given document that is present (and whole). */
  documentHashes(docIds: readonly string[]): Promise<Map<string, string>>;
  /** Replaces documents: all rows of each `docId` go, the given rows come in. */
  replaceDocuments(documents: readonly SinkDocument[]): Promise<void>;
}

/** A document sink that can also be searched and closed: what `embedkit search URL` drives. */
export interface SearchableSink extends DocumentSink {
  /** The `topK` rows nearest to `vector` by cosine similarity, best first, with metadata equality. */
  search(
    vector: Float32Array,
    options?: {
      readonly topK?: number;
      readonly filter?: MetadataFilter;
      /**
       * The HNSW candidate list of this query, where the store sets one per query (pgvector's
       * `hnsw.ef_search`); a store that cannot (Chroma sets it per collection) throws invalid_option.
       */
      readonly efSearch?: number;
    },
  ): Promise<SinkHit[]>;
  /** Releases the connection. */
  close(): Promise<void>;
}
