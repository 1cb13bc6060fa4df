/** The candidates of the index bench, in report order (exact search first: the reference). */
import type { Candidate } from "../candidate.js";
import { embedkitBinary, embedkitHnsw, embedkitIvfPq } from "./embedkit.js";
import { exact } from "./exact.js";
import { lancedbCandidate, lancedbHnswCandidate } from "./lancedb.js";
import { oramaCandidate } from "./orama.js";
import { pgliteCandidate } from "./pglite.js";
import { usearchCandidate } from "./usearch.js";

/** The libraries compared by bench/index-candidates.ts (its default list). */
export const CANDIDATES: readonly Candidate[] = [
  exact,
  usearchCandidate,
  lancedbCandidate,
  pgliteCandidate,
  oramaCandidate,
];

/** bench/index-scale.ts's peers: embedkit's own index path next to LanceDB used directly, usearch and exact search. */
export const SCALE_CANDIDATES: readonly Candidate[] = [
  exact,
  embedkitHnsw,
  embedkitIvfPq,
  embedkitBinary,
  lancedbHnswCandidate,
  lancedbCandidate,
  usearchCandidate,
];

export function candidateNamed(name: string): Candidate {
  const all = [...CANDIDATES, ...SCALE_CANDIDATES.filter((c) => !CANDIDATES.includes(c))];
  const c = all.find((x) => x.name === name);
  if (c === undefined) throw new Error(`unknown candidate "${name}"; known: ${all.map((x) => x.name).join(", ")}`);
  return c;
}
