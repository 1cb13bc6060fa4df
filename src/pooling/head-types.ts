/**
 * L1 (pure types): the vocabulary of output heads. A head is plain data that says how a graph's
 * output tensor becomes the result of a batch; the runtime applies it where the tensor lives.
 */
import type { Pooling } from "../types.js";

export type OutputHead =
  /** One vector per row: CLS, mean or last-token pooling (vectors a graph already pooled pass through). */
  { readonly kind: "pooled"; readonly pooling: Pooling };

export type HeadKind = OutputHead["kind"];

/** A graph output as the runtime hands it over: row-major data and its dimensions. */
export interface RawOutput {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** What a head gives back for a batch: flat typed arrays, so the worker can move, not copy, them. */
export type HeadOutput = { readonly kind: "pooled"; readonly data: Float32Array; readonly dim: number };

/** What one row of each head becomes. */
export interface HeadRow {
  readonly pooled: Float32Array;
}
