/**
 * L1 (pure types): the vocabulary of output heads. A head is plain data that says how a graph's
 * output tensor becomes the result of a batch; the runtime applies it where the tensor lives.
 */
import type { Pooling, SparseVector } from "../types.js";

/** A token range [start, end) into one row's real tokens (special tokens included; 0 is the first). */
export type TokenSpan = readonly [start: number, end: number];

/**
 * How a graph's output becomes the result of a batch (see {@link TextEmbedding.runHead}); the
 * runtime applies it where the tensor lives, so only the reduced result crosses threads.
 */
export type OutputHead =
  /** One vector per row: CLS, mean or last-token pooling (vectors a graph already pooled pass through). */
  | {
      /** Which head. */
      readonly kind: "pooled";
      /** How the row's token states become one vector; not normalized here. */
      readonly pooling: Pooling;
    }
  /** The state of every real (unmasked) token of each row. */
  | {
      /** Which head. */
      readonly kind: "tokens";
    }
  /** The mean state of each given token range; `spans[r]` holds row r's ranges. */
  | {
      /** Which head. */
      readonly kind: "spans";
      /** Per row (in batch order), its [start, end) token ranges; a row may have none. */
      readonly spans: readonly (readonly TokenSpan[])[];
    }
  /** SPLADE: per row, max over real tokens of log(1 + relu(logit)) over a [batch, seq, vocab] output. */
  | {
      /** Which head. */
      readonly kind: "sparse";
      /** Keep only this many largest entries per row (a positive integer). Default: every non-zero entry. */
      readonly topK?: number | undefined;
    }
  /** Cross-encoder: logits[:, 0], then the activation. */
  | {
      /** Which head. */
      readonly kind: "score";
      /** Applied to each row's first logit. */
      readonly activation: ScoreActivation;
    };

export type HeadKind = OutputHead["kind"];
/** What the score head applies to a logit: "sigmoid" gives 1 / (1 + e^-x), "none" the raw logit. */
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
  /** `tokens * dim` values; token t's state is `data.subarray(t * dim, (t + 1) * dim)`. */
  readonly data: Float32Array;
  /** Real (unmasked) tokens of the row, special tokens included. */
  readonly tokens: number;
  /** Values per token state (the model's hidden size). */
  readonly dim: number;
}

/** What one row of each head becomes. */
export interface HeadRow {
  /** The pooled vector (length: the hidden size), before normalization or truncation to `dimensions`. */
  readonly pooled: Float32Array;
  /** The states of the row's real tokens. */
  readonly tokens: TokenStates;
  /** The mean state of each of the row's spans, in the order given (one hidden-size vector each). */
  readonly spans: Float32Array[];
  /** The row's non-zero weights by vocabulary id. */
  readonly sparse: SparseVector;
  /** The row's score, after the head's activation. */
  readonly score: number;
}
