/**
 * L4: accuracy and F1 of predicted class labels, as sklearn.metrics computes them
 * (accuracy_score; f1_score with average="macro" / "weighted", zero_division = 0).
 */

export function accuracy<L>(truth: readonly L[], predicted: readonly L[]): number {
  if (truth.length !== predicted.length) {
    throw new RangeError(`truth and predictions differ in length: ${truth.length} vs ${predicted.length}`);
  }
  if (truth.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
  return hits / truth.length;
}

export interface F1Scores {
  /** Unweighted mean of the per-label F1 over every label seen in truth or predictions. */
  readonly macro: number;
  /** Mean of the per-label F1 weighted by each label's count in truth. */
  readonly weighted: number;
}

export function f1Scores<L>(truth: readonly L[], predicted: readonly L[]): F1Scores {
  if (truth.length !== predicted.length) {
    throw new RangeError(`truth and predictions differ in length: ${truth.length} vs ${predicted.length}`);
  }
  const counts = new Map<L, { tp: number; fp: number; fn: number; support: number }>();
  const entry = (l: L) => {
    let e = counts.get(l);
    if (!e) counts.set(l, (e = { tp: 0, fp: 0, fn: 0, support: 0 }));
    return e;
  };
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] as L;
    const p = predicted[i] as L;
    entry(t).support++;
    if (t === p) entry(t).tp++;
    else {
      entry(t).fn++;
      entry(p).fp++;
    }
  }
  if (counts.size === 0) return { macro: 0, weighted: 0 };
  let macro = 0;
  let weighted = 0;
  let totalSupport = 0;
  for (const { tp, fp, fn, support } of counts.values()) {
    const denom = 2 * tp + fp + fn;
    const f1 = denom === 0 ? 0 : (2 * tp) / denom;
    macro += f1;
    weighted += f1 * support;
    totalSupport += support;
  }
  return { macro: macro / counts.size, weighted: totalSupport === 0 ? 0 : weighted / totalSupport };
}
