import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { minimizeLbfgs } from "../../src/eval/learn/lbfgs.js";
import { fitLogisticRegression, toMatrix } from "../../src/eval/learn/logistic-regression.js";
import { miniBatchKMeans } from "../../src/eval/learn/mini-batch-k-means.js";
import { legacyShuffle, Mt19937 } from "../../src/eval/random/mt19937.js";

describe("Mt19937 (numpy's legacy RandomState stream)", () => {
  it("reproduces numpy: seed(42); rand() and permutation(10)", () => {
    // numpy: np.random.seed(42); np.random.rand() -> 0.3745401188473625
    assert.equal(new Mt19937(42).nextDouble(), 0.3745401188473625);
    // numpy: np.random.seed(42); np.random.permutation(10) -> [8 1 5 0 7 2 9 4 3 6]
    const p = legacyShuffle(
      new Mt19937(42),
      Array.from({ length: 10 }, (_, i) => i),
    );
    assert.deepEqual(p, [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  });
  it("is deterministic and draws bounded integers", () => {
    const a = new Mt19937(7);
    const b = new Mt19937(7);
    for (let i = 0; i < 100; i++) {
      const v = a.interval(76);
      assert.equal(v, b.interval(76));
      assert.ok(v >= 0 && v <= 76);
    }
  });
});

describe("L-BFGS", () => {
  it("minimizes the Rosenbrock function", () => {
    const r = minimizeLbfgs(
      (x, g) => {
        const a = x[0] as number;
        const b = x[1] as number;
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { maxIter: 200, gtol: 1e-8 },
    );
    assert.ok(Math.abs((r.x[0] as number) - 1) < 1e-5 && Math.abs((r.x[1] as number) - 1) < 1e-5, `${r.x}`);
  });
});

// 12 points, 2 features, 3 classes (not separable by a wide margin).
const X = [
  [0, 1],
  [1, 1.5],
  [0.5, 2],
  [3, 0],
  [4, 1],
  [3.5, -0.5],
  [-2, -2],
  [-3, -1],
  [-2.5, -3],
  [1, -1],
  [-1, 2.5],
  [2, 2],
];
const y = [0, 0, 0, 1, 1, 1, 2, 2, 2, 1, 0, 1];

describe("logistic regression", () => {
  it("separates a separable problem", () => {
    const m = fitLogisticRegression(toMatrix([[-2], [-1.5], [-1], [1], [1.5], [2]]), [
      "neg",
      "neg",
      "neg",
      "pos",
      "pos",
      "pos",
    ]);
    assert.deepEqual(m.classes, ["neg", "pos"]);
    assert.deepEqual(m.predict(toMatrix([[-3], [-0.5], [0.5], [3]])), ["neg", "neg", "pos", "pos"]);
  });

  it("reaches sklearn's multinomial solution (C=1, L2, fit_intercept)", () => {
    // sklearn LogisticRegression(tol=1e-10, max_iter=10000).fit(X, y): the converged optimum.
    const coef = [
      [-0.2557725714035194, 0.7587224435532693],
      [1.0299027921615267, -0.24251392886970552],
      [-0.7741302207580066, -0.5162085146835639],
    ];
    const intercept = [0.4426666745123836, 0.06505207972137007, -0.5077187542337528];
    const m = fitLogisticRegression(toMatrix(X), y, { tol: 1e-10, maxIter: 10000 });
    coef.flat().forEach((c, i) => assert.ok(Math.abs((m.coef[i] as number) - c) < 1e-6, `coef ${i}`));
    intercept.forEach((c, i) => assert.ok(Math.abs((m.intercept[i] as number) - c) < 1e-6, `intercept ${i}`));
  });

  it("stops where sklearn <= 1.3 stops with its defaults (tol 1e-4 on the summed objective)", () => {
    // sklearn 1.9 LogisticRegression(tol=1e-4 / 12) reproduces the older summed-objective stopping
    // test: n_iter_ = 14 and these coefficients.
    const coef = [
      [-0.2557723877920617, 0.7587303878924158],
      [1.0298883598520374, -0.2425057280818886],
      [-0.774115972059974, -0.5162246598105266],
    ];
    const m = fitLogisticRegression(toMatrix(X), y);
    assert.equal(m.optimizer.iterations, 14);
    coef.flat().forEach((c, i) => assert.ok(Math.abs((m.coef[i] as number) - c) < 1e-9, `coef ${i}`));
  });

  it("fits a binomial model for two classes, as sklearn does", () => {
    // sklearn: LogisticRegression(tol=1e-4 / 12).fit(X, y == 1) -> coef, intercept, n_iter_ 11
    const m = fitLogisticRegression(
      toMatrix(X),
      y.map((v) => (v === 1 ? 1 : 0)),
    );
    assert.equal(m.coef.length, 2);
    assert.ok(Math.abs((m.coef[0] as number) - 1.3091006058272772) < 1e-9);
    assert.ok(Math.abs((m.coef[1] as number) - -0.47003305358777364) < 1e-9);
    assert.ok(Math.abs((m.intercept[0] as number) - -1.1780061999755165) < 1e-9);
    assert.equal(m.optimizer.iterations, 11);
  });
});

describe("mini-batch k-means", () => {
  // Three tight, far-apart blobs of 40 points each.
  const rng = new Mt19937(1);
  const centers = [
    [0, 0],
    [10, 10],
    [-10, 10],
  ];
  const points: number[][] = [];
  const truth: number[] = [];
  centers.forEach((c, k) => {
    for (let i = 0; i < 40; i++) {
      points.push([(c[0] as number) + rng.nextDouble() - 0.5, (c[1] as number) + rng.nextDouble() - 0.5]);
      truth.push(k);
    }
  });

  it("recovers well-separated clusters", () => {
    const { labels } = miniBatchKMeans(toMatrix(points), 3, { batchSize: 32, seed: 42 });
    const mapping = new Map<number, number>();
    truth.forEach((t, i) => {
      const l = labels[i] as number;
      if (!mapping.has(l)) mapping.set(l, t);
      assert.equal(mapping.get(l), t, `point ${i}`);
    });
    assert.equal(mapping.size, 3);
  });

  it("is deterministic for a seed", () => {
    const a = miniBatchKMeans(toMatrix(points), 4, { batchSize: 16, seed: 3 });
    const b = miniBatchKMeans(toMatrix(points), 4, { batchSize: 16, seed: 3 });
    assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
    assert.deepEqual(Array.from(a.centers), Array.from(b.centers));
  });
});
