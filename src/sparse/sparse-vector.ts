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
