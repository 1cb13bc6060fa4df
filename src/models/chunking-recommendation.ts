/**
 * L1 (pure data): how to chunk long documents for each model, as measured by the chunked-retrieval
 * sweep (bench/chunked-retrieval-sweep.ts; the README's "Naive vs late chunking" table). Keyed by
 * model id; a model not listed has no measured recommendation. Chunk-level nDCG@10 is compared
 * within one chunk size (naive vs late), since larger chunks make fewer, easier candidates.
 */
import type { ModelId } from "./registry.js";

/** A measured chunking choice for one model. */
export interface ChunkingRecommendation {
  /** "late": one pass per document, span means; "naive": each chunk embedded alone. */
  readonly strategy: "late" | "naive";
  /** Splitter of the recommended configuration. */
  readonly by: "tokens" | "sentences";
  /** Most tokens per chunk. */
  readonly size: number;
  /** The measurement behind it, in one line. */
  readonly evidence: string;
}

/** The recommendation per model id, from the sweep on XQuADChunked (fp32). */
export const CHUNKING_RECOMMENDATIONS: Readonly<Partial<Record<ModelId, ChunkingRecommendation>>> = {
  "BAAI/bge-small-en-v1.5": {
    strategy: "naive",
    by: "sentences",
    size: 128,
    evidence:
      "XQuAD subset: naive ahead of late at every size (chunk nDCG@10 +0.04 to +0.16); CLS-pooled, so span means of its token states are off its training objective",
  },
  "intfloat/e5-small-v2": {
    strategy: "naive",
    by: "sentences",
    size: 128,
    evidence: "XQuAD subset: naive ahead of late at every size (chunk nDCG@10 +0.06 to +0.19)",
  },
  "sentence-transformers/all-MiniLM-L6-v2": {
    strategy: "late",
    by: "tokens",
    size: 254,
    evidence:
      "XQuAD subset: late ahead of naive at 254 tokens (+0.008 to +0.012 chunk nDCG@10), behind at 64 and 128 tokens and sentences of 128",
  },
};

/** The measured chunking recommendation of a model, or undefined when none was measured. */
export function chunkingRecommendation(modelId: string): ChunkingRecommendation | undefined {
  return (CHUNKING_RECOMMENDATIONS as Partial<Record<string, ChunkingRecommendation>>)[modelId];
}
