/**
 * L3 (pure): the one token-budget rule of every batch embedkit runs, planned from a window of
 * texts (plan-batches.ts) or packed from queued requests (batcher.ts): a batch holds at most
 * `maxRows` rows and at most `maxTokens` padded tokens (rows × longest row). A single row always
 * makes a batch, however long it is, so nothing is ever refused for the budget's sake.
 */

// The one default, for the library and the server alike. Measured (bench/embed-throughput.ts
// --max-batch-tokens sweep, bge-small on 2 cores): 2048 gave 942 tokens/s at 513 MiB peak RSS
// vs 674 tokens/s at 2246 MiB for 16384 (fp32), 1167 vs 740 (int8).
export const DEFAULT_MAX_BATCH_TOKENS = 2048;

/**
 * The budget when none is configured, for callers that promise every input of up to
 * `maxInputTokens` tokens a batch within the budget (the server): the default, raised to hold
 * one such input.
 */
export function defaultBatchTokens(maxInputTokens: number): number {
  return Math.max(DEFAULT_MAX_BATCH_TOKENS, maxInputTokens);
}

export interface BatchLimits {
  readonly maxRows: number;
  readonly maxTokens: number;
}

/** Whether a batch of `rows` rows whose longest has `longest` tokens stays within the limits. */
export function fitsBudget(rows: number, longest: number, limits: BatchLimits): boolean {
  return rows <= 1 || (rows <= limits.maxRows && rows * longest <= limits.maxTokens);
}
