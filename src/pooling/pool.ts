/**
 * L1: pooling as pure math. Token vectors [batch, seqLen, hidden] + attention mask -> one vector
 * per row. Accumulates in float64 so the result does not depend on how much padding a row had.
 */
import type { Pooling, TokenEmbeddings } from "../types.js";

/**
 * Pools row `row` of `out` into `dest` (length hidden).
 * - cls: the first token's vector.
 * - mean: the mean of the vectors whose mask is 1.
 * - last_token: the vector of the last token whose mask is 1 (right padding).
 */
export function poolRow(
  out: TokenEmbeddings,
  mask: BigInt64Array,
  row: number,
  pooling: Pooling,
  dest: Float32Array,
): void {
  const { seqLen, hidden, data } = out;
  const rowBase = row * seqLen * hidden;
  const maskBase = row * seqLen;
  if (pooling === "cls") {
    dest.set(data.subarray(rowBase, rowBase + hidden));
    return;
  }
  if (pooling === "last_token") {
    let last = 0;
    for (let t = 0; t < seqLen; t++) if (mask[maskBase + t] !== 0n) last = t;
    const base = rowBase + last * hidden;
    dest.set(data.subarray(base, base + hidden));
    return;
  }
  const acc = new Float64Array(hidden);
  let count = 0;
  for (let t = 0; t < seqLen; t++) {
    if (mask[maskBase + t] === 0n) continue;
    count++;
    const base = rowBase + t * hidden;
    for (let h = 0; h < hidden; h++) acc[h]! += data[base + h]!;
  }
  const inv = count > 0 ? 1 / count : 0;
  for (let h = 0; h < hidden; h++) dest[h] = acc[h]! * inv;
}

/** Pools every row of a batch into fresh vectors. */
export function poolBatch(out: TokenEmbeddings, mask: BigInt64Array, pooling: Pooling): Float32Array[] {
  const vectors: Float32Array[] = [];
  for (let r = 0; r < out.batchSize; r++) {
    const v = new Float32Array(out.hidden);
    poolRow(out, mask, r, pooling, v);
    vectors.push(v);
  }
  return vectors;
}

/** Pools every row of a batch into one flat [batchSize, hidden] array (what the pooled head returns). */
export function poolRows(out: TokenEmbeddings, mask: BigInt64Array, pooling: Pooling): Float32Array {
  const flat = new Float32Array(out.batchSize * out.hidden);
  for (let r = 0; r < out.batchSize; r++) {
    poolRow(out, mask, r, pooling, flat.subarray(r * out.hidden, (r + 1) * out.hidden));
  }
  return flat;
}

/** Real (unmasked) tokens of row `row`. */
export function realLength(mask: BigInt64Array, seqLen: number, row: number): number {
  let n = 0;
  for (let t = 0; t < seqLen; t++) if (mask[row * seqLen + t] !== 0n) n++;
  return n;
}
