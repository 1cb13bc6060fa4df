/**
 * L4: classification by MTEB's protocol (AbsTaskClassification with its logReg evaluator):
 *   - n_experiments (default 10) experiments; before each, the train indices (kept from one
 *     experiment to the next) are shuffled by a numpy RandomState freshly seeded with 42 (MTEB
 *     reseeds numpy's global generator when each evaluator is built), and the first
 *     samples_per_label (default 8) examples of each label in that order form the train set;
 *   - texts embedded with the "symmetric" prompt;
 *   - a logistic regression (sklearn defaults: L2, C = 1, lbfgs, tol 1e-4, max_iter 100) fit on
 *     the sampled train embeddings, scored on the whole test split;
 *   - accuracy, macro F1 and weighted F1 per experiment, averaged. Main score: accuracy.
 */
import { accuracy, f1Scores } from "../metrics/classification-metrics.js";
import { fitLogisticRegression, toMatrix } from "../learn/logistic-regression.js";
import { legacyShuffle, Mt19937 } from "../random/mt19937.js";
import type { ClassificationTask, LabeledText } from "../tasks/task-types.js";
import type { EvalContext, ScoreEntry } from "./eval-context.js";

export const MTEB_CLASSIFICATION_DEFAULTS = { nExperiments: 10, samplesPerLabel: 8, maxIter: 100 } as const;

/** The train indices used by each experiment, in MTEB's order. */
export function undersamplingPlan(
  train: readonly LabeledText[],
  nExperiments: number,
  samplesPerLabel: number,
  seed: number,
): number[][] {
  const idxs = Array.from({ length: train.length }, (_, i) => i);
  const plan: number[][] = [];
  for (let e = 0; e < nExperiments; e++) {
    legacyShuffle(new Mt19937(seed), idxs);
    const perLabel = new Map<string, number>();
    const chosen: number[] = [];
    for (const i of idxs) {
      const label = (train[i] as LabeledText).label;
      const c = perLabel.get(label) ?? 0;
      if (c < samplesPerLabel) {
        chosen.push(i);
        perLabel.set(label, c + 1);
      }
    }
    plan.push(chosen);
  }
  return plan;
}

export async function evaluateClassification(task: ClassificationTask, ctx: EvalContext): Promise<ScoreEntry> {
  const nExperiments = task.nExperiments ?? MTEB_CLASSIFICATION_DEFAULTS.nExperiments;
  const samplesPerLabel = task.samplesPerLabel ?? MTEB_CLASSIFICATION_DEFAULTS.samplesPerLabel;
  const plan = undersamplingPlan(task.train, nExperiments, samplesPerLabel, ctx.seed);

  // Embed every train example any experiment uses, and the test split, in one pass.
  const used = [...new Set(plan.flat())].sort((a, b) => a - b);
  const vectors = await ctx.embed(
    [...used.map((i) => (task.train[i] as LabeledText).text), ...task.test.map((t) => t.text)],
    "symmetric",
  );
  const trainVector = new Map(used.map((i, j) => [i, vectors[j] as Float32Array]));
  const testX = toMatrix(vectors.slice(used.length));
  const testY = task.test.map((t) => t.label);

  const perExperiment: { accuracy: number; f1: number; f1_weighted: number }[] = [];
  for (const [e, chosen] of plan.entries()) {
    ctx.progress("train", e, nExperiments);
    const X = toMatrix(chosen.map((i) => trainVector.get(i) as Float32Array));
    const y = chosen.map((i) => (task.train[i] as LabeledText).label);
    const model = fitLogisticRegression(X, y, { maxIter: MTEB_CLASSIFICATION_DEFAULTS.maxIter });
    const predicted = model.predict(testX);
    const f1 = f1Scores(testY, predicted);
    perExperiment.push({ accuracy: accuracy(testY, predicted), f1: f1.macro, f1_weighted: f1.weighted });
  }
  ctx.progress("train", nExperiments, nExperiments);
  const mean = (k: "accuracy" | "f1" | "f1_weighted") =>
    perExperiment.reduce((s, r) => s + r[k], 0) / perExperiment.length;
  const acc = mean("accuracy");
  return {
    accuracy: acc,
    f1: mean("f1"),
    f1_weighted: mean("f1_weighted"),
    scores_per_experiment: perExperiment,
    main_score: acc,
  };
}
