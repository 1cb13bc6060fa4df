/**
 * L4: homogeneity, completeness and V-measure of a clustering against gold labels, as
 * sklearn.metrics.homogeneity_completeness_v_measure computes them (natural-log entropies,
 * beta = 1).
 */

export interface VMeasure {
  readonly homogeneity: number;
  readonly completeness: number;
  readonly vMeasure: number;
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

export function vMeasure<A, B>(labels: readonly A[], clusters: readonly B[]): VMeasure {
  const n = labels.length;
  if (clusters.length !== n) throw new RangeError(`labels and clusters differ in length: ${n} vs ${clusters.length}`);
  if (n === 0) return { homogeneity: 1, completeness: 1, vMeasure: 1 };
  const classCount = new Map<A, number>();
  const clusterCount = new Map<B, number>();
  const joint = new Map<A, Map<B, number>>();
  for (let i = 0; i < n; i++) {
    const c = labels[i] as A;
    const k = clusters[i] as B;
    classCount.set(c, (classCount.get(c) ?? 0) + 1);
    clusterCount.set(k, (clusterCount.get(k) ?? 0) + 1);
    let row = joint.get(c);
    if (!row) joint.set(c, (row = new Map()));
    row.set(k, (row.get(k) ?? 0) + 1);
  }
  const hC = entropy(classCount.values(), n);
  const hK = entropy(clusterCount.values(), n);
  // Mutual information from the contingency table.
  let mi = 0;
  for (const [c, row] of joint) {
    const nc = classCount.get(c) as number;
    for (const [k, nck] of row) {
      const nk = clusterCount.get(k) as number;
      mi += (nck / n) * Math.log((nck * n) / (nc * nk));
    }
  }
  // H(C|K) = H(C) - MI, H(K|C) = H(K) - MI.
  const homogeneity = hC === 0 ? 1 : Math.min(1, mi / hC);
  const completeness = hK === 0 ? 1 : Math.min(1, mi / hK);
  const v = homogeneity + completeness === 0 ? 0 : (2 * homogeneity * completeness) / (homogeneity + completeness);
  return { homogeneity, completeness, vMeasure: v };
}
