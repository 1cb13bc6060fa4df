/**
 * L4: correlation coefficients, as scipy.stats computes them (pearsonr, spearmanr).
 * Pure functions over plain number arrays.
 */

function checkPaired(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`paired arrays differ in length: ${a.length} vs ${b.length}`);
  if (a.length < 2) throw new RangeError(`a correlation needs at least 2 pairs, got ${a.length}`);
}

/**
 * Ranks from 1..n; tied values share the average of the ranks they span
 * (scipy.stats.rankdata with method="average").
 */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    const v = values[order[start] as number] as number;
    while (end < n && values[order[end] as number] === v) end++;
    // positions start..end-1 (0-based) hold ranks start+1..end; their mean:
    const rank = (start + 1 + end) / 2;
    for (let p = start; p < end; p++) ranks[order[p] as number] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson's product-moment correlation. NaN when either side is constant (as scipy). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPaired(a, b);
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i] as number;
    meanB += b[i] as number;
  }
  meanA /= n;
  meanB /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - meanA;
    const db = (b[i] as number) - meanB;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return Number.NaN;
  const r = sab / Math.sqrt(saa * sbb);
  return Math.max(-1, Math.min(1, r));
}

/** Spearman's rank correlation: Pearson's correlation of the average ranks. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPaired(a, b);
  return pearson(averageRanks(a), averageRanks(b));
}
