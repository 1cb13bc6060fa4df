/**
 * L4: similarity of aligned pairs of vectors (row i of `a` with row i of `b`), as MTEB's STS and
 * pair-classification evaluators compute them: cosine similarity, and the negated Manhattan and
 * Euclidean distances (so that for every score, higher means more similar).
 */

type Vectors = readonly ArrayLike<number>[];

function checkRows(a: Vectors, b: Vectors): void {
  if (a.length !== b.length) throw new RangeError(`paired vector lists differ in length: ${a.length} vs ${b.length}`);
}

/** Cosine similarity of one pair; 0 when either vector is all zeros. */
export function cosine(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let k = 0; k < x.length; k++) {
    const xv = x[k] as number;
    const yv = y[k] as number;
    dot += xv * yv;
    nx += xv * xv;
    ny += yv * yv;
  }
  if (nx === 0 || ny === 0) return 0;
  return dot / (Math.sqrt(nx) * Math.sqrt(ny));
}

export function pairedCosine(a: Vectors, b: Vectors): Float64Array {
  checkRows(a, b);
  return Float64Array.from(a, (x, i) => cosine(x, b[i] as ArrayLike<number>));
}

/** Negated L1 distance of each pair. */
export function pairedManhattanSimilarity(a: Vectors, b: Vectors): Float64Array {
  checkRows(a, b);
  return Float64Array.from(a, (x, i) => {
    const y = b[i] as ArrayLike<number>;
    let s = 0;
    for (let k = 0; k < x.length; k++) s += Math.abs((x[k] as number) - (y[k] as number));
    return -s;
  });
}

/** Negated L2 distance of each pair. */
export function pairedEuclideanSimilarity(a: Vectors, b: Vectors): Float64Array {
  checkRows(a, b);
  return Float64Array.from(a, (x, i) => {
    const y = b[i] as ArrayLike<number>;
    let s = 0;
    for (let k = 0; k < x.length; k++) {
      const d = (x[k] as number) - (y[k] as number);
      s += d * d;
    }
    return -Math.sqrt(s);
  });
}

/** Dot product of each pair. */
export function pairedDot(a: Vectors, b: Vectors): Float64Array {
  checkRows(a, b);
  return Float64Array.from(a, (x, i) => {
    const y = b[i] as ArrayLike<number>;
    let s = 0;
    for (let k = 0; k < x.length; k++) s += (x[k] as number) * (y[k] as number);
    return s;
  });
}
