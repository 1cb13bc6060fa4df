/**
 * L4: what an evaluator receives besides its task: a way to embed texts with the model under
 * evaluation (through the cache, when there is one), a progress reporter and the seed.
 */
import type { PromptName } from "../../types.js";
import type { ChunkShard } from "../chunk-cache.js";
import type { Retriever } from "../retrievers/retriever.js";

/** Stages a task goes through, reported with progress. */
export type EvalStage = "embed" | "train" | "search" | "cluster" | "score";

export interface EvalContext {
  /** Embeds texts in order. Reports "embed" progress. */
  embed(texts: readonly string[], promptName: PromptName): Promise<Float32Array[]>;
  progress(stage: EvalStage, done: number, total: number): void;
  readonly seed: number;
  /** Set when the model retrieves by itself (BM25, hybrid): retrieval tasks ask it for the run. */
  readonly retriever?: Retriever;
  /** With a cache: the chunked documents of this model and chunking configuration. */
  readonly openChunkCache?: () => Promise<ChunkShard>;
}

/** One entry of an MTEB result's scores list: metric name -> value, plus main_score. */
export type ScoreEntry = { readonly main_score: number } & Readonly<Record<string, unknown>>;
