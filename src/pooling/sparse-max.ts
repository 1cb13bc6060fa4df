/**
 * L1 (pure): the sparse head (SPLADE). For each row and vocabulary id, the maximum over the
 * row's real tokens of log(1 + relu(logit)). log1p∘relu never decreases, so the maximum logit is
 * found first and transformed once per id. Reads the [batch, seq, vocab] logits in place; only
 * the non-zero entries are kept, sorted by id.
 */
import type { TokenEmbeddings } from "../types.js";

export function maxSaturation(
  logits: TokenEmbeddings,
  mask: BigInt64Array,
  topK: number | undefined,
): { indices: Uint32Array; values: Float32Array; offsets: Uint32Array } {
  const { batchSize, seqLen, hidden: vocab, data } = logits;
  const best = new Float32Array(vocab);
  const rowsIdx: Uint32Array[] = [];
  const rowsVal: Float32Array[] = [];
  const offsets = new Uint32Array(batchSize + 1);
  for (let r = 0; r < batchSize; r++) {
    best.fill(0); // relu: nothing below zero counts
    for (let t = 0; t < seqLen; t++) {
      if (mask[r * seqLen + t] === 0n) continue;
      const base = (r * seqLen + t) * vocab;
      for (let v = 0; v < vocab; v++) {
        const x = data[base + v]!;
        if (x > best[v]!) best[v] = x;
      }
    }
    let ids: number[] = [];
    for (let v = 0; v < vocab; v++) if (best[v]! > 0) ids.push(v);
    if (topK !== undefined && ids.length > topK) {
      // Largest first; equal values keep the smaller id. Then back to id order.
      ids = ids
        .sort((a, b) => best[b]! - best[a]! || a - b)
        .slice(0, topK)
        .sort((a, b) => a - b);
    }
    const idx = Uint32Array.from(ids);
    const val = new Float32Array(ids.length);
    ids.forEach((v, i) => (val[i] = Math.log1p(best[v]!)));
    rowsIdx.push(idx);
    rowsVal.push(val);
    offsets[r + 1] = offsets[r]! + ids.length;
  }
  const indices = new Uint32Array(offsets[batchSize]!);
  const values = new Float32Array(offsets[batchSize]!);
  for (let r = 0; r < batchSize; r++) {
    indices.set(rowsIdx[r]!, offsets[r]!);
    values.set(rowsVal[r]!, offsets[r]!);
  }
  return { indices, values, offsets };
}
