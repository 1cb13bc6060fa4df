/**
 * L4: a model that retrieves by itself instead of handing out dense vectors: BM25, or a dense
 * model fused with BM25. The retrieval evaluator asks it for a run (query -> document -> score)
 * instead of embedding and searching exactly; other task types need an Embedder.
 */
import type { Embedder, PromptName } from "../../types.js";
import type { Run } from "../metrics/retrieval-metrics.js";

export interface RetrieveInput {
  /** Document ids and the texts to index (title + " " + text). */
  readonly documents: readonly { readonly id: string; readonly text: string }[];
  readonly queries: readonly { readonly id: string; readonly text: string }[];
  /** Hits kept per query. */
  readonly topK: number;
  /** Embeds with the dense model under evaluation (through the cache), for hybrid retrievers. */
  readonly embed: (texts: readonly string[], promptName: PromptName) => Promise<Float32Array[]>;
}

export interface Retriever {
  readonly kind: "retriever";
  readonly modelId: string;
  /** The dense model whose embeddings `embed` computes, for hybrid retrievers. */
  readonly embedder?: Embedder;
  retrieve(input: RetrieveInput): Promise<Run>;
  dispose?(): Promise<void> | void;
}

export function isRetriever(model: unknown): model is Retriever {
  return typeof model === "object" && model !== null && (model as { kind?: unknown }).kind === "retriever";
}

/** One stored vector a {@link VectorRanker} searches: the record it belongs to and its chunk number. */
export interface RankItem {
  readonly docId: string;
  readonly chunkIndex: number;
  /** Unit length. */
  readonly vector: Float32Array;
}

/** A corpus a {@link VectorRanker} has prepared (quantized, written to an index): ranked as often as asked. */
export interface PreparedCorpus {
  /** Per query (unit length), the positions in the corpus of its best `limit` items, best first. */
  rank(queries: readonly Float32Array[], limit: number): Promise<number[][]>;
  /** Releases what the preparation holds (a temporary index folder). */
  close(): Promise<void>;
}

/**
 * A retriever that searches stored vectors its own way (at a compact precision, through a vector
 * index) and can prepare and rank any given vectors so: its retrieve() is embedding plus that.
 */
export interface VectorRanker {
  prepareCorpus(corpus: readonly RankItem[]): Promise<PreparedCorpus>;
}

export function isVectorRanker(model: unknown): model is VectorRanker {
  return typeof (model as Partial<VectorRanker> | undefined)?.prepareCorpus === "function";
}
