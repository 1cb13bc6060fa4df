/**
 * L3: what a rerank call must be given, and its call options. Anything else is a typed error
 * naming the field.
 *
 * Documented results (not errors): an empty document list gives `[]`; an empty or
 * whitespace-only document is scored like any text; a `topK` above the number of documents
 * returns every document. An empty (or whitespace-only) query is an error: every score would be
 * meaningless, and the server's clients send one by mistake only.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { assertTextInput } from "../text-input.js";
import type { RerankActivation } from "../models/spec.js";

/** Options of one {@link TextCrossEncoder.rerank} call. */
export interface RerankOptions {
  /** Keep the best `topK` documents (an integer >= 1). Default: all, sorted by score. */
  readonly topK?: number;
  /** Put each document's text in its result. Default false. */
  readonly returnDocuments?: boolean;
  /** Pairs per runtime call. Default: the encoder's. */
  readonly batchSize?: number;
  /** Cut over-long pairs longest-first to the model's window (true) or fail with `input_too_long` (false). Default: the encoder's. */
  readonly truncate?: boolean;
  /** "none" for the raw logit, "sigmoid" for sigmoid(logit). Default: the model's. */
  readonly activation?: RerankActivation;
}

/** Options of one {@link TextCrossEncoder.rerankPairs} call. */
export type RerankPairsOptions = Omit<RerankOptions, "topK" | "returnDocuments">;

/** One reranked document. */
export interface RerankResult {
  /** Position of the document in the list given. */
  readonly index: number;
  /** The model's score of (query, document); higher is more relevant. */
  readonly score: number;
  /** The document, when `returnDocuments` is set. */
  readonly document?: string;
}

export function assertQuery(query: unknown): asserts query is string {
  assertTextInput(query, "query");
  if (query.trim() === "") {
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "query must not be empty", { field: "query", value: query });
  }
}

export function assertDocuments(documents: unknown, field = "documents"): asserts documents is string[] {
  if (!Array.isArray(documents)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_INPUT,
      `${field} must be an array of strings, got ${describeValue(documents)}`,
      {
        field,
      },
    );
  }
  documents.forEach((d, i) => assertTextInput(d, `${field}[${i}]`));
}

export function assertPairs(pairs: unknown): asserts pairs is [string, string][] {
  if (!Array.isArray(pairs)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_INPUT,
      `pairs must be an array of [text, text], got ${describeValue(pairs)}`,
      {
        field: "pairs",
      },
    );
  }
  pairs.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `pairs[${i}] must be a [text, text] array, got ${describeValue(p)}`,
        { field: `pairs[${i}]` },
      );
    }
    assertTextInput(p[0], `pairs[${i}][0]`);
    assertTextInput(p[1], `pairs[${i}][1]`);
  });
}

/** topK: undefined, or an integer >= 1. */
export function checkTopK(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `topK must be an integer >= 1, got ${JSON.stringify(value)}`, {
      field: "topK",
      value,
      min: 1,
    });
  }
  return value;
}

export function checkActivation(value: unknown): RerankActivation | undefined {
  if (value === undefined || value === "sigmoid" || value === "none") return value;
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `activation must be "sigmoid" or "none", got ${JSON.stringify(value)}`,
    { field: "activation", value, allowed: ["sigmoid", "none"] },
  );
}

/** Indices sorted by score, best first (ties: input order), cut to topK. */
export function rankScores(scores: readonly number[], topK: number | undefined): number[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return topK === undefined ? order : order.slice(0, topK);
}
