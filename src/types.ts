/**
 * L0: the shared vocabulary of embedkit. Pure types, no imports from other layers.
 */

/** How token vectors become one sentence vector. */
export type Pooling = "cls" | "mean" | "last_token";

/** Which weight file of a model to run. */
export type Quantization = "fp32" | "int8" | "fp16";

/** Which side of an asymmetric retrieval pair a text is. */
export type InputKind = "query" | "passage" | "raw";

/** Which end of an over-long input is cut when truncation is allowed. */
export type TruncationDirection = "right" | "left";

/** One tokenized text, before padding. */
export interface Encoding {
  readonly ids: Int32Array;
  /** token_type_ids (all 0 for single-segment input). */
  readonly typeIds: Int32Array;
  /** Number of tokens the text had before truncation (equals ids.length when not truncated). */
  readonly originalLength: number;
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
