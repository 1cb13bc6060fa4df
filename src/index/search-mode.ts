/**
 * L5: which lists a vector-index search uses (`mode`, its alias `hybrid: true`, `fusion`,
 * `candidates`), checked against what the index stores. The default is hybrid on an index with
 * sparse vectors, dense otherwise.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { FUSION_METHODS, type FusionMethod } from "../search/fuse.js";
import { positiveInt } from "../embed/engine-options.js";
import type { IndexSparse } from "./index-settings.js";

/** dense: cosine over dense vectors; sparse: BM25 or SPLADE dot product; hybrid: both, fused. */
export type SearchMode = "dense" | "sparse" | "hybrid";

/** Every {@link SearchMode}, for option parsers. */
export const SEARCH_MODES: readonly SearchMode[] = ["dense", "sparse", "hybrid"];

/** Chunks each list contributes to a hybrid fusion at least (more when topK or rerank.topN is larger). */
export const DEFAULT_HYBRID_CANDIDATES = 100;

/** The search options this module reads. */
export interface ModeOptions {
  readonly mode?: SearchMode;
  readonly hybrid?: boolean;
  readonly fusion?: FusionMethod;
  readonly candidates?: number;
}

/** A checked search plan. */
export interface SearchPlan {
  readonly mode: SearchMode;
  /** hybrid: how the two lists are fused. */
  readonly fusion: FusionMethod;
  /** hybrid: chunks taken from each list before fusion. */
  readonly candidates: number;
}

function bad(field: string, message: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} ${message}, got ${describeValue(value)}`, {
    field,
    value: typeof value === "object" && value !== null ? describeValue(value) : value,
  });
}

/**
 * The plan for `options` on an index whose sparse side is `sparse` (at `path`), returning
 * `fetch` hits (topK, or rerank.topN); typed `invalid_option` errors name the option at fault.
 */
export function parseSearchPlan(
  options: ModeOptions,
  sparse: IndexSparse,
  path: string,
  fetch: number,
  maxCandidates: number,
): SearchPlan {
  const { mode: given, hybrid, fusion, candidates } = options;
  if (given !== undefined && !SEARCH_MODES.includes(given)) {
    throw bad("mode", `must be one of ${SEARCH_MODES.join(", ")}`, given);
  }
  if (hybrid !== undefined && typeof hybrid !== "boolean") throw bad("hybrid", "must be a boolean", hybrid);
  if (hybrid === true && given !== undefined && given !== "hybrid") {
    throw bad("hybrid", `true asks for mode "hybrid", but mode is "${given}"`, hybrid);
  }
  const mode: SearchMode = hybrid === true ? "hybrid" : (given ?? (sparse === "none" ? "dense" : "hybrid"));
  if (mode !== "dense" && sparse === "none") {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `mode "${mode}" needs sparse vectors, and the vector index at "${path}" was created without them (sparse: "none"); ` +
        `create an index with sparse vectors: VectorIndex.open(path, { model, sparse: "bm25" }) ` +
        `(CLI: embedkit index add DIR --sparse bm25 --input FILE)`,
      { field: "mode", value: mode, sparse, path },
    );
  }
  if (fusion !== undefined && !FUSION_METHODS.includes(fusion)) {
    throw bad("fusion", `must be one of ${FUSION_METHODS.join(", ")}`, fusion);
  }
  if (fusion !== undefined && mode !== "hybrid") {
    throw bad("fusion", `applies to mode "hybrid" only (mode is "${mode}")`, fusion);
  }
  if (candidates !== undefined && mode !== "hybrid") {
    throw bad("candidates", `applies to mode "hybrid" only (mode is "${mode}")`, candidates);
  }
  const depth =
    candidates === undefined
      ? Math.max(fetch, DEFAULT_HYBRID_CANDIDATES)
      : positiveInt("candidates", candidates, maxCandidates);
  return { mode, fusion: fusion ?? "rrf", candidates: depth };
}
