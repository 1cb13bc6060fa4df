/**
 * L4: the two products logistic regression spends its time in, written for V8: scores X W^T
 * and the gradient R^T X, blocked 4 x 4 so that each loaded value serves four multiply-adds.
 * Weight rows hold d weights followed by an intercept.
 */
import type { Matrix } from "./matrix.js";

/**
 * Scores of the rows of X against the k weight rows of w (each of d weights followed by an
 * intercept), written to out[i * k + c]. Blocked 4 rows x 4 classes so that each loaded value
 * serves four multiply-adds.
 */
export function linearScores(X: Matrix, w: Float64Array, k: number, out: Float64Array): void {
  const d = X.cols;
  const n = X.rows;
  const stride = d + 1;
  const x = X.data;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = i * d;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const a3 = a2 + d;
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      const b0 = c * stride;
      const b1 = b0 + stride;
      const b2 = b1 + stride;
      const b3 = b2 + stride;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0;
      let s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0;
      let s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let j = 0; j < d; j++) {
        const x0 = x[a0 + j] as number;
        const x1 = x[a1 + j] as number;
        const x2 = x[a2 + j] as number;
        const x3 = x[a3 + j] as number;
        const w0 = w[b0 + j] as number;
        const w1 = w[b1 + j] as number;
        const w2 = w[b2 + j] as number;
        const w3 = w[b3 + j] as number;
        s00 += x0 * w0;
        s01 += x0 * w1;
        s02 += x0 * w2;
        s03 += x0 * w3;
        s10 += x1 * w0;
        s11 += x1 * w1;
        s12 += x1 * w2;
        s13 += x1 * w3;
        s20 += x2 * w0;
        s21 += x2 * w1;
        s22 += x2 * w2;
        s23 += x2 * w3;
        s30 += x3 * w0;
        s31 += x3 * w1;
        s32 += x3 * w2;
        s33 += x3 * w3;
      }
      const i0 = w[b0 + d] as number;
      const i1 = w[b1 + d] as number;
      const i2 = w[b2 + d] as number;
      const i3 = w[b3 + d] as number;
      let o = i * k + c;
      out[o] = s00 + i0;
      out[o + 1] = s01 + i1;
      out[o + 2] = s02 + i2;
      out[o + 3] = s03 + i3;
      o += k;
      out[o] = s10 + i0;
      out[o + 1] = s11 + i1;
      out[o + 2] = s12 + i2;
      out[o + 3] = s13 + i3;
      o += k;
      out[o] = s20 + i0;
      out[o + 1] = s21 + i1;
      out[o + 2] = s22 + i2;
      out[o + 3] = s23 + i3;
      o += k;
      out[o] = s30 + i0;
      out[o + 1] = s31 + i1;
      out[o + 2] = s32 + i2;
      out[o + 3] = s33 + i3;
    }
    for (; c < k; c++) for (let r = i; r < i + 4; r++) out[r * k + c] = rowScore(x, r * d, w, c * stride, d);
  }
  for (; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] = rowScore(x, i * d, w, c * stride, d);
}

function rowScore(x: Float64Array, xo: number, w: Float64Array, wo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += (x[xo + j] as number) * (w[wo + j] as number);
  return s + (w[wo + d] as number);
}

/** grad[c] += sum_i r[i, c] * [x_i, 1], blocked 4 classes x 4 rows. */
export function accumulateGradient(X: Matrix, r: Float64Array, k: number, grad: Float64Array): void {
  const d = X.cols;
  const n = X.rows;
  const stride = d + 1;
  const x = X.data;
  let c = 0;
  for (; c + 4 <= k; c += 4) {
    const b0 = c * stride;
    const b1 = b0 + stride;
    const b2 = b1 + stride;
    const b3 = b2 + stride;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const a0 = i * d;
      const a1 = a0 + d;
      const a2 = a1 + d;
      const a3 = a2 + d;
      const q0 = i * k + c;
      const q1 = q0 + k;
      const q2 = q1 + k;
      const q3 = q2 + k;
      const r00 = r[q0] as number,
        r01 = r[q0 + 1] as number,
        r02 = r[q0 + 2] as number,
        r03 = r[q0 + 3] as number;
      const r10 = r[q1] as number,
        r11 = r[q1 + 1] as number,
        r12 = r[q1 + 2] as number,
        r13 = r[q1 + 3] as number;
      const r20 = r[q2] as number,
        r21 = r[q2 + 1] as number,
        r22 = r[q2 + 2] as number,
        r23 = r[q2 + 3] as number;
      const r30 = r[q3] as number,
        r31 = r[q3 + 1] as number,
        r32 = r[q3 + 2] as number,
        r33 = r[q3 + 3] as number;
      for (let j = 0; j < d; j++) {
        const x0 = x[a0 + j] as number;
        const x1 = x[a1 + j] as number;
        const x2 = x[a2 + j] as number;
        const x3 = x[a3 + j] as number;
        grad[b0 + j] = (grad[b0 + j] as number) + r00 * x0 + r10 * x1 + r20 * x2 + r30 * x3;
        grad[b1 + j] = (grad[b1 + j] as number) + r01 * x0 + r11 * x1 + r21 * x2 + r31 * x3;
        grad[b2 + j] = (grad[b2 + j] as number) + r02 * x0 + r12 * x1 + r22 * x2 + r32 * x3;
        grad[b3 + j] = (grad[b3 + j] as number) + r03 * x0 + r13 * x1 + r23 * x2 + r33 * x3;
      }
    }
    for (; i < n; i++)
      for (let cc = c; cc < c + 4; cc++) addRow(x, i * d, r[i * k + cc] as number, grad, cc * stride, d);
  }
  for (; c < k; c++) for (let i = 0; i < n; i++) addRow(x, i * d, r[i * k + c] as number, grad, c * stride, d);
  // Intercept gradients.
  for (let cc = 0; cc < k; cc++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += r[i * k + cc] as number;
    grad[cc * stride + d] = (grad[cc * stride + d] as number) + s;
  }
}

function addRow(x: Float64Array, xo: number, rv: number, grad: Float64Array, go: number, d: number): void {
  for (let j = 0; j < d; j++) grad[go + j] = (grad[go + j] as number) + rv * (x[xo + j] as number);
}
