/**
 * L1: post-processing of pooled vectors: L2 normalization and Matryoshka truncation.
 */

/** Scales `v` in place to unit L2 norm (a zero vector stays zero). Returns `v`. */
export function l2NormalizeInPlace(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}

/**
 * Matryoshka: keeps the first `dims` components. Returns a view when dims equals the length,
 * else a copy (so the large buffer can be freed). The caller renormalizes when the model is
 * normalized.
 */
export function truncateDims(v: Float32Array, dims: number): Float32Array {
  return dims >= v.length ? v : v.slice(0, dims);
}

/** Cosine similarity of two vectors of equal length. */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Layer normalization without learned scale/shift, in place: (v - mean) / sqrt(var + eps).
 * nomic-embed-text-v1.5 applies it to the pooled vector before Matryoshka truncation.
 */
export function layerNormInPlace(v: Float32Array, eps = 1e-5): Float32Array {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i]!;
  mean /= v.length || 1;
  let variance = 0;
  for (let i = 0; i < v.length; i++) variance += (v[i]! - mean) ** 2;
  variance /= v.length || 1;
  const inv = 1 / Math.sqrt(variance + eps);
  for (let i = 0; i < v.length; i++) v[i] = (v[i]! - mean) * inv;
  return v;
}
