/** The candidates of the index bench, in report order (exact search first: the reference). */
import type { Candidate } from "../candidate.js";
import { exact } from "./exact.js";
import { lancedbCandidate } from "./lancedb.js";
import { oramaCandidate } from "./orama.js";
import { pgliteCandidate } from "./pglite.js";
import { usearchCandidate } from "./usearch.js";

export const CANDIDATES: readonly Candidate[] = [
  exact,
  usearchCandidate,
  lancedbCandidate,
  pgliteCandidate,
  oramaCandidate,
];

export function candidateNamed(name: string): Candidate {
  const c = CANDIDATES.find((x) => x.name === name);
  if (c === undefined)
    throw new Error(`unknown candidate "${name}"; known: ${CANDIDATES.map((x) => x.name).join(", ")}`);
  return c;
}
