/**
 * Synthetic vectors for speed at scale: clustered Gaussian (1000 unit-length centres, each point
 * a centre plus N(0, 0.05^2) per coordinate, so the noise has about the centre's length), every
 * row normalized. Queries are held-out points: indexed rows perturbed by N(0, 0.02^2) noise and
 * renormalized (the perturbed copies are not indexed). Seeded, so every run sees the same data.
 */
import { seededRng, type Rng } from "../lib/rng.js";
import type { VectorSet } from "./candidate.js";

function gaussian(rng: Rng): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = rng() || 1e-12;
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function normalizeRow(a: Float32Array, off: number, dim: number): void {
  let s = 0;
  for (let j = 0; j < dim; j++) s += a[off + j]! * a[off + j]!;
  const inv = 1 / Math.sqrt(s || 1);
  for (let j = 0; j < dim; j++) a[off + j]! *= inv;
}

export function syntheticVectors(opts: { n: number; nq: number; dim: number; seed?: number }): {
  docs: VectorSet;
  queries: VectorSet;
  source: string;
} {
  const { n, nq, dim } = opts;
  const rng = seededRng(opts.seed ?? 1234);
  const g = gaussian(rng);
  const clusters = 1000;
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = g();
  for (let c = 0; c < clusters; c++) normalizeRow(centres, c * dim, dim);
  const docs = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng() * clusters) * dim;
    for (let j = 0; j < dim; j++) docs[i * dim + j] = centres[c + j]! + 0.05 * g();
    normalizeRow(docs, i * dim, dim);
  }
  const queries = new Float32Array(nq * dim);
  for (let q = 0; q < nq; q++) {
    const d = Math.floor(rng() * n) * dim;
    for (let j = 0; j < dim; j++) queries[q * dim + j] = docs[d + j]! + 0.02 * g();
    normalizeRow(queries, q * dim, dim);
  }
  return {
    docs: { data: docs, count: n, dim },
    queries: { data: queries, count: nq, dim },
    source: `${n} synthetic vectors (${clusters} Gaussian clusters, ${dim}-d, normalized); ${nq} perturbed held-out queries`,
  };
}
