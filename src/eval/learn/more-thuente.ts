/**
 * L4: the Moré-Thuente line search (J. J. Moré and D. J. Thuente, "Line search algorithms with
 * guaranteed sufficient decrease", ACM TOMS 20(3), 1994), the search MINPACK-2's dcsrch performs
 * and L-BFGS-B (hence scipy and sklearn's lbfgs solver) uses. It finds a step satisfying the strong
 * Wolfe conditions  f(stp) <= f(0) + ftol*stp*f'(0)  and  |f'(stp)| <= gtol*|f'(0)|.
 */

export interface LineSearchOptions {
  readonly ftol: number;
  readonly gtol: number;
  readonly xtol: number;
  readonly stpmin: number;
  readonly stpmax: number;
  /** Most function evaluations allowed. */
  readonly maxEvaluations: number;
}

export interface LineSearchResult {
  /** "converged": strong Wolfe met; "warning": stopped at a usable step (interval too small,
   * step at a bound); "failed": ran out of evaluations. */
  readonly status: "converged" | "warning" | "failed";
  readonly stp: number;
  readonly f: number;
  readonly evaluations: number;
}

/** Evaluates the objective along the search line: value and directional derivative at `stp`. */
export type LineFunction = (stp: number) => { f: number; dg: number };

interface Bracket {
  stx: number;
  fx: number;
  dx: number;
  sty: number;
  fy: number;
  dy: number;
  brackt: boolean;
}

/**
 * One safeguarded step (MINPACK-2 dcstep): updates the interval of uncertainty `b` with the trial
 * (stp, fp, dp) and returns the next trial step, from cubic / quadratic interpolation.
 */
function nextStep(b: Bracket, stp: number, fp: number, dp: number, stpmin: number, stpmax: number): number {
  const sgnd = dp * Math.sign(b.dx);
  let stpf: number;
  if (fp > b.fx) {
    // Higher function value: the minimum is bracketed between stx and stp.
    const theta = (3 * (b.fx - fp)) / (stp - b.stx) + b.dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(b.dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (b.dx / s) * (dp / s));
    if (stp < b.stx) gamma = -gamma;
    const p = gamma - b.dx + theta;
    const q = gamma - b.dx + gamma + dp;
    const stpc = b.stx + (p / q) * (stp - b.stx);
    const stpq = b.stx + (b.dx / ((b.fx - fp) / (stp - b.stx) + b.dx) / 2) * (stp - b.stx);
    stpf = Math.abs(stpc - b.stx) < Math.abs(stpq - b.stx) ? stpc : stpc + (stpq - stpc) / 2;
    b.brackt = true;
  } else if (sgnd < 0) {
    // Derivatives of opposite sign: bracketed.
    const theta = (3 * (b.fx - fp)) / (stp - b.stx) + b.dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(b.dx), Math.abs(dp));
    let gamma = s * Math.sqrt((theta / s) ** 2 - (b.dx / s) * (dp / s));
    if (stp > b.stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma - dp + gamma + b.dx;
    const stpc = stp + (p / q) * (b.stx - stp);
    const stpq = stp + (dp / (dp - b.dx)) * (b.stx - stp);
    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
    b.brackt = true;
  } else if (Math.abs(dp) < Math.abs(b.dx)) {
    // Same sign, derivative magnitude decreases.
    const theta = (3 * (b.fx - fp)) / (stp - b.stx) + b.dx + dp;
    const s = Math.max(Math.abs(theta), Math.abs(b.dx), Math.abs(dp));
    let gamma = s * Math.sqrt(Math.max(0, (theta / s) ** 2 - (b.dx / s) * (dp / s)));
    if (stp > b.stx) gamma = -gamma;
    const p = gamma - dp + theta;
    const q = gamma + (b.dx - dp) + gamma;
    const r = p / q;
    let stpc: number;
    if (r < 0 && gamma !== 0) stpc = stp + r * (b.stx - stp);
    else stpc = stp > b.stx ? stpmax : stpmin;
    const stpq = stp + (dp / (dp - b.dx)) * (b.stx - stp);
    if (b.brackt) {
      stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
      stpf = stp > b.stx ? Math.min(stp + 0.66 * (b.sty - stp), stpf) : Math.max(stp + 0.66 * (b.sty - stp), stpf);
    } else {
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      stpf = Math.max(stpmin, Math.min(stpmax, stpf));
    }
  } else {
    // Same sign, derivative magnitude does not decrease.
    if (b.brackt) {
      const theta = (3 * (fp - b.fy)) / (b.sty - stp) + b.dy + dp;
      const s = Math.max(Math.abs(theta), Math.abs(b.dy), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) ** 2 - (b.dy / s) * (dp / s));
      if (stp > b.sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + b.dy;
      stpf = stp + (p / q) * (b.sty - stp);
    } else {
      stpf = stp > b.stx ? stpmax : stpmin;
    }
  }
  // Update the interval of uncertainty.
  if (fp > b.fx) {
    b.sty = stp;
    b.fy = fp;
    b.dy = dp;
  } else {
    if (sgnd < 0) {
      b.sty = b.stx;
      b.fy = b.fx;
      b.dy = b.dx;
    }
    b.stx = stp;
    b.fx = fp;
    b.dx = dp;
  }
  return stpf;
}

/**
 * Searches along a descent direction from step 0, where the value is `f0` and the directional
 * derivative `dg0` (< 0), starting with the trial step `stp0`.
 */
export function moreThuente(
  phi: LineFunction,
  f0: number,
  dg0: number,
  stp0: number,
  o: LineSearchOptions,
): LineSearchResult {
  const XTRAPL = 1.1;
  const XTRAPU = 4.0;
  if (!(dg0 < 0)) throw new RangeError(`line search needs a descent direction, got f'(0) = ${dg0}`);
  const gtest = o.ftol * dg0;
  let width = o.stpmax - o.stpmin;
  let width1 = 2 * width;
  const b: Bracket = { stx: 0, fx: f0, dx: dg0, sty: 0, fy: f0, dy: dg0, brackt: false };
  let stage = 1;
  let stmin = 0;
  let stmax = stp0 + XTRAPU * stp0;
  let stp = stp0;
  for (let evaluations = 1; ; evaluations++) {
    const { f, dg } = phi(stp);
    const ftest = f0 + stp * gtest;
    if (stage === 1 && f <= ftest && dg >= 0) stage = 2;
    if (f <= ftest && Math.abs(dg) <= o.gtol * -dg0) return { status: "converged", stp, f, evaluations };
    if (b.brackt && (stp <= stmin || stp >= stmax)) return { status: "warning", stp, f, evaluations };
    if (b.brackt && stmax - stmin <= o.xtol * stmax) return { status: "warning", stp, f, evaluations };
    if (stp === o.stpmax && f <= ftest && dg <= gtest) return { status: "warning", stp, f, evaluations };
    if (stp === o.stpmin && (f > ftest || dg >= gtest)) return { status: "warning", stp, f, evaluations };
    if (evaluations >= o.maxEvaluations) return { status: "failed", stp, f, evaluations };

    if (stage === 1 && f <= b.fx && f > ftest) {
      // Work on the modified function psi(stp) = f(stp) - f0 - ftol*stp*f'(0) until it is <= 0.
      const m: Bracket = {
        stx: b.stx,
        fx: b.fx - b.stx * gtest,
        dx: b.dx - gtest,
        sty: b.sty,
        fy: b.fy - b.sty * gtest,
        dy: b.dy - gtest,
        brackt: b.brackt,
      };
      stp = nextStep(m, stp, f - stp * gtest, dg - gtest, stmin, stmax);
      b.stx = m.stx;
      b.sty = m.sty;
      b.brackt = m.brackt;
      b.fx = m.fx + m.stx * gtest;
      b.fy = m.fy + m.sty * gtest;
      b.dx = m.dx + gtest;
      b.dy = m.dy + gtest;
    } else {
      stp = nextStep(b, stp, f, dg, stmin, stmax);
    }
    if (b.brackt) {
      if (Math.abs(b.sty - b.stx) >= 0.66 * width1) stp = b.stx + 0.5 * (b.sty - b.stx);
      width1 = width;
      width = Math.abs(b.sty - b.stx);
      stmin = Math.min(b.stx, b.sty);
      stmax = Math.max(b.stx, b.sty);
    } else {
      stmin = stp + XTRAPL * (stp - b.stx);
      stmax = stp + XTRAPU * (stp - b.stx);
    }
    stp = Math.max(o.stpmin, Math.min(o.stpmax, stp));
    if ((b.brackt && (stp <= stmin || stp >= stmax)) || (b.brackt && stmax - stmin <= o.xtol * stmax)) stp = b.stx;
  }
}
