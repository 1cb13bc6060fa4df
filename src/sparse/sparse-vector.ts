/**
 * L3: building and combining sparse vectors (the type is L0's SparseVector: term or vocabulary
 * indices in ascending order and their weights, as TEI's /embed_sparse and Qdrant take them).
 */
import type { SparseVector } from "../types.js";

export type { SparseVector };
/** A sparse vector from an index -> weight map, sorted by index. */
export function sparseFromMap(weights: ReadonlyMap<number, number>): SparseVector {
  const indices = Uint32Array.from(weights.keys()).sort();
  const values = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) values[i] = weights.get(indices[i]!)!;
  return { indices, values };
}

/** Dot product of two sparse vectors (both sorted by index). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i]!;
    const y = b.indices[j]!;
    if (x === y) sum += a.values[i++]! * b.values[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

/** The k largest weights of `v` (equal weights keep the smaller index), still sorted by index. */
export function pruneTopK(v: SparseVector, k: number | undefined): SparseVector {
  if (k === undefined || v.indices.length <= k) return v;
  const order = Array.from(v.indices.keys())
    .sort((a, b) => v.values[b]! - v.values[a]! || v.indices[a]! - v.indices[b]!)
    .slice(0, k)
    .sort((a, b) => a - b);
  return {
    indices: Uint32Array.from(order, (i) => v.indices[i]!),
    values: Float32Array.from(order, (i) => v.values[i]!),
  };
}
