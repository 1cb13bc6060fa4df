/**
 * L1 (pure): output heads. A head is plain data that says how a graph's output tensor becomes
 * the result of a batch; the runtime applies it where the tensor lives (the inference worker,
 * or the calling thread), so only the reduced result crosses threads. `applyHead` is the one
 * dispatcher; `splitRows` turns a batch result into one value per row.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { HeadKind, HeadOutput, HeadRow, OutputHead, RawOutput } from "./head-types.js";
import { poolRows } from "./pool.js";
import { scoreRows } from "./score.js";
import { meanOfSpans } from "./span-pool.js";
import { maxSaturation } from "./sparse-max.js";
import { realTokenStates } from "./token-states.js";

function wrongShape(head: HeadKind, expected: string, dims: readonly number[]): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `the ${head} head needs ${expected}; the model's output has shape [${dims.join(", ")}]`,
    { field: "head", head, dims: [...dims] },
  );
}

/** Applies `head` to a batch's output; `mask` is the batch's attention mask, [rows, seqLen]. */
export function applyHead<K extends HeadKind>(
  out: RawOutput,
  mask: BigInt64Array,
  head: Extract<OutputHead, { readonly kind: K }>,
): Extract<HeadOutput, { readonly kind: K }>;
export function applyHead(out: RawOutput, mask: BigInt64Array, head: OutputHead): HeadOutput;
export function applyHead(out: RawOutput, mask: BigInt64Array, head: OutputHead): HeadOutput {
  const { data, dims } = out;
  const rows = dims[0] ?? 0;
  if (head.kind === "score") {
    if (dims.length !== 1 && dims.length !== 2)
      throw wrongShape("score", "logits of shape [batch] or [batch, labels]", dims);
    return { kind: "score", scores: scoreRows(data, rows, dims[1] ?? 1, head.activation) };
  }
  if (head.kind === "pooled" && dims.length === 2) return { kind: "pooled", data, dim: dims[1]! };
  if (dims.length !== 3) {
    const what =
      head.kind === "sparse" ? "logits of shape [batch, seq, vocab]" : "token states of shape [batch, seq, hidden]";
    throw wrongShape(head.kind, what, dims);
  }
  const states = { data, batchSize: rows, seqLen: dims[1]!, hidden: dims[2]! };
  switch (head.kind) {
    case "pooled":
      return { kind: "pooled", data: poolRows(states, mask, head.pooling), dim: states.hidden };
    case "tokens":
      return { kind: "tokens", ...realTokenStates(states, mask), dim: states.hidden };
    case "spans":
      return { kind: "spans", ...meanOfSpans(states, mask, head.spans), dim: states.hidden };
    case "sparse":
      return { kind: "sparse", ...maxSaturation(states, mask, head.topK) };
  }
}

/** Rows a batch result holds. */
export function rowCount(out: HeadOutput): number {
  switch (out.kind) {
    case "pooled":
      return out.dim === 0 ? 0 : out.data.length / out.dim;
    case "score":
      return out.scores.length;
    default:
      return out.offsets.length - 1;
  }
}

/** One value per row; every array is a copy that owns its buffer. */
export function splitRows<K extends HeadKind>(out: Extract<HeadOutput, { readonly kind: K }>): HeadRow[K][];
export function splitRows(out: HeadOutput): HeadRow[HeadKind][];
export function splitRows(out: HeadOutput): HeadRow[HeadKind][] {
  const n = rowCount(out);
  const rows: HeadRow[HeadKind][] = [];
  for (let r = 0; r < n; r++) {
    switch (out.kind) {
      case "pooled":
        rows.push(out.data.slice(r * out.dim, (r + 1) * out.dim));
        break;
      case "score":
        rows.push(out.scores[r]!);
        break;
      case "tokens": {
        const [a, b] = [out.offsets[r]!, out.offsets[r + 1]!];
        rows.push({ data: out.data.slice(a * out.dim, b * out.dim), tokens: b - a, dim: out.dim });
        break;
      }
      case "spans": {
        const spans: Float32Array[] = [];
        for (let s = out.offsets[r]!; s < out.offsets[r + 1]!; s++)
          spans.push(out.data.slice(s * out.dim, (s + 1) * out.dim));
        rows.push(spans);
        break;
      }
      case "sparse": {
        const [a, b] = [out.offsets[r]!, out.offsets[r + 1]!];
        rows.push({ indices: out.indices.slice(a, b), values: out.values.slice(a, b) });
        break;
      }
    }
  }
  return rows;
}
