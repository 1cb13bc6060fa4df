import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { averageRanks, pearson, spearman } from "../../src/eval/metrics/correlation.js";
import {
  cosine,
  pairedCosine,
  pairedDot,
  pairedEuclideanSimilarity,
  pairedManhattanSimilarity,
} from "../../src/eval/metrics/paired-similarity.js";

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

describe("correlation metrics", () => {
  it("ranks ties by the average of the ranks they span", () => {
    assert.deepEqual(Array.from(averageRanks([10, 20, 10, 30, 20, 20])), [1.5, 4, 1.5, 6, 4, 4]);
  });

  it("computes Pearson's r by hand", () => {
    // a = [1,2,3], b = [2,4,7]: deviations (-1,0,1) and (-7/3,-1/3,8/3); sum of products 5,
    // sums of squares 2 and 114/9, so r = 5 / sqrt(2 * 114 / 9) = 15 / sqrt(228).
    close(pearson([1, 2, 3], [2, 4, 7]), 15 / Math.sqrt(228));
    close(pearson([1, 2, 3], [3, 2, 1]), -1);
  });

  it("computes Spearman's rho with ties as Pearson of average ranks", () => {
    // ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4): deviations (-1.5,0,0,1.5), (-1.5,.5,-.5,1.5);
    // r = 4.5 / sqrt(4.5 * 5) = sqrt(0.9).
    close(spearman([1, 2, 2, 3], [1, 3, 2, 4]), Math.sqrt(0.9));
    close(spearman([1, 2, 3, 4], [10, 20, 30, 1000]), 1);
  });

  it("is NaN for a constant side and rejects mismatched lengths", () => {
    assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
    assert.throws(() => spearman([1, 2], [1]), RangeError);
  });
});

describe("paired similarities", () => {
  const a = [Float32Array.from([1, 0]), Float32Array.from([1, 1])];
  const b = [Float32Array.from([0, 1]), Float32Array.from([2, 2])];
  it("cosine", () => {
    assert.deepEqual(
      Array.from(pairedCosine(a, b)).map((v) => Math.round(v * 1e12) / 1e12),
      [0, 1],
    );
    assert.equal(cosine([0, 0], [1, 1]), 0);
  });
  it("negated Manhattan and Euclidean distances, and dot", () => {
    assert.deepEqual(Array.from(pairedManhattanSimilarity(a, b)), [-2, -2]);
    close(pairedEuclideanSimilarity(a, b)[0] as number, -Math.SQRT2);
    close(pairedEuclideanSimilarity(a, b)[1] as number, -Math.SQRT2);
    assert.deepEqual(Array.from(pairedDot(a, b)), [0, 4]);
  });
});
