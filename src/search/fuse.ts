/**
 * L4: hybrid fusion of ranked hit lists (e.g. dense and BM25 results for one query) into one.
 *
 *   rrf (default): score(d) = sum_i w_i / (k + rank_i(d)), rank 1 for the first hit of list i;
 *     lists that miss d add nothing. k = 60 (Cormack et al. 2009). Scores are not used, only
 *     each list's order, so the lists must be best first.
 *   weighted: score(d) = sum_i w_i * norm_i(d), each list's scores normalized on their own
 *     (min-max by default, or z-score, or none); lists that miss d add nothing.
 *
 * Weights default to 1 per list. An id appearing twice in one list counts once, at its first
 * (best) place. Ties are broken by first appearance (list order, then rank), so results are
 * deterministic. Pure functions; no IO.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import type { Hit, HitId } from "./hit.js";
import { normalizeScores, SCORE_NORMALIZATIONS, type ScoreNormalization } from "./normalize-scores.js";

/** How fuse() combines lists: reciprocal-rank fusion, or a weighted sum of normalized scores. */
export type FusionMethod = "rrf" | "weighted";

/** Every {@link FusionMethod}, for option parsers. */
export const FUSION_METHODS: readonly FusionMethod[] = ["rrf", "weighted"];

/** Options of {@link fuse}. */
export interface FuseOptions {
  /** Default "rrf". */
  readonly method?: FusionMethod;
  /** One weight >= 0 per list. Default 1 each. */
  readonly weights?: readonly number[];
  /** weighted only. Default "min-max". */
  readonly normalization?: ScoreNormalization;
  /** rrf only: the rank offset, >= 0. Default 60. */
  readonly k?: number;
  /** Hits returned at most. Default: all. */
  readonly topK?: number;
}

function badOption(field: string, message: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} ${message}, got ${describeValue(value)}`, {
    field,
    value: typeof value === "object" ? describeValue(value) : value,
  });
}

function checkLists(hitLists: unknown): readonly (readonly Hit[])[] {
  if (!Array.isArray(hitLists)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_INPUT,
      `hitLists must be an array of hit arrays, got ${describeValue(hitLists)}`,
      {
        field: "hitLists",
      },
    );
  }
  hitLists.forEach((list: unknown, i) => {
    if (!Array.isArray(list)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `hitLists[${i}] must be an array of hits, got ${describeValue(list)}`,
        {
          field: `hitLists[${i}]`,
        },
      );
    }
    list.forEach((hit: unknown, j) => {
      const field = `hitLists[${i}][${j}]`;
      const h = hit as { id?: unknown; score?: unknown } | null;
      const idOk =
        h !== null &&
        typeof h === "object" &&
        (typeof h.id === "string" || (typeof h.id === "number" && Number.isFinite(h.id)));
      if (!idOk) {
        throw new EmbedkitError(
          ERROR_CODES.INVALID_INPUT,
          `${field} must be { id: string | number, score: number }, got ${describeValue(hit)}`,
          {
            field,
          },
        );
      }
      if (typeof h.score !== "number" || !Number.isFinite(h.score)) {
        throw new EmbedkitError(
          ERROR_CODES.INVALID_INPUT,
          `${field}.score must be a finite number, got ${describeValue(h.score)}`,
          {
            field: `${field}.score`,
          },
        );
      }
    });
  });
  return hitLists as readonly (readonly Hit[])[];
}

/** Fuses ranked hit lists into one list, best first. */
export function fuse(hitLists: readonly (readonly Hit[])[], options: FuseOptions = {}): Hit[] {
  const lists = checkLists(hitLists);
  const method = options.method ?? "rrf";
  if (!FUSION_METHODS.includes(method))
    throw badOption("method", `must be one of ${FUSION_METHODS.join(", ")}`, method);
  const normalization = options.normalization ?? "min-max";
  if (!SCORE_NORMALIZATIONS.includes(normalization)) {
    throw badOption("normalization", `must be one of ${SCORE_NORMALIZATIONS.join(", ")}`, normalization);
  }
  const k = options.k ?? 60;
  if (typeof k !== "number" || !Number.isFinite(k) || k < 0) throw badOption("k", "must be a number >= 0", k);
  const weights = options.weights ?? lists.map(() => 1);
  if (!Array.isArray(weights) || weights.length !== lists.length) {
    throw badOption("weights", `must hold one weight per hit list (${lists.length})`, weights);
  }
  weights.forEach((w, i) => {
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0)
      throw badOption(`weights[${i}]`, "must be a number >= 0", w);
  });
  const topK = options.topK;
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1))
    throw badOption("topK", "must be an integer >= 1", topK);

  const fused = new Map<HitId, { score: number; order: number }>();
  lists.forEach((list, i) => {
    const seen = new Set<HitId>();
    const unique = list.filter((h) => !seen.has(h.id) && (seen.add(h.id), true));
    const contributions =
      method === "rrf"
        ? unique.map((_, r) => weights[i]! / (k + r + 1))
        : normalizeScores(
            unique.map((h) => h.score),
            normalization,
          ).map((s) => weights[i]! * s);
    unique.forEach((h, r) => {
      const entry = fused.get(h.id);
      if (entry) entry.score += contributions[r]!;
      else fused.set(h.id, { score: contributions[r]!, order: fused.size });
    });
  });
  const out = [...fused.entries()]
    .sort((a, b) => b[1].score - a[1].score || a[1].order - b[1].order)
    .map(([id, e]) => ({ id, score: e.score }));
  return topK === undefined ? out : out.slice(0, topK);
}
