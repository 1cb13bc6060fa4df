/**
 * L4: the search module's surface: fusion of ranked hit lists (reused by the vector index).
 */
export { fuse, FUSION_METHODS, type FuseOptions, type FusionMethod } from "./fuse.js";
export { normalizeScores, SCORE_NORMALIZATIONS, type ScoreNormalization } from "./normalize-scores.js";
export type { Hit, HitId } from "./hit.js";
export { hammingDistance } from "./hamming-distance.js";
export { integerDot, floatIntegerDot } from "./integer-dot.js";
export {
  quantizedSearch,
  rescoreRow,
  DEFAULT_RESCORE_MULTIPLIER,
  type QuantizedCorpus,
  type QuantizedSearchOptions,
} from "./quantized-search.js";
