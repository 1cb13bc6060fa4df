/**
 * L4: unconstrained L-BFGS minimization, following what scipy's L-BFGS-B does when there are no
 * bounds (the setting sklearn's lbfgs solver runs): m stored correction pairs, the initial Hessian
 * scaled by s'y / y'y, the Moré-Thuente line search (ftol 1e-3, gtol 0.9, xtol 0.1) started at
 * step 1/||d|| on the first iteration and 1 after, and L-BFGS-B's stopping tests:
 *   - max |g_i| <= gtol (projected gradient; no bounds, so the gradient itself),
 *   - (f_prev - f) / max(|f_prev|, |f|, 1) <= ftol,
 *   - maxIter iterations.
 * A correction pair is skipped when s'y <= eps * (-s'g_prev); a failed line search restarts from
 * the last iterate with an empty memory, and stops when the memory was already empty.
 */
import { moreThuente } from "./more-thuente.js";

/** Objective: writes the gradient at x into `grad` and returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Most iterations. sklearn's LogisticRegression default: 100. */
  readonly maxIter?: number;
  /** Stop when the largest gradient component is at most this. sklearn: tol = 1e-4. */
  readonly gtol?: number;
  /** Relative reduction test. sklearn passes 64 * machine epsilon. */
  readonly ftol?: number;
  /** Stored correction pairs. scipy default: 10. */
  readonly memory?: number;
  /** Most evaluations per line search. sklearn passes maxls = 50. */
  readonly maxLineSearch?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly reason: "gradient" | "relative-reduction" | "max-iterations" | "line-search-failed";
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i] as number);
    if (v > m) m = v;
  }
  return m;
}

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIter = options.maxIter ?? 100;
  const gtol = options.gtol ?? 1e-4;
  const ftol = options.ftol ?? 64 * Number.EPSILON;
  const m = options.memory ?? 10;
  const maxLs = options.maxLineSearch ?? 50;
  const n = x0.length;

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  const gTrial = new Float64Array(n);

  if (maxAbs(g) <= gtol) return { x, f, iterations: 0, evaluations, reason: "gradient" };

  let iterations = 0;
  while (true) {
    // Search direction d = -H g by the two-loop recursion.
    for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = (rho[j] as number) * dot(S[j] as Float64Array, d);
      alpha[j] = a;
      const y = Y[j] as Float64Array;
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) - a * (y[i] as number);
    }
    if (k > 0) {
      const sLast = S[k - 1] as Float64Array;
      const yLast = Y[k - 1] as Float64Array;
      const gamma = dot(sLast, yLast) / dot(yLast, yLast);
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma;
    }
    for (let j = 0; j < k; j++) {
      const beta = (rho[j] as number) * dot(Y[j] as Float64Array, d);
      const s = S[j] as Float64Array;
      const c = (alpha[j] as number) - beta;
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) + c * (s[i] as number);
    }

    const dg0 = dot(g, d);
    const stp0 = k === 0 && iterations === 0 ? Math.min(1 / Math.sqrt(dot(d, d)), 1e10) : 1;
    let ls;
    if (dg0 < 0) {
      ls = moreThuente(
        (stp) => {
          for (let i = 0; i < n; i++) xTrial[i] = (x[i] as number) + stp * (d[i] as number);
          const fv = objective(xTrial, gTrial);
          return { f: fv, dg: dot(gTrial, d) };
        },
        f,
        dg0,
        stp0,
        { ftol: 1e-3, gtol: 0.9, xtol: 0.1, stpmin: 0, stpmax: 1e10, maxEvaluations: maxLs },
      );
      evaluations += ls.evaluations;
    }
    if (!ls || ls.status === "failed") {
      if (k === 0) return { x, f, iterations, evaluations, reason: "line-search-failed" };
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      continue;
    }
    // xTrial/gTrial hold the last evaluated point, which is the accepted step.
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    let sg = 0;
    for (let i = 0; i < n; i++) {
      const si = (xTrial[i] as number) - (x[i] as number);
      const yi = (gTrial[i] as number) - (g[i] as number);
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
      sg += si * (g[i] as number);
    }
    const fPrev = f;
    x.set(xTrial);
    g.set(gTrial);
    f = ls.f;
    iterations++;

    if (maxAbs(g) <= gtol) return { x, f, iterations, evaluations, reason: "gradient" };
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) {
      return { x, f, iterations, evaluations, reason: "relative-reduction" };
    }
    if (iterations >= maxIter) return { x, f, iterations, evaluations, reason: "max-iterations" };

    if (sy > Number.EPSILON * -sg) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
  }
}
