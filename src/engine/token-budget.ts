/**
 * L3 (pure): the one token-budget rule of every batch embedkit runs, planned from a window of
 * texts (plan-batches.ts) or packed from queued requests (batcher.ts): a batch holds at most
 * `maxRows` rows and at most `maxTokens` padded tokens (rows × longest row). A single row always
 * makes a batch, however long it is, so nothing is ever refused for the budget's sake.
 */

export interface BatchLimits {
  readonly maxRows: number;
  readonly maxTokens: number;
}

/** Whether a batch of `rows` rows whose longest has `longest` tokens stays within the limits. */
export function fitsBudget(rows: number, longest: number, limits: BatchLimits): boolean {
  return rows <= 1 || (rows <= limits.maxRows && rows * longest <= limits.maxTokens);
}
