/**
 * L0: the shared vocabulary of embedkit. Pure types, no imports from other layers.
 */

/** How token vectors become one sentence vector. */
export type Pooling = "cls" | "mean" | "last_token";

/** Which weight file of a model to run. */
export type Quantization = "fp32" | "int8" | "fp16";

/**
 * Which of the model's prompts (prefix or instruction) to prepend to a text.
 * "query"/"passage": the two sides of asymmetric retrieval; "symmetric": STS, classification,
 * clustering (E5 wants "query: " there). Omitted: the text is embedded as given.
 */
export type PromptName = "query" | "passage" | "symmetric";

/** Which end of an over-long input is cut when truncation is allowed. */
export type TruncationDirection = "right" | "left";

/** One tokenized text, before padding. */
export interface Encoding {
  readonly ids: Int32Array;
  /** token_type_ids (all 0 for single-segment input). */
  readonly typeIds: Int32Array;
  /** Number of tokens the text had before truncation (equals ids.length when not truncated). */
  readonly originalLength: number;
  /**
   * Present when the tokenizer was asked for offsets. Token i covers the UTF-16 code units
   * `[offsets[2i], offsets[2i+1])` of the string that was tokenized (the prompt prefix included;
   * for a text pair, of the token's own segment, see `segments`): `tokenized.slice(start, end)`.
   * Special tokens have [0, 0].
   */
  readonly offsets?: Int32Array;
  /** Present with `offsets`: per token, -1 for a special token, else 0 (first text) or 1 (second text of a pair). */
  readonly segments?: Int8Array;
}

/** A rectangular, padded batch ready for the runtime. Row-major [batch, seqLen]. */
export interface PaddedBatch {
  readonly batchSize: number;
  readonly seqLen: number;
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
}

/** Token-level output of a model: row-major [batch, seqLen, hidden]. */
export interface TokenEmbeddings {
  readonly data: Float32Array;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly hidden: number;
}

/** A sparse vector (SPLADE, BM25): non-zero entries only, sorted by index. */
export interface SparseVector {
  /** The ids (for SPLADE, vocabulary ids) of the non-zero entries, ascending. */
  readonly indices: Uint32Array;
  /** The weight of each entry, in the order of `indices` (same length). */
  readonly values: Float32Array;
}

/**
 * The minimal surface of an embedding model that the evaluation harness, chunking and other
 * L4 code build on. TextEmbedding implements it.
 */
export interface Embedder {
  /** Model id as given to create() (registry id or local folder). */
  readonly modelId: string;
  /** Output dimension. */
  readonly dim: number;
  /** Embeds texts in input order. Vectors are L2-normalized when the model is. */
  embedAll(
    texts: readonly string[],
    options?: { promptName?: PromptName; batchSize?: number },
  ): Promise<Float32Array[]>;
}
