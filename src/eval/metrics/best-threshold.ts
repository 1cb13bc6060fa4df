/**
 * L4: the best accuracy and the best F1 reachable by one threshold on a similarity score, as
 * MTEB's pair-classification evaluator searches them: pairs are sorted by score (most similar
 * first, a stable sort), and each cut between position i and i+1 (for i from 0 to n-2) predicts
 * "similar" for the first i+1 pairs; the threshold reported is the midpoint of the two scores.
 */

export interface ThresholdAccuracy {
  readonly accuracy: number;
  readonly threshold: number;
}

export interface ThresholdF1 {
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
  readonly threshold: number;
}

function sortedRows(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  highMoreSimilar: boolean,
): { s: number; y: number }[] {
  if (scores.length !== labels.length) {
    throw new RangeError(`scores and labels differ in length: ${scores.length} vs ${labels.length}`);
  }
  const rows = Array.from({ length: scores.length }, (_, i) => ({ s: scores[i] as number, y: labels[i] as number }));
  // Array.prototype.sort is stable; Python's sorted(reverse=True) keeps equal rows in input order too.
  return rows.sort(highMoreSimilar ? (a, b) => b.s - a.s : (a, b) => a.s - b.s);
}

/** Labels are 1 (similar) and 0 (dissimilar). */
export function bestAccuracyThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  highMoreSimilar = true,
): ThresholdAccuracy {
  const rows = sortedRows(scores, labels, highMoreSimilar);
  let negativesLeft = 0;
  for (const r of rows) if (r.y === 0) negativesLeft++;
  let positivesSoFar = 0;
  let best = 0;
  let threshold = -1;
  for (let i = 0; i < rows.length - 1; i++) {
    const r = rows[i] as { s: number; y: number };
    if (r.y === 1) positivesSoFar++;
    else negativesLeft--;
    const acc = (positivesSoFar + negativesLeft) / rows.length;
    if (acc > best) {
      best = acc;
      threshold = (r.s + (rows[i + 1] as { s: number }).s) / 2;
    }
  }
  return { accuracy: best, threshold };
}

/** Labels are 1 (similar) and 0 (dissimilar). */
export function bestF1Threshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  highMoreSimilar = true,
): ThresholdF1 {
  const rows = sortedRows(scores, labels, highMoreSimilar);
  let totalPositives = 0;
  for (const r of rows) if (r.y === 1) totalPositives++;
  let best: ThresholdF1 = { f1: 0, precision: 0, recall: 0, threshold: 0 };
  let extracted = 0;
  let correct = 0;
  for (let i = 0; i < rows.length - 1; i++) {
    const r = rows[i] as { s: number; y: number };
    extracted++;
    if (r.y === 1) correct++;
    if (correct === 0) continue;
    const precision = correct / extracted;
    const recall = correct / totalPositives;
    const f1 = (2 * precision * recall) / (precision + recall);
    if (f1 > best.f1) best = { f1, precision, recall, threshold: (r.s + (rows[i + 1] as { s: number }).s) / 2 };
  }
  return best;
}
