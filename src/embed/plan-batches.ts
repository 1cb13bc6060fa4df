/**
 * L3 (pure): how a window of encoded texts is cut into runtime batches.
 *
 * Texts are sorted by token length (longest first), then cut greedily so that a batch never
 * holds more than `batchSize` rows nor more than `maxBatchTokens` padded tokens
 * (rows × longest row). Similar lengths share a batch, so little compute is spent on padding.
 */

export interface BatchPlanOptions {
  /** Largest number of texts in one runtime call. */
  readonly batchSize: number;
  /** Largest number of padded tokens (rows × longest row) in one runtime call. */
  readonly maxBatchTokens: number;
}

/** Returns groups of indices into `lengths`; every index appears exactly once. */
export function planBatches(lengths: readonly number[], options: BatchPlanOptions): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  for (const i of order) {
    const len = lengths[i]!;
    const nextLongest = Math.max(longest, len);
    const fits = current.length < options.batchSize && (current.length + 1) * nextLongest <= options.maxBatchTokens;
    if (current.length > 0 && !fits) {
      batches.push(current);
      current = [];
      longest = 0;
    }
    current.push(i);
    longest = Math.max(longest, len);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
