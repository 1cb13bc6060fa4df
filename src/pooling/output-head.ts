/**
 * L1 (pure): output heads. A head is plain data that says how a graph's output tensor becomes
 * the result of a batch; the runtime applies it where the tensor lives (the inference worker,
 * or the calling thread), so only the reduced result crosses threads. `applyHead` is the one
 * dispatcher; `splitRows` turns a batch result into one value per row.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { HeadKind, HeadOutput, HeadRow, OutputHead, RawOutput } from "./head-types.js";
import { poolRows } from "./pool.js";

function wrongShape(head: HeadKind, expected: string, dims: readonly number[]): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `the ${head} head needs ${expected}; the model's output has shape [${dims.join(", ")}]`,
    { field: "head", head, dims: [...dims] },
  );
}

/** Applies `head` to a batch's output; `mask` is the batch's attention mask, [rows, seqLen]. */
export function applyHead(out: RawOutput, mask: BigInt64Array, head: OutputHead): HeadOutput {
  const { data, dims } = out;
  if (dims.length === 2) return { kind: "pooled", data, dim: dims[1]! };
  if (dims.length !== 3) throw wrongShape(head.kind, "token states of shape [batch, seq, hidden]", dims);
  const states = { data, batchSize: dims[0]!, seqLen: dims[1]!, hidden: dims[2]! };
  return { kind: "pooled", data: poolRows(states, mask, head.pooling), dim: states.hidden };
}

/** Rows a batch result holds. */
export function rowCount(out: HeadOutput): number {
  return out.dim === 0 ? 0 : out.data.length / out.dim;
}

/** One value per row; every array is a copy that owns its buffer. */
export function splitRows<K extends HeadKind>(out: HeadOutput & { readonly kind: K }): HeadRow[K][];
export function splitRows(out: HeadOutput): HeadRow[HeadKind][];
export function splitRows(out: HeadOutput): HeadRow[HeadKind][] {
  const rows: HeadRow[HeadKind][] = [];
  for (let r = 0; r < rowCount(out); r++) rows.push(out.data.slice(r * out.dim, (r + 1) * out.dim));
  return rows;
}
