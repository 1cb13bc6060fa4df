/**
 * L3: FastEmbed's BM25 vectors from analyzed terms (model `Qdrant/bm25`, meant for a Qdrant sparse
 * vector with `modifier: "idf"`, which multiplies in the IDF at search time):
 *
 *   document: term id -> tf * (k + 1) / (tf + k * (1 - b + b * |d| / avgLen))
 *   query:    term id -> 1 for each distinct term
 *
 * where tf counts the term in the document and |d| is the document's number of terms after
 * stopwords. Term id: abs(murmur3_32(term)) (bm25-term-id).
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { bm25TermId } from "./murmur3.js";
import { sparseFromMap, type SparseVector } from "./sparse-vector.js";

export interface Bm25Parameters {
  /** Term-frequency saturation. FastEmbed: 1.2. */
  readonly k: number;
  /** Length normalization, 0..1. FastEmbed: 0.75. */
  readonly b: number;
  /** Average document length (in terms) the weights are normalized against. FastEmbed: 256. */
  readonly avgLen: number;
}

export const FASTEMBED_BM25_PARAMETERS: Bm25Parameters = { k: 1.2, b: 0.75, avgLen: 256 };

function invalid(field: string, range: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be ${range}, got ${String(value)}`, {
    field,
    range,
    value,
  });
}

/** Checks BM25 parameters; `names` maps each to the option name the caller used (e.g. k1). */
export function checkBm25Parameters(
  p: Partial<Bm25Parameters>,
  names: Partial<Record<keyof Bm25Parameters, string>> = {},
): void {
  if (p.k !== undefined && !(Number.isFinite(p.k) && p.k >= 0)) throw invalid(names.k ?? "k", "a number >= 0", p.k);
  if (p.b !== undefined && !(Number.isFinite(p.b) && p.b >= 0 && p.b <= 1))
    throw invalid(names.b ?? "b", "a number in [0, 1]", p.b);
  if (p.avgLen !== undefined && !(Number.isFinite(p.avgLen) && p.avgLen > 0))
    throw invalid(names.avgLen ?? "avgLen", "a number > 0", p.avgLen);
}

/** Counts each term: term -> occurrences, in first-seen order. */
export function termCounts(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

export function bm25DocumentVector(terms: readonly string[], p: Bm25Parameters): SparseVector {
  const norm = p.k * (1 - p.b + (p.b * terms.length) / p.avgLen);
  const counts = termCounts(terms);
  const ids = new Uint32Array(counts.size);
  const weights = new Map<number, number>();
  let i = 0;
  for (const [term, tf] of counts) {
    const id = bm25TermId(term);
    ids[i++] = id;
    // Two terms whose ids collide: the later one's weight wins, as in FastEmbed's dict.
    weights.set(id, (tf * (p.k + 1)) / (tf + norm));
  }
  if (weights.size === ids.length) {
    ids.sort();
    const values = new Float32Array(ids.length);
    for (let j = 0; j < ids.length; j++) values[j] = weights.get(ids[j]!)!;
    return { indices: ids, values };
  }
  return sparseFromMap(weights);
}

export function bm25QueryVector(terms: readonly string[]): SparseVector {
  const weights = new Map<number, number>();
  for (const term of terms) weights.set(bm25TermId(term), 1);
  return sparseFromMap(weights);
}
