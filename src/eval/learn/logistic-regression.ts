/**
 * L4: L2-regularized logistic regression trained with L-BFGS, matching the defaults of sklearn's
 * LogisticRegression that MTEB uses (penalty l2, C = 1, fit_intercept, solver lbfgs, tol 1e-4,
 * max_iter 100): with more than two classes a multinomial (softmax) model, with two a single
 * binomial (sigmoid) model, minimized from all-zero weights (intercepts not penalized). Classes
 * are the sorted distinct labels; prediction is argmax of the decision function, the first class
 * on ties.
 *
 * The optimum does not depend on how the objective is scaled, but where L-BFGS stops does (tol is
 * a bound on the gradient), and MTEB stops after at most 100 iterations. sklearn up to 1.3, which
 * produced the published MTEB scores, minimizes the summed form
 *     sum(cross-entropy) + 1 / (2 C) * ||W||^2              (objectiveScale "sum", the default);
 * sklearn 1.4 and later minimize the same divided by n (objectiveScale "mean"), which stops sooner.
 */
import { minimizeLbfgs, type LbfgsResult } from "./lbfgs.js";
import { accumulateGradient, linearScores } from "./linear-kernels.js";
import type { Matrix } from "./matrix.js";

export { toMatrix, type Matrix } from "./matrix.js";

export type ClassLabel = string | number;

export interface LogisticRegressionOptions {
  /** Inverse regularization strength. Default 1. */
  readonly C?: number;
  /** Default 100 (sklearn's default, which MTEB keeps). */
  readonly maxIter?: number;
  /** Gradient tolerance. Default 1e-4. */
  readonly tol?: number;
  /** Scale of the objective the tolerance applies to; see the file comment. Default "sum". */
  readonly objectiveScale?: "sum" | "mean";
}

export interface LogisticRegressionModel<L extends ClassLabel> {
  readonly classes: readonly L[];
  /** Row-major weights: one row of `cols` per class (a single row for two classes). */
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly optimizer: Omit<LbfgsResult, "x">;
  /** Decision function, row-major [rows, number of weight rows]. */
  decision(X: Matrix): Float64Array;
  predict(X: Matrix): L[];
}

function sortedClasses<L extends ClassLabel>(labels: readonly L[]): L[] {
  const distinct = [...new Set(labels)];
  if (distinct.every((l) => typeof l === "number")) return distinct.sort((a, b) => (a as number) - (b as number));
  return distinct.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

/** Adds the L2 penalty (weights only, not intercepts) to value and gradient; returns the value. */
function addPenalty(w: Float64Array, grad: Float64Array, k: number, d: number, l2: number, value: number): number {
  let sq = 0;
  const stride = d + 1;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const v = w[c * stride + j] as number;
      sq += v * v;
      grad[c * stride + j] = (grad[c * stride + j] as number) + l2 * v;
    }
  }
  return value + 0.5 * l2 * sq;
}

export function fitLogisticRegression<L extends ClassLabel>(
  X: Matrix,
  labels: readonly L[],
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel<L> {
  const n = X.rows;
  const d = X.cols;
  if (labels.length !== n) throw new RangeError(`X has ${n} rows but ${labels.length} labels were given`);
  const classes = sortedClasses(labels);
  if (classes.length < 2) throw new RangeError(`logistic regression needs at least 2 classes, got ${classes.length}`);
  const C = options.C ?? 1;
  const l2 = 1 / (C * n);
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(labels, (l) => index.get(l) as number);
  const binary = classes.length === 2;
  const k = binary ? 1 : classes.length;
  const stride = d + 1;
  const scores = new Float64Array(n * k);
  const scale = (options.objectiveScale ?? "sum") === "sum" ? n : 1;

  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    linearScores(X, w, k, scores);
    let loss = 0;
    // Turn scores into residuals r = p - onehot (in place), summing the loss.
    if (binary) {
      for (let i = 0; i < n; i++) {
        const z = scores[i] as number;
        const yi = y[i] as number;
        // log(1 + e^z) - y z, computed stably.
        loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - yi * z;
        const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        scores[i] = (p - yi) / n;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const o = i * k;
        let max = -Infinity;
        for (let c = 0; c < k; c++) if ((scores[o + c] as number) > max) max = scores[o + c] as number;
        let sum = 0;
        for (let c = 0; c < k; c++) {
          const e = Math.exp((scores[o + c] as number) - max);
          sum += e;
          scores[o + c] = e;
        }
        const yi = y[i] as number;
        // loss_i = logsumexp(z) - z_y = -log(p_y)
        loss -= Math.log((scores[o + yi] as number) / sum);
        for (let c = 0; c < k; c++) scores[o + c] = (scores[o + c] as number) / sum / n;
        scores[o + yi] = (scores[o + yi] as number) - 1 / n;
      }
    }
    accumulateGradient(X, scores, k, grad);
    const value = addPenalty(w, grad, k, d, l2, loss / n);
    if (scale === 1) return value;
    for (let p = 0; p < grad.length; p++) grad[p] = (grad[p] as number) * scale;
    return value * scale;
  };

  const result = minimizeLbfgs(objective, new Float64Array(k * stride), {
    maxIter: options.maxIter ?? 100,
    gtol: options.tol ?? 1e-4,
  });
  const coef = new Float64Array(k * d);
  const intercept = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    coef.set(result.x.subarray(c * stride, c * stride + d), c * d);
    intercept[c] = result.x[c * stride + d] as number;
  }
  const { x: weights, ...optimizer } = result;

  const decision = (T: Matrix): Float64Array => {
    if (T.cols !== d) throw new RangeError(`expected ${d} columns, got ${T.cols}`);
    const out = new Float64Array(T.rows * k);
    linearScores(T, weights, k, out);
    return out;
  };
  return {
    classes,
    coef,
    intercept,
    optimizer,
    decision,
    predict(T: Matrix): L[] {
      const z = decision(T);
      const out: L[] = [];
      for (let i = 0; i < T.rows; i++) {
        if (binary) {
          out.push(classes[(z[i] as number) > 0 ? 1 : 0] as L);
          continue;
        }
        let best = 0;
        for (let c = 1; c < k; c++) if ((z[i * k + c] as number) > (z[i * k + best] as number)) best = c;
        out.push(classes[best] as L);
      }
      return out;
    },
  };
}
