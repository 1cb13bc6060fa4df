/**
 * L3: Bm25Index, corpus-level BM25 for local search (no server): an inverted index over the same
 * FastEmbed-compatible English terms as SparseTextEmbedding's "bm25" model. A document's score
 * for a query is the sum over the query's distinct terms t of
 *
 *   idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl)),
 *   idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
 *
 * (Okapi's term-frequency part with Lucene's never-negative IDF), where avgdl is this corpus's
 * mean document length. That is the score Qdrant computes from FastEmbed's BM25 vectors with the
 * IDF modifier when `avgLen` is set to the corpus's mean length, and bm25s's
 * `BM25(method="atire", idf_method="lucene")` (golden test).
 */
import { EmbedkitError, ERROR_CODES, describeValue } from "../errors.js";
import { assertTextInput } from "../text-input.js";
import { Bm25Analyzer, type Bm25AnalyzerOptions } from "./bm25-analyzer.js";
import { checkBm25Parameters, termCounts } from "./bm25-vectors.js";

/** A document id in a {@link Bm25Index}: the id given to add(), or the document's position. */
export type DocumentId = string | number;

/** Options of a {@link Bm25Index}: the BM25 parameters and the analyzer. */
export interface Bm25IndexOptions extends Bm25AnalyzerOptions {
  /** Term-frequency saturation. Default 1.2. */
  readonly k1?: number;
  /** Length normalization, 0..1. Default 0.75. */
  readonly b?: number;
  /** Text -> terms. Default: the FastEmbed-compatible English analyzer (Bm25Analyzer). */
  readonly analyzer?: (text: string) => readonly string[];
}

/** One result of {@link Bm25Index.search}. */
export interface Bm25Hit {
  /** The document's id: the one given to add(), else its position. */
  readonly id: DocumentId;
  /** Position of the document in insertion order. */
  readonly index: number;
  /** The BM25 score (sum over the query's distinct terms); higher is better. */
  readonly score: number;
}

/** Options of {@link Bm25Index.search}. */
export interface Bm25SearchOptions {
  /** Hits returned at most. Default 10. */
  readonly topK?: number;
}

interface Postings {
  docs: number[];
  tfs: number[];
}

/**
 * An in-memory BM25 index for local search: add() documents (strings, id = position, or
 * `{ id, text }`), then search() a query for the best `topK` documents that share a term with it.
 */
export class Bm25Index {
  /** Term-frequency saturation in use. */
  readonly k1: number;
  /** Length normalization in use, 0..1. */
  readonly b: number;
  private readonly analyze: (text: string) => readonly string[];
  private readonly postings = new Map<string, Postings>();
  private readonly lengths: number[] = [];
  private readonly ids: DocumentId[] = [];
  private readonly idSet = new Set<DocumentId>();
  private totalLength = 0;

  constructor(options: Bm25IndexOptions = {}) {
    checkBm25Parameters({ k: options.k1, b: options.b }, { k: "k1" });
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    if (options.analyzer !== undefined) {
      if (typeof options.analyzer !== "function") {
        throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "analyzer must be a function (text) => terms", {
          field: "analyzer",
        });
      }
      this.analyze = options.analyzer;
    } else {
      const analyzer = new Bm25Analyzer(options);
      this.analyze = (text) => analyzer.analyze(text);
    }
  }

  /** Number of documents indexed. */
  get size(): number {
    return this.ids.length;
  }

  /** Mean document length in terms (0 when empty). */
  get averageLength(): number {
    return this.ids.length === 0 ? 0 : this.totalLength / this.ids.length;
  }

  /**
   * Adds documents: strings (their id is their position) or `{ id, text }`. Every document is
   * checked before any is added, so a bad one leaves the index as it was.
   */
  add(documents: readonly (string | { readonly id: DocumentId; readonly text: string })[]): void {
    if (!Array.isArray(documents)) {
      throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "documents must be an array", { field: "documents" });
    }
    const checked: { id: DocumentId; text: string }[] = [];
    const newIds = new Set<DocumentId>();
    documents.forEach((doc, i) => {
      const field = `documents[${i}]`;
      let id: DocumentId;
      let text: unknown;
      if (typeof doc === "string") {
        id = this.ids.length + i;
        text = doc;
      } else if (doc !== null && typeof doc === "object" && !Array.isArray(doc)) {
        const given = (doc as { id?: unknown }).id;
        if (!(typeof given === "string" || (typeof given === "number" && Number.isFinite(given)))) {
          throw new EmbedkitError(
            ERROR_CODES.INVALID_INPUT,
            `${field}.id must be a string or a finite number, got ${describeValue(given)}`,
            { field: `${field}.id` },
          );
        }
        id = given;
        text = (doc as { text?: unknown }).text;
        assertTextInput(text, `${field}.text`);
      } else {
        throw new EmbedkitError(
          ERROR_CODES.INVALID_INPUT,
          `${field} must be a string or { id, text }, got ${describeValue(doc)}`,
          { field },
        );
      }
      assertTextInput(text, field);
      if (this.idSet.has(id) || newIds.has(id)) {
        throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${field} has the id ${JSON.stringify(id)}, already used`, {
          field: `${field}.id`,
          id,
        });
      }
      newIds.add(id);
      checked.push({ id, text });
    });
    for (const { id, text } of checked) this.addTerms(id, this.analyze(text));
  }

  /** Scores of every document for `query`, in insertion order (0 for documents sharing no term). */
  scores(query: string): Float64Array {
    assertTextInput(query, "query");
    return this.scoreTerms(this.analyze(query));
  }

  /** The best `topK` documents sharing at least one term with the query, best first (ties: earlier first). */
  search(query: string, options: Bm25SearchOptions = {}): Bm25Hit[] {
    assertTextInput(query, "query");
    const topK = options.topK ?? 10;
    if (!Number.isInteger(topK) || topK < 1) {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `topK must be an integer >= 1, got ${String(topK)}`, {
        field: "topK",
        value: topK,
      });
    }
    const touched: number[] = [];
    const scores = this.scoreTerms(this.analyze(query), touched);
    return topDocuments(scores, touched, topK).map((d) => ({ id: this.ids[d]!, index: d, score: scores[d]! }));
  }

  private addTerms(id: DocumentId, terms: readonly string[]): void {
    const d = this.ids.length;
    this.ids.push(id);
    this.idSet.add(id);
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    for (const [term, tf] of termCounts(terms)) {
      let p = this.postings.get(term);
      if (!p) this.postings.set(term, (p = { docs: [], tfs: [] }));
      p.docs.push(d);
      p.tfs.push(tf);
    }
  }

  /** Scores every document; `touched`, when given, receives the documents that share a term. */
  private scoreTerms(terms: readonly string[], touched?: number[]): Float64Array {
    const n = this.ids.length;
    const scores = new Float64Array(n);
    if (n === 0) return scores;
    const avgdl = this.totalLength / n;
    const { k1, b } = this;
    for (const term of new Set(terms)) {
      const p = this.postings.get(term);
      if (!p) continue;
      const df = p.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let i = 0; i < df; i++) {
        const d = p.docs[i]!;
        const tf = p.tfs[i]!;
        const norm = avgdl > 0 ? k1 * (1 - b + (b * this.lengths[d]!) / avgdl) : k1;
        if (touched && scores[d] === 0) touched.push(d);
        scores[d]! += (idf * tf * (k1 + 1)) / (tf + norm); // > 0: idf > 0 and tf >= 1
      }
    }
    return scores;
  }
}

/** Whether document x ranks below document y: lower score, or equal score and later position. */
function below(scores: Float64Array, x: number, y: number): boolean {
  return scores[x]! < scores[y]! || (scores[x] === scores[y] && x > y);
}

/**
 * The best `k` of `candidates`, best first (ties: earlier document first), with a bounded heap
 * whose root is the worst kept: O(n log k) instead of sorting every candidate.
 */
function topDocuments(scores: Float64Array, candidates: readonly number[], k: number): number[] {
  const heap: number[] = [];
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && below(scores, heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && below(scores, heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const d of candidates) {
    if (heap.length < k) {
      heap.push(d);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!below(scores, heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    } else if (below(scores, heap[0]!, d)) {
      heap[0] = d;
      siftDown(0);
    }
  }
  return heap.sort((x, y) => (below(scores, x, y) ? 1 : below(scores, y, x) ? -1 : 0));
}
