/**
 * L1 (pure): the score head (cross-encoders). The first logit of each row, then the activation
 * the model's config names (sigmoid, or none for raw logits).
 */
import type { ScoreActivation } from "./head-types.js";

/** `data` is row-major [rows, labels]; returns activation(data[r * labels]) per row. */
export function scoreRows(data: Float32Array, rows: number, labels: number, activation: ScoreActivation): Float32Array {
  const scores = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const x = data[r * labels]!;
    scores[r] = activation === "sigmoid" ? 1 / (1 + Math.exp(-x)) : x;
  }
  return scores;
}
