/**
 * L4: score normalization for weighted fusion, so lists on different scales (cosine in [-1, 1],
 * BM25 in [0, 30]) can be added:
 *   min-max: (s - min) / (max - min); a list whose scores are all equal maps to 1
 *   z-score: (s - mean) / std (population std); a list whose scores are all equal maps to 0
 *   none:    scores as given
 */
/** How scores are rescaled before a weighted fusion: to [0, 1], to mean 0 / sd 1, or not at all. */
export type ScoreNormalization = "min-max" | "z-score" | "none";

/** Every {@link ScoreNormalization}, for option parsers. */
export const SCORE_NORMALIZATIONS: readonly ScoreNormalization[] = ["min-max", "z-score", "none"];

/**
 * Rescales one list's scores: `min-max` maps them to [0, 1] (all equal -> all 1), `z-score`
 * subtracts the mean and divides by the standard deviation (all equal -> all 0), `none` copies them.
 */
export function normalizeScores(scores: readonly number[], method: ScoreNormalization): number[] {
  if (method === "none" || scores.length === 0) return [...scores];
  if (method === "min-max") {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const range = max - min;
    return scores.map((s) => (range > 0 ? (s - min) / range : 1));
  }
  const mean = scores.reduce((a, s) => a + s, 0) / scores.length;
  const variance = scores.reduce((a, s) => a + (s - mean) * (s - mean), 0) / scores.length;
  const std = Math.sqrt(variance);
  return scores.map((s) => (std > 0 ? (s - mean) / std : 0));
}
