/**
 * L1 (pure types): the vocabulary of output heads. A head is plain data that says how a graph's
 * output tensor becomes the result of a batch; the runtime applies it where the tensor lives.
 */
import type { Pooling, SparseVector } from "../types.js";

/** A token range [start, end) into one row's real tokens (special tokens included; 0 is the first). */
export type TokenSpan = readonly [start: number, end: number];

export type OutputHead =
  /** One vector per row: CLS, mean or last-token pooling (vectors a graph already pooled pass through). */
  | { readonly kind: "pooled"; readonly pooling: Pooling }
  /** The state of every real (unmasked) token of each row. */
  | { readonly kind: "tokens" }
  /** The mean state of each given token range; `spans[r]` holds row r's ranges. */
  | { readonly kind: "spans"; readonly spans: readonly (readonly TokenSpan[])[] }
  /** SPLADE: per row, max over real tokens of log(1 + relu(logit)) over a [batch, seq, vocab] output. */
  | { readonly kind: "sparse"; readonly topK?: number | undefined }
  /** Cross-encoder: logits[:, 0], then the activation. */
  | { readonly kind: "score"; readonly activation: ScoreActivation };

export type HeadKind = OutputHead["kind"];
export type ScoreActivation = "sigmoid" | "none";

/** A graph output as the runtime hands it over: row-major data and its dimensions. */
export interface RawOutput {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/**
 * What a head gives back for a batch: flat typed arrays (so the worker can move, not copy, them),
 * with `offsets` (length rows + 1) where rows hold a varying number of items.
 */
export type HeadOutput =
  | { readonly kind: "pooled"; readonly data: Float32Array; readonly dim: number }
  | { readonly kind: "tokens"; readonly data: Float32Array; readonly dim: number; readonly offsets: Uint32Array }
  | { readonly kind: "spans"; readonly data: Float32Array; readonly dim: number; readonly offsets: Uint32Array }
  | {
      readonly kind: "sparse";
      readonly indices: Uint32Array;
      readonly values: Float32Array;
      readonly offsets: Uint32Array;
    }
  | { readonly kind: "score"; readonly scores: Float32Array };

/** The states of one row's real tokens: row-major [tokens, dim]. */
export interface TokenStates {
  readonly data: Float32Array;
  readonly tokens: number;
  readonly dim: number;
}

/** What one row of each head becomes. */
export interface HeadRow {
  readonly pooled: Float32Array;
  readonly tokens: TokenStates;
  readonly spans: Float32Array[];
  readonly sparse: SparseVector;
  readonly score: number;
}
