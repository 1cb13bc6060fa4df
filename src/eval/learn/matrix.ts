/**
 * L4: a dense row-major Float64 matrix, the input of the learners.
 */

/** A dense row-major matrix of n rows and d columns. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Packs vectors (all of one length) into a row-major Float64 matrix. */
export function toMatrix(vectors: readonly ArrayLike<number>[]): Matrix {
  const rows = vectors.length;
  const cols = rows === 0 ? 0 : (vectors[0] as ArrayLike<number>).length;
  const data = new Float64Array(rows * cols);
  vectors.forEach((v, i) => {
    if (v.length !== cols) throw new RangeError(`vector ${i} has length ${v.length}, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = v[j] as number;
  });
  return { rows, cols, data };
}
