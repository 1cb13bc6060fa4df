/**
 * L4: average precision of a scored binary ranking, as sklearn.metrics.average_precision_score
 * computes it: AP = sum over distinct score thresholds (high to low) of
 * (recall_t - recall_{t-1}) * precision_t. Documents with equal scores enter together, so tied
 * scores are neither rewarded nor punished by their order.
 */

/**
 * @param relevant relevant[i] is true (or 1) when item i is a positive.
 * @param scores   higher means more likely positive.
 * @returns AP in [0, 1]; 0 when there is no positive.
 */
export function averagePrecision(relevant: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  const n = scores.length;
  if (relevant.length !== n) throw new RangeError(`labels and scores differ in length: ${relevant.length} vs ${n}`);
  let positives = 0;
  for (let i = 0; i < n; i++) if (relevant[i]) positives++;
  if (positives === 0) return 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (scores[j] as number) - (scores[i] as number));
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  let p = 0;
  while (p < n) {
    const s = scores[order[p] as number] as number;
    while (p < n && scores[order[p] as number] === s) {
      if (relevant[order[p] as number]) tp++;
      else fp++;
      p++;
    }
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}
