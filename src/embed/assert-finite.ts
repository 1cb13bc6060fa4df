/**
 * L3: the guard that keeps NaN and Infinity out of every output vector. Corrupted or numerically
 * broken weights make ONNX Runtime return NaN without complaint; JSON would print it as `null`
 * and a vector index would store it. A vector holding one is a typed error naming the input.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";

/** Throws NON_FINITE_OUTPUT when `v` holds NaN or ±Infinity; `index` is the input's position. */
export function assertFinite(v: Float32Array, index: number): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (Number.isFinite(x)) continue;
    const field = `inputs[${index}]`;
    const bad = v.reduce((n, y) => (Number.isFinite(y) ? n : n + 1), 0);
    throw new EmbedkitError(
      ERROR_CODES.NON_FINITE_OUTPUT,
      `the model produced ${String(x)} for ${field} (component ${i}; ${bad} of ${v.length} components are not finite numbers); ` +
        "its weights are probably corrupted: check the model with `embedkit models info --verify`, or download or import it again",
      { field, index, component: i, value: String(x), nonFinite: bad, dim: v.length },
    );
  }
}
