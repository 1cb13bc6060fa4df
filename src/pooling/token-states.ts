/**
 * L1 (pure): the tokens head. Keeps the states of each row's real (unmasked) tokens, in order,
 * and drops the padding.
 */
import type { TokenEmbeddings } from "../types.js";

/** Real-token states of every row, concatenated: row r holds tokens offsets[r] to offsets[r + 1]. */
export function realTokenStates(
  out: TokenEmbeddings,
  mask: BigInt64Array,
): { data: Float32Array; offsets: Uint32Array } {
  const { batchSize, seqLen, hidden, data } = out;
  const offsets = new Uint32Array(batchSize + 1);
  for (let r = 0; r < batchSize; r++) {
    let n = 0;
    for (let t = 0; t < seqLen; t++) if (mask[r * seqLen + t] !== 0n) n++;
    offsets[r + 1] = offsets[r]! + n;
  }
  const states = new Float32Array(offsets[batchSize]! * hidden);
  let k = 0;
  for (let r = 0; r < batchSize; r++) {
    for (let t = 0; t < seqLen; t++) {
      if (mask[r * seqLen + t] === 0n) continue;
      const base = (r * seqLen + t) * hidden;
      states.set(data.subarray(base, base + hidden), k * hidden);
      k++;
    }
  }
  return { data: states, offsets };
}
