/**
 * L3 (pure): packs encodings into one right-padded rectangular batch for the runtime.
 */
import type { Encoding, PaddedBatch } from "../types.js";

export function padBatch(encodings: readonly Encoding[], padId = 0): PaddedBatch {
  const batchSize = encodings.length;
  let seqLen = 0;
  for (const e of encodings) seqLen = Math.max(seqLen, e.ids.length);
  const n = batchSize * seqLen;
  const inputIds = new BigInt64Array(n);
  const attentionMask = new BigInt64Array(n);
  const tokenTypeIds = new BigInt64Array(n);
  if (padId !== 0) inputIds.fill(BigInt(padId));
  encodings.forEach((e, r) => {
    const base = r * seqLen;
    for (let t = 0; t < e.ids.length; t++) {
      inputIds[base + t] = BigInt(e.ids[t]!);
      attentionMask[base + t] = 1n;
      tokenTypeIds[base + t] = BigInt(e.typeIds[t]!);
    }
  });
  return { batchSize, seqLen, inputIds, attentionMask, tokenTypeIds };
}
