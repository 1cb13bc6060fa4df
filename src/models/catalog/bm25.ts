/**
 * L1: BM25, the model-free sparse model. Pure data.
 *
 * Term weights are computed in TypeScript (src/sparse/), compatible with FastEmbed's
 * `Qdrant/bm25` (English Snowball stemmer, its stopwords, murmur3 term ids); there are no files,
 * so these records have no source. Ids are matched case-insensitively (`bm25ModelId`).
 */
import type { Bm25ModelSpec } from "../spec.js";

export const BM25_CATALOG = {
  bm25: {
    task: "sparse",
    kind: "bm25",
    description: "BM25 term weights, FastEmbed's Qdrant/bm25 (English); no model files",
    languages: ["en"],
  },
  "Qdrant/bm25": {
    task: "sparse",
    kind: "bm25",
    description: "alias of bm25 (FastEmbed's name)",
    languages: ["en"],
  },
} as const satisfies Record<string, Bm25ModelSpec>;
