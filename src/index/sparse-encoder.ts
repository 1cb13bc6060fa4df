/**
 * L5: the vector index's sparse side: what it stores for a chunk and what it asks with for a query.
 *
 *   bm25:   a chunk's distinct term ids (FastEmbed-compatible: abs(murmur3) of the stemmed term)
 *           with their raw counts, no weighting: the BM25 weights depend on the corpus (N, df,
 *           avgdl), which upserts and deletes change, so they are computed at search time from
 *           the stored counts. A query is its distinct term ids.
 *   SPLADE: the model's document vector per chunk, its query vector per query (dot product).
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { bm25ModelId } from "../models/sparse-registry.js";
import { Bm25Analyzer } from "../sparse/bm25-analyzer.js";
import { bm25TermId } from "../sparse/murmur3.js";
import { sparseFromMap } from "../sparse/sparse-vector.js";
import { SparseTextEmbedding, type SparseTextEmbeddingOptions } from "../sparse/sparse-text-embedding.js";
import type { SparseVector } from "../types.js";
import type { IndexSparse } from "./index-settings.js";

/** How a sparse index scores: BM25 over stored term counts, or the dot product of SPLADE vectors. */
export type SparseScoring = "bm25" | "dot";

/** The `sparse` open option as given: "none", "bm25" (or "Qdrant/bm25"), or a SPLADE id or folder. */
export async function parseSparseOption(value: unknown): Promise<IndexSparse> {
  if (typeof value !== "string" || value.trim() === "") {
    throw badSparse(value);
  }
  if (value === "none") return "none";
  if (bm25ModelId(value) !== undefined) return "bm25";
  if (!(await SparseTextEmbedding.isSparseModel(value))) throw badSparse(value);
  return value;
}

function badSparse(value: unknown): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `sparse must be "none", "bm25", or a SPLADE model id or folder (a masked-LM), got ${describeValue(value)}`,
    { field: "sparse", value: typeof value === "string" ? value : describeValue(value) },
  );
}

/** Turns chunk texts and queries into the sparse vectors the index stores and searches with. */
export class IndexSparseEncoder {
  private constructor(
    /** How stored vectors are scored. */
    readonly scoring: SparseScoring,
    private readonly analyzer: Bm25Analyzer | undefined,
    private readonly engine: SparseTextEmbedding | undefined,
    private readonly ownsEngine: boolean,
  ) {}

  /** BM25 (no model), or the SPLADE model `sparse` (the given engine, else loaded with `options`). */
  static async create(
    sparse: Exclude<IndexSparse, "none">,
    given: SparseTextEmbedding | undefined,
    options: Omit<SparseTextEmbeddingOptions, "model">,
  ): Promise<IndexSparseEncoder> {
    if (sparse === "bm25") return new IndexSparseEncoder("bm25", new Bm25Analyzer(), undefined, false);
    const engine = given ?? (await SparseTextEmbedding.create({ ...options, model: sparse }));
    return new IndexSparseEncoder("dot", undefined, engine, given === undefined);
  }

  /** One stored vector per chunk text, in order. */
  async chunks(texts: readonly string[]): Promise<SparseVector[]> {
    if (this.analyzer !== undefined) return texts.map((t) => termCountVector(this.analyzer!.analyze(t)));
    return this.engine!.passageEmbed(texts);
  }

  /** The query's vector: its distinct term ids (BM25, weight 1), or the SPLADE query vector. */
  async query(text: string): Promise<SparseVector> {
    if (this.analyzer !== undefined) {
      const ids = new Map<number, number>();
      for (const term of this.analyzer.analyze(text)) ids.set(bm25TermId(term), 1);
      return sparseFromMap(ids);
    }
    return this.engine!.queryEmbed(text);
  }

  /** Releases the SPLADE model if the encoder loaded it. */
  async dispose(): Promise<void> {
    if (this.ownsEngine) await this.engine!.dispose();
  }
}

/**
 * A chunk's BM25 row: each distinct term id and how often it occurs (two terms whose ids collide,
 * about one pair in 2^31, count as one term), so the counts sum to the chunk's term count.
 */
export function termCountVector(terms: readonly string[]): SparseVector {
  const counts = new Map<number, number>();
  for (const t of terms) {
    const id = bm25TermId(t);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return sparseFromMap(counts);
}
