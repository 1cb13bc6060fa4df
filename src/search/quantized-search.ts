/**
 * L4: exact search over quantized vectors, with optional rescoring, as sentence-transformers'
 * `semantic_search_usearch` / `semantic_search_faiss` do with `rescore=True`:
 *
 * 1. the float32 query is quantized like the corpus (same ranges for int8/uint8);
 * 2. the first pass ranks the whole corpus by the quantized score (agreeing bits, i.e.
 *    dim - Hamming distance, for binary/ubinary; the integer dot product for int8/uint8);
 * 3. with rescoring, the best `rescoreMultiplier × topK` candidates are rescored with the
 *    float32 query: `query · bits` (0/1) for binary/ubinary, `query · dequantized values`
 *    (`q × step + min`) for int8/uint8, and the best `topK` of them are returned.
 *
 * Ties keep the lower row index first. Hit ids are row indices into `corpus.rows`.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import {
  checkRanges,
  dequantizeRow,
  scalarSteps,
  quantizedLength,
  quantizeEmbeddings,
  unpackSignBits,
  type Precision,
  type QuantizationRanges,
  type RangesInput,
  type QuantizedRow,
} from "../pooling/quantize.js";
import { hammingDistance } from "./hamming-distance.js";
import type { Hit } from "./hit.js";
import { floatIntegerDot, integerDot } from "./integer-dot.js";

/** sentence-transformers' recommended oversampling for binary retrieval with rescoring. */
export const DEFAULT_RESCORE_MULTIPLIER = 4;

/** A corpus of vectors stored at one precision (rows as quantizeEmbeddings returns them). */
export interface QuantizedCorpus<P extends Precision = Precision> {
  /** The precision every row is stored at. */
  readonly precision: P;
  /** The vectors' dimension before quantization (bits for binary/ubinary). */
  readonly dim: number;
  /** The stored rows, one per document; hit ids are indices into this list. */
  readonly rows: readonly QuantizedRow<P>[];
  /** The ranges the int8/uint8 rows were quantized with; the query is quantized with them too. */
  readonly ranges?: RangesInput;
}

/** What {@link quantizedSearch} searches: a float32 query over a quantized corpus, and how many hits. */
export interface QuantizedSearchOptions {
  /** The query at float32, post-processed like the corpus was before quantization. */
  readonly query: ArrayLike<number>;
  /** The quantized rows to search. */
  readonly corpus: QuantizedCorpus;
  /** Hits to return. */
  readonly topK: number;
  /** Rescore the first pass's candidates with the float32 query. Default true (ignored for a float32 corpus). */
  readonly rescore?: boolean;
  /** Candidates per returned hit for rescoring. Default {@link DEFAULT_RESCORE_MULTIPLIER}. */
  readonly rescoreMultiplier?: number;
}

function positiveInt(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must be a positive integer, got ${JSON.stringify(value)}`,
      { field, value, min: 1 },
    );
  }
  return value;
}

/**
 * Searches a quantized corpus with a float32 query; see the module comment for the scores.
 * Throws `invalid_option` for a bad topK or multiplier, a query of another dimension, or an
 * int8/uint8 corpus without its ranges.
 */
export function quantizedSearch(options: QuantizedSearchOptions): Hit[] {
  const { query, corpus } = options;
  const topK = positiveInt("topK", options.topK);
  const multiplier = positiveInt("rescoreMultiplier", options.rescoreMultiplier ?? DEFAULT_RESCORE_MULTIPLIER);
  const { precision, dim, rows } = corpus;
  if (query.length !== dim) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `the query has ${query.length} dimensions; the corpus has ${dim}`,
      { field: "query", dimensions: query.length, expected: dim },
    );
  }
  const rowLength = quantizedLength(precision, dim);
  rows.forEach((r, i) => {
    if (r.length !== rowLength) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `corpus row ${i} has ${r.length} values; ${precision} rows of ${dim} dimensions have ${rowLength}`,
        { field: `corpus.rows[${i}]`, length: r.length, expected: rowLength },
      );
    }
  });
  if (rows.length === 0) return [];
  const ranges = precision === "int8" || precision === "uint8" ? corpusRanges(corpus) : undefined;
  const rescore = (options.rescore ?? true) && precision !== "float32";
  const k = Math.min(rows.length, rescore ? topK * multiplier : topK);
  const first = firstPass(query, corpus, k, ranges);
  if (!rescore) return first.slice(0, topK);
  const steps = ranges ? scalarSteps(ranges) : undefined;
  const rescored = first.map((h) => {
    const i = h.id as number;
    return { id: i, score: rescoreRow(query, rows[i]!, precision, dim, ranges, steps) };
  });
  return sortHits(rescored).slice(0, topK);
}

/**
 * The float32 query's score against one stored row: `query · bits` (0/1) for binary/ubinary,
 * `query · dequantized row` for int8/uint8 (needs the corpus `ranges`), `query · row` for float32.
 */
export function rescoreRow(
  query: ArrayLike<number>,
  row: Int8Array | Uint8Array | Float32Array,
  precision: Precision,
  dim: number,
  ranges?: QuantizationRanges,
  steps?: Float32Array,
): number {
  if (precision === "binary" || precision === "ubinary") {
    return floatIntegerDot(query, unpackSignBits(row as Int8Array | Uint8Array, dim, precision));
  }
  let values: ArrayLike<number> = row;
  if (precision === "int8" || precision === "uint8") {
    if (ranges === undefined) throw missingRanges(precision);
    values = dequantizeRow(row as Int8Array | Uint8Array, precision, ranges, steps);
  }
  let s = 0;
  for (let i = 0; i < dim; i++) s += query[i]! * values[i]!;
  return s;
}

function missingRanges(precision: Precision): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `an ${precision} corpus needs the ranges its rows were quantized with (corpus.ranges), to quantize the query`,
    { field: "corpus.ranges", precision },
  );
}

function corpusRanges(corpus: QuantizedCorpus): QuantizationRanges {
  if (corpus.ranges === undefined) throw missingRanges(corpus.precision);
  return checkRanges(corpus.ranges, corpus.dim, "corpus.ranges");
}

function firstPass(
  query: ArrayLike<number>,
  corpus: QuantizedCorpus,
  k: number,
  ranges: QuantizationRanges | undefined,
): Hit[] {
  const { precision, dim, rows } = corpus;
  if (precision === "binary" || precision === "ubinary") {
    const q = quantizeEmbeddings([query], precision)[0]!;
    return topByHamming(
      rows.map((r) => hammingDistance(q, r as Int8Array | Uint8Array)),
      dim,
      k,
    );
  }
  if (precision === "float32") {
    return topHits(
      rows.map((r) => rescoreRow(query, r, precision, dim)),
      k,
    );
  }
  const q = quantizeEmbeddings([query], precision, { ranges: ranges! })[0]!;
  return topHits(
    rows.map((r) => integerDot(q, r as Int8Array | Uint8Array)),
    k,
  );
}

/** The k rows of smallest Hamming distance (0..bits), lower index first on ties, by counting: O(n + bits). */
function topByHamming(distances: readonly number[], bits: number, k: number): Hit[] {
  const counts = new Uint32Array(bits + 2);
  for (const d of distances) counts[d + 1]!++;
  // the largest distance kept, and how many rows at that distance are kept
  let kept = 0;
  let cut = 0;
  while (cut <= bits && kept + counts[cut + 1]! < k) kept += counts[++cut]!;
  let atCut = k - kept;
  const out: { id: number; score: number }[] = [];
  distances.forEach((d, i) => {
    if (d < cut || (d === cut && atCut-- > 0)) out.push({ id: i, score: bits - d });
  });
  return sortHits(out);
}

function topHits(scores: readonly number[], k: number): Hit[] {
  return sortHits(scores.map((score, id) => ({ id, score }))).slice(0, k);
}

function sortHits(hits: { id: number; score: number }[]): Hit[] {
  return hits.sort((a, b) => b.score - a.score || a.id - b.id);
}
