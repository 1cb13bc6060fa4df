/**
 * L4: mini-batch k-means (D. Sculley, "Web-scale k-means clustering", WWW 2010), shaped after
 * sklearn's MiniBatchKMeans that MTEB's clustering evaluator runs (batch_size 500, max_iter 100,
 * k-means++ init). Deterministic for a given seed. What it shares with sklearn:
 *   - init: greedy k-means++ (2 + floor(ln k) candidates per centre, the one that lowers the
 *     potential most) on a random subsample of init_size = 3 * batch_size points (at least k),
 *     repeated nInit times, keeping the init with the lowest inertia on that subsample;
 *   - (max_iter * n) / batch_size steps, each on batch_size points drawn with replacement, moving
 *     each centre to the running mean of all points ever assigned to it;
 *   - early stop when the exponentially weighted batch inertia has not improved for 10 steps;
 *   - final labels: nearest centre for every point.
 * What differs: the random stream (sklearn's exact draws are not reproduced) and sklearn's random
 * reassignment of nearly empty centres is not done, so labels match sklearn's in distribution,
 * not bit for bit.
 */
import { Mt19937 } from "../random/mt19937.js";
import type { Matrix } from "./matrix.js";

export interface MiniBatchKMeansOptions {
  readonly batchSize?: number;
  readonly maxIter?: number;
  readonly nInit?: number;
  readonly seed?: number;
  readonly maxNoImprovement?: number;
}

export interface KMeansResult {
  readonly labels: Int32Array;
  /** Row-major [k, cols]. */
  readonly centers: Float64Array;
  readonly inertia: number;
  readonly steps: number;
}

function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = (a[ao + j] as number) - (b[bo + j] as number);
    s += t * t;
  }
  return s;
}

/** Nearest centre of row `ro` of X, and its squared distance. */
function nearest(X: Matrix, ro: number, centers: Float64Array, k: number): { c: number; dist: number } {
  const d = X.cols;
  let best = 0;
  let bestDist = Infinity;
  for (let c = 0; c < k; c++) {
    const dist = sqDist(X.data, ro * d, centers, c * d, d);
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  return { c: best, dist: bestDist };
}

/** Greedy k-means++ on the rows `rows` of X. */
function kmeansPlusPlus(X: Matrix, rows: Int32Array, k: number, rng: Mt19937): Float64Array {
  const d = X.cols;
  const m = rows.length;
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rows[Math.floor(rng.nextDouble() * m)] as number;
  centers.set(X.data.subarray(first * d, first * d + d), 0);
  const closest = new Float64Array(m);
  let potential = 0;
  for (let i = 0; i < m; i++) {
    closest[i] = sqDist(X.data, (rows[i] as number) * d, centers, 0, d);
    potential += closest[i] as number;
  }
  const candidateDist = new Float64Array(m);
  const bestDist = new Float64Array(m);
  for (let c = 1; c < k; c++) {
    let bestCandidate = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      // Draw a row with probability proportional to its squared distance to the chosen centres.
      let target = rng.nextDouble() * potential;
      let pick = m - 1;
      for (let i = 0; i < m; i++) {
        target -= closest[i] as number;
        if (target < 0) {
          pick = i;
          break;
        }
      }
      const ro = (rows[pick] as number) * d;
      let pot = 0;
      for (let i = 0; i < m; i++) {
        const dist = Math.min(closest[i] as number, sqDist(X.data, (rows[i] as number) * d, X.data, ro, d));
        candidateDist[i] = dist;
        pot += dist;
      }
      if (pot < bestPotential) {
        bestPotential = pot;
        bestCandidate = pick;
        bestDist.set(candidateDist);
      }
    }
    const ro = (rows[bestCandidate] as number) * d;
    centers.set(X.data.subarray(ro, ro + d), c * d);
    closest.set(bestDist);
    potential = bestPotential;
  }
  return centers;
}

export function miniBatchKMeans(X: Matrix, k: number, options: MiniBatchKMeansOptions = {}): KMeansResult {
  const n = X.rows;
  const d = X.cols;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be from 1 to ${n} (rows), got ${k}`);
  const batchSize = Math.min(options.batchSize ?? 500, n);
  const maxIter = options.maxIter ?? 100;
  const nInit = options.nInit ?? 3;
  const maxNoImprovement = options.maxNoImprovement ?? 10;
  const rng = new Mt19937(options.seed ?? 42);

  // Initialization on a subsample, best of nInit.
  const initSize = Math.min(n, Math.max(3 * batchSize, 3 * k));
  let centers: Float64Array = new Float64Array(0);
  let bestInertia = Infinity;
  for (let run = 0; run < nInit; run++) {
    const rows = Int32Array.from({ length: initSize }, () => Math.floor(rng.nextDouble() * n));
    const candidate = kmeansPlusPlus(X, rows, k, rng);
    let inertia = 0;
    for (const r of rows) inertia += nearest(X, r, candidate, k).dist;
    if (inertia < bestInertia) {
      bestInertia = inertia;
      centers = candidate;
    }
  }

  const counts = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const assigned = new Int32Array(batchSize);
  const batch = new Int32Array(batchSize);
  const totalSteps = Math.floor((maxIter * n) / batchSize);
  const alpha = Math.min(1, (2 * batchSize) / (n + 1));
  let ewa = -1;
  let ewaMin = Infinity;
  let noImprovement = 0;
  let steps = 0;
  for (; steps < totalSteps; steps++) {
    let batchInertia = 0;
    for (let b = 0; b < batchSize; b++) {
      const r = Math.floor(rng.nextDouble() * n);
      batch[b] = r;
      const { c, dist } = nearest(X, r, centers, k);
      assigned[b] = c;
      batchInertia += dist;
    }
    sums.fill(0);
    const batchCounts = new Float64Array(k);
    for (let b = 0; b < batchSize; b++) {
      const c = assigned[b] as number;
      const ro = (batch[b] as number) * d;
      batchCounts[c] = (batchCounts[c] as number) + 1;
      for (let j = 0; j < d; j++) sums[c * d + j] = (sums[c * d + j] as number) + (X.data[ro + j] as number);
    }
    for (let c = 0; c < k; c++) {
      const add = batchCounts[c] as number;
      if (add === 0) continue;
      const old = counts[c] as number;
      const total = old + add;
      for (let j = 0; j < d; j++) {
        const o = c * d + j;
        centers[o] = ((centers[o] as number) * old + (sums[o] as number)) / total;
      }
      counts[c] = total;
    }
    const mean = batchInertia / batchSize;
    ewa = ewa < 0 ? mean : ewa * (1 - alpha) + mean * alpha;
    if (ewa < ewaMin) {
      ewaMin = ewa;
      noImprovement = 0;
    } else if (++noImprovement >= maxNoImprovement) {
      steps++;
      break;
    }
  }

  const labels = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const { c, dist } = nearest(X, i, centers, k);
    labels[i] = c;
    inertia += dist;
  }
  return { labels, centers, inertia, steps };
}
