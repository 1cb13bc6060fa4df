/**
 * L3: the options of a TextEmbedding and their defaults, checked once at creation.
 */
import { DEFAULT_MAX_BATCH_TOKENS } from "../engine/token-budget.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { TruncationDirection } from "../types.js";

export interface BatchingOptions {
  /** Largest number of texts per runtime call, and the size of the arrays `embed()` yields. Default 64. */
  readonly batchSize: number;
  /** Largest number of padded tokens per runtime call. Default 2048. */
  readonly maxBatchTokens: number;
  /** How many texts are read ahead and sorted by length before batching. Default 8 × batchSize. */
  readonly windowSize: number;
}

export interface PerCallOptions {
  /** Cut inputs longer than the model's limit (reported in embedDetailed) instead of failing. Default true. */
  readonly truncate: boolean;
  readonly truncationDirection: TruncationDirection;
  /** Matryoshka output size: keep the first N components, then renormalize. Default: the model's dim. */
  readonly dimensions: number | undefined;
  /** L2-normalize the output. Default: the model's convention (true for every registry model). */
  readonly normalize: boolean;
}

export const DEFAULT_BATCH_SIZE = 64;

export function positiveInt(field: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must be an integer from 1 to ${max}, got ${JSON.stringify(value)}`,
      { field, value, min: 1, max },
    );
  }
  return value;
}

export function resolveBatching(o: Partial<BatchingOptions>): BatchingOptions {
  const batchSize = o.batchSize === undefined ? DEFAULT_BATCH_SIZE : positiveInt("batchSize", o.batchSize, 1 << 16);
  const maxBatchTokens =
    o.maxBatchTokens === undefined ? DEFAULT_MAX_BATCH_TOKENS : positiveInt("maxBatchTokens", o.maxBatchTokens);
  const windowSize = o.windowSize === undefined ? batchSize * 8 : positiveInt("windowSize", o.windowSize);
  return { batchSize, maxBatchTokens, windowSize: Math.max(windowSize, batchSize) };
}

export function resolveDimensions(value: number | undefined, modelDim: number): number | undefined {
  if (value === undefined) return undefined;
  return positiveInt("dimensions", value, modelDim);
}
