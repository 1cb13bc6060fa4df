import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { averagePrecision } from "../../src/eval/metrics/average-precision.js";
import { bestAccuracyThreshold, bestF1Threshold } from "../../src/eval/metrics/best-threshold.js";
import { accuracy, f1Scores } from "../../src/eval/metrics/classification-metrics.js";
import { vMeasure } from "../../src/eval/metrics/v-measure.js";

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

describe("average precision (sklearn's definition)", () => {
  it("averages precision at each relevant rank", () => {
    // relevant at ranks 1 and 3: (1 + 2/3) / 2
    close(averagePrecision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6]), (1 + 2 / 3) / 2);
  });
  it("takes tied scores together, whatever their order", () => {
    // threshold 0.5 admits one relevant and one not: recall .5 at precision .5;
    // threshold 0.2 adds the second relevant: recall 1 at precision 2/3.
    const expected = 0.5 * 0.5 + 0.5 * (2 / 3);
    close(averagePrecision([true, false, true], [0.5, 0.5, 0.2]), expected);
    close(averagePrecision([false, true, true], [0.5, 0.5, 0.2]), expected);
  });
  it("is 0 without positives", () => {
    assert.equal(averagePrecision([0, 0], [0.3, 0.1]), 0);
  });
});

describe("best accuracy / F1 threshold (MTEB pair classification)", () => {
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5];
  const labels = [1, 1, 0, 1, 0];
  it("finds the best accuracy and the midpoint threshold", () => {
    // cut after 2 pairs: 2 positives right + 2 negatives right = 4/5
    assert.deepEqual(bestAccuracyThreshold(scores, labels), { accuracy: 0.8, threshold: (0.8 + 0.7) / 2 });
  });
  it("finds the best F1", () => {
    // cut after 4 pairs: precision 3/4, recall 1, F1 = 6/7
    const r = bestF1Threshold(scores, labels);
    close(r.f1, 6 / 7);
    assert.equal(r.precision, 0.75);
    assert.equal(r.recall, 1);
    close(r.threshold, 0.55);
  });
  it("handles distances (lower = more similar)", () => {
    const distances = scores.map((s) => 1 - s);
    const r = bestAccuracyThreshold(distances, labels, false);
    assert.equal(r.accuracy, 0.8);
    close(r.threshold, 1 - 0.75);
  });
});

describe("accuracy and F1", () => {
  const truth = ["a", "a", "b", "b", "c"];
  const pred = ["a", "b", "b", "b", "a"];
  it("accuracy", () => assert.equal(accuracy(truth, pred), 3 / 5));
  it("macro and weighted F1", () => {
    // a: tp1 fp1 fn1 -> 1/2; b: tp2 fp1 fn0 -> 4/5; c: tp0 fp0 fn1 -> 0
    const f = f1Scores(truth, pred);
    close(f.macro, (0.5 + 0.8 + 0) / 3);
    close(f.weighted, (0.5 * 2 + 0.8 * 2 + 0 * 1) / 5);
  });
});

describe("V-measure", () => {
  it("is 1 for a perfect clustering under any naming, 0 for an independent one", () => {
    assert.equal(vMeasure([0, 0, 1, 1], ["x", "x", "y", "y"]).vMeasure, 1);
    assert.equal(vMeasure([0, 0, 1, 1], [0, 1, 0, 1]).vMeasure, 0);
  });
  it("one cluster for everything: homogeneity 0, completeness 1", () => {
    const r = vMeasure(["a", "a", "b", "b"], [0, 0, 0, 0]);
    assert.equal(r.homogeneity, 0);
    assert.equal(r.completeness, 1);
    assert.equal(r.vMeasure, 0);
  });
  it("matches the entropy formulas on a split clustering", () => {
    // classes a,a,a,b,b,b; clusters 1,1,2,2,3,3: H(C) = ln 2, H(K) = ln 3, I(C;K) = (2/3) ln 2
    const h = 2 / 3;
    const c = ((2 / 3) * Math.LN2) / Math.log(3);
    const r = vMeasure(["a", "a", "a", "b", "b", "b"], [1, 1, 2, 2, 3, 3]);
    close(r.homogeneity, h);
    close(r.completeness, c);
    close(r.vMeasure, (2 * h * c) / (h + c));
  });
});
