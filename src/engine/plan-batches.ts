/**
 * L3 (pure): how a window of encoded texts is cut into runtime batches.
 *
 * Texts are sorted by token length (longest first), then cut greedily by the token-budget rule
 * (token-budget.ts): at most `batchSize` rows and `maxBatchTokens` padded tokens (rows × longest
 * row) per batch. Similar lengths share a batch, so little compute is spent on padding.
 */
import { fitsBudget, type BatchLimits } from "./token-budget.js";

export interface BatchPlanOptions {
  /** Largest number of texts in one runtime call. */
  readonly batchSize: number;
  /** Largest number of padded tokens (rows × longest row) in one runtime call. */
  readonly maxBatchTokens: number;
}

/** Returns groups of indices into `lengths`; every index appears exactly once. */
export function planBatches(lengths: readonly number[], options: BatchPlanOptions): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const limits: BatchLimits = { maxRows: options.batchSize, maxTokens: options.maxBatchTokens };
  const batches: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  for (const i of order) {
    const len = lengths[i]!;
    const nextLongest = Math.max(longest, len);
    if (current.length > 0 && !fitsBudget(current.length + 1, nextLongest, limits)) {
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
