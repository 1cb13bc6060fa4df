/**
 * L3: what SparseTextEmbedding needs of a sparse model (the sparse models it knows are registry
 * records: src/models/sparse-registry.ts).
 *
 * A backend turns a batch of validated texts into sparse vectors, one per text, for either side
 * of retrieval. BM25 computes them on the calling thread (no model, no weights); a SPLADE backend
 * runs the encoder through the runtime's `sparse` head and implements the same interface, so
 * streaming, batching, validation and disposal in SparseTextEmbedding stay written once.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { Bm25Analyzer } from "./bm25-analyzer.js";
import {
  bm25DocumentVector,
  bm25QueryVector,
  checkBm25Parameters,
  FASTEMBED_BM25_PARAMETERS,
  type Bm25Parameters,
} from "./bm25-vectors.js";
import { pruneTopK, type SparseVector } from "./sparse-vector.js";

export type SparseSide = "document" | "query";

/** Per-call options a backend may honour (BM25 has no window and keeps every term). */
export interface SparseBatchOptions {
  /** Cut over-long inputs (true) or fail with `input_too_long` (false). */
  readonly truncate?: boolean | undefined;
  /** Keep only the k largest weights of each vector. */
  readonly topK?: number | undefined;
  /** Global index of texts[0], to name an input in errors. */
  readonly firstIndex?: number | undefined;
}

export interface SparseBackend {
  /** The model id as given (or its canonical form). */
  readonly modelId: string;
  embedBatch(texts: readonly string[], side: SparseSide, call?: SparseBatchOptions): Promise<SparseVector[]>;
  dispose(): Promise<void>;
}

export interface Bm25BackendOptions extends Partial<Bm25Parameters> {
  /** Tokens longer than this are dropped. Default 40, as FastEmbed. */
  readonly maxTokenLength?: number;
  /** No stopwords, no stemming (FastEmbed's disable_stemmer). Default false. */
  readonly disableStemmer?: boolean;
}

/** FastEmbed's BM25 (`Qdrant/bm25`), English. */
export class Bm25Backend implements SparseBackend {
  readonly modelId: string;
  readonly parameters: Bm25Parameters;
  readonly analyzer: Bm25Analyzer;

  constructor(modelId: string, options: Bm25BackendOptions = {}) {
    checkBm25Parameters(options);
    if (
      options.maxTokenLength !== undefined &&
      !(Number.isInteger(options.maxTokenLength) && options.maxTokenLength >= 1)
    ) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `maxTokenLength must be an integer >= 1, got ${String(options.maxTokenLength)}`,
        { field: "maxTokenLength", value: options.maxTokenLength },
      );
    }
    this.modelId = modelId;
    this.parameters = {
      k: options.k ?? FASTEMBED_BM25_PARAMETERS.k,
      b: options.b ?? FASTEMBED_BM25_PARAMETERS.b,
      avgLen: options.avgLen ?? FASTEMBED_BM25_PARAMETERS.avgLen,
    };
    this.analyzer = new Bm25Analyzer({
      ...(options.maxTokenLength !== undefined ? { maxTokenLength: options.maxTokenLength } : {}),
      ...(options.disableStemmer !== undefined ? { disableStemmer: options.disableStemmer } : {}),
    });
  }

  embedSync(texts: readonly string[], side: SparseSide): SparseVector[] {
    return side === "query"
      ? texts.map((t) => bm25QueryVector(this.analyzer.analyze(t)))
      : texts.map((t) => bm25DocumentVector(this.analyzer.analyze(t), this.parameters));
  }

  async embedBatch(texts: readonly string[], side: SparseSide, call: SparseBatchOptions = {}): Promise<SparseVector[]> {
    const out = this.embedSync(texts, side);
    return call.topK === undefined ? out : out.map((v) => pruneTopK(v, call.topK));
  }

  async dispose(): Promise<void> {}
}
