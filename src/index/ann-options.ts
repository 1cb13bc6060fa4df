/**
 * L5: the options of the index's approximate search, checked once on the way in: how an ANN
 * index is built (`VectorIndex.optimize({ ann })`), how a search uses it (nprobes, ef, refine
 * factor, or `exact`), the index precision (float32, or binary: Hamming first pass and
 * rescoring) and the defaults, chosen so that recall@10 against exact search stays >= 0.95 on
 * real MiniLM vectors (bench/index-scale.ts measures them).
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { positiveInt } from "../embed/engine-options.js";
import type { AnnBuildParams, AnnSearchParams, AnnType } from "./store/chunk-store.js";

export type { AnnType } from "./store/chunk-store.js";

/** Every {@link AnnType}: IVF partitions each holding an HNSW graph over 8-bit scalar-quantized vectors, IVF with product quantization, IVF over the float vectors. */
export const ANN_TYPES: readonly AnnType[] = ["ivf_hnsw_sq", "ivf_pq", "ivf_flat"];

/** The ANN kind built when `optimize({ ann: {} })` names none. */
export const DEFAULT_ANN_TYPE: AnnType = "ivf_hnsw_sq";

/** What an index searches by: float32 vectors (cosine), or packed sign bits (Hamming) then rescoring. */
export type IndexPrecision = "float32" | "binary";

/** Every {@link IndexPrecision}. */
export const INDEX_PRECISIONS: readonly IndexPrecision[] = ["float32", "binary"];

/** Candidates per hit a binary index rescores by default (sentence-transformers' recommendation). */
export const DEFAULT_INDEX_RESCORE = 4;

/** What binary candidates are rescored against: the stored float32 vectors, or their sign bits (0/1) as sentence-transformers does. */
export type RescoreWith = "float32" | "bits";

/** How to build the ANN index; unset fields take the defaults. */
export interface AnnOptions {
  /** The kind; default ivf_hnsw_sq. */
  readonly type?: AnnType;
  /** IVF partitions; default sqrt(chunks) for ivf_pq/ivf_flat, one per million chunks for ivf_hnsw_sq. */
  readonly partitions?: number;
  /** ivf_pq: sub-vectors (the dimension must divide by it); default dim / 16. */
  readonly subVectors?: number;
  /** ivf_hnsw_sq: neighbours per graph node; default 20. */
  readonly m?: number;
  /** ivf_hnsw_sq: candidates while building; default 300. */
  readonly efConstruction?: number;
}

/** Search knobs of an index with an ANN index (each trades speed for recall). */
export interface AnnSearchOptions {
  /** IVF partitions probed; default: every partition for ivf_hnsw_sq, 10% of them (at least 20) for the IVF kinds. */
  readonly nprobes?: number;
  /** ivf_hnsw_sq: graph candidates kept; default max(100, 10 × topK). */
  readonly ef?: number;
  /** Re-rank the ANN's best `refineFactor × topK` by their float32 distance; default 4 for ivf_pq and ivf_hnsw_sq, none for ivf_flat. */
  readonly refineFactor?: number;
}

function badOption(field: string, message: string, value: unknown, extra: Record<string, unknown> = {}): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} ${message}, got ${describeValue(value)}`, {
    field,
    value: typeof value === "object" && value !== null ? describeValue(value) : value,
    ...extra,
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Checks a precision given to VectorIndex.open. */
export function parseIndexPrecision(value: unknown, field = "precision"): IndexPrecision {
  if (!INDEX_PRECISIONS.includes(value as IndexPrecision)) {
    throw badOption(field, `must be one of ${INDEX_PRECISIONS.join(", ")}`, value, { allowed: INDEX_PRECISIONS });
  }
  return value as IndexPrecision;
}

/** Checks `ann` build options for a `dim`-dimensional index. */
export function parseAnnOptions(value: unknown, dim: number, field = "ann"): AnnBuildParams {
  if (!isObject(value)) throw badOption(field, 'must be an object like { type: "ivf_hnsw_sq" }', value);
  const type = value["type"] ?? DEFAULT_ANN_TYPE;
  if (!ANN_TYPES.includes(type as AnnType)) {
    throw badOption(`${field}.type`, `must be one of ${ANN_TYPES.join(", ")}`, type, { allowed: ANN_TYPES });
  }
  const known = ["type", "partitions", "subVectors", "m", "efConstruction"];
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) throw badOption(`${field}.${k}`, `is not an ANN option (known: ${known.join(", ")})`, k);
  }
  const out: { -readonly [K in keyof AnnBuildParams]: AnnBuildParams[K] } = { type: type as AnnType };
  if (value["partitions"] !== undefined)
    out.partitions = positiveInt(`${field}.partitions`, value["partitions"], 65_536);
  if (value["m"] !== undefined) out.m = positiveInt(`${field}.m`, value["m"], 256);
  if (value["efConstruction"] !== undefined) {
    out.efConstruction = positiveInt(`${field}.efConstruction`, value["efConstruction"], 10_000);
  }
  if (value["subVectors"] !== undefined) {
    const s = positiveInt(`${field}.subVectors`, value["subVectors"], dim);
    if (dim % s !== 0) {
      throw badOption(`${field}.subVectors`, `must divide the dimension ${dim}`, s, { dimension: dim });
    }
    out.subVectors = s;
  }
  for (const k of ["subVectors", "m", "efConstruction"] as const) {
    const applies = k === "subVectors" ? out.type === "ivf_pq" : out.type === "ivf_hnsw_sq";
    if (out[k] !== undefined && !applies) {
      throw badOption(`${field}.${k}`, `does not apply to ${out.type}`, out[k], { type: out.type });
    }
  }
  return out;
}

/** The largest value each ANN search knob takes (the server's request schema uses the same). */
export const ANN_SEARCH_MAX = { nprobes: 65_536, ef: 100_000, refineFactor: 1_000 } as const;

/** The largest rescoring multiplier of a binary index. */
export const MAX_INDEX_RESCORE = 100;

/** Every {@link RescoreWith}. */
export const RESCORE_WITH: readonly RescoreWith[] = ["float32", "bits"];

/** Checks the ANN search knobs of one search (undefined when none is set). */
export function parseAnnSearch(options: AnnSearchOptions): AnnSearchParams {
  const out: { -readonly [K in keyof AnnSearchParams]: AnnSearchParams[K] } = {};
  if (options.nprobes !== undefined) out.nprobes = positiveInt("nprobes", options.nprobes, ANN_SEARCH_MAX.nprobes);
  if (options.ef !== undefined) out.ef = positiveInt("ef", options.ef, ANN_SEARCH_MAX.ef);
  if (options.refineFactor !== undefined) {
    out.refineFactor = positiveInt("refineFactor", options.refineFactor, ANN_SEARCH_MAX.refineFactor);
  }
  return out;
}

/** The knobs a search uses: those given, else the defaults for the index's ANN kind and partitions. */
export function annSearchDefaults(
  type: AnnType,
  partitions: number,
  topK: number,
  given: AnnSearchParams,
): AnnSearchParams {
  const nprobes = given.nprobes ?? (type === "ivf_hnsw_sq" ? partitions : Math.max(20, Math.ceil(partitions / 10)));
  const ef = given.ef ?? (type === "ivf_hnsw_sq" ? Math.max(100, 10 * topK) : undefined);
  const refineFactor = given.refineFactor ?? (type === "ivf_flat" ? undefined : 4);
  const needed = topK * (refineFactor ?? 1);
  if (type === "ivf_hnsw_sq" && ef !== undefined && ef < needed) {
    // LanceDB's HNSW walk keeps ef candidates and must return topK × refineFactor of them.
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `ef must be at least topK × refineFactor (${topK} × ${refineFactor ?? 1} = ${needed}), got ${ef}`,
      { field: "ef", value: ef, min: needed },
    );
  }
  return {
    nprobes,
    ...(ef !== undefined ? { ef } : {}),
    ...(refineFactor !== undefined ? { refineFactor } : {}),
  };
}

/** Checks a rescoring multiplier (1 to 100) or `false` (binary first pass only). */
export function parseRescore(value: unknown): number | false {
  if (value === undefined) return DEFAULT_INDEX_RESCORE;
  if (value === false) return false;
  return positiveInt("rescore", value, MAX_INDEX_RESCORE);
}

/** Checks what rescoring is against. */
export function parseRescoreWith(value: unknown): RescoreWith {
  if (value === undefined) return "float32";
  if (!RESCORE_WITH.includes(value as RescoreWith)) {
    throw badOption("rescoreWith", "must be float32 or bits", value, { allowed: RESCORE_WITH });
  }
  return value as RescoreWith;
}
