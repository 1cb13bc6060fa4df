/**
 * L4: sparse-vector retrieval for evaluation (SPLADE, or any sparse engine): documents through
 * the engine's document side, queries through its query side (for doc-only models, the IDF
 * table), and each query's top hits by exact sparse dot product over an inverted index.
 */
import type { SparseVector } from "../../types.js";
import type { Run } from "../metrics/retrieval-metrics.js";
import type { RetrieveInput, Retriever } from "./retriever.js";

/** What the retriever needs of a sparse engine (SparseTextEmbedding has it). */
export interface SparseEncoder {
  readonly modelId: string;
  embedAll(texts: readonly string[]): Promise<SparseVector[]>;
  queryEmbed(texts: readonly string[]): Promise<SparseVector[]>;
  dispose?(): Promise<void> | void;
}

/**
 * Exact top-k by sparse dot product: for each query, the `topK` documents with the highest
 * score, best first (ties: the earlier document). Documents scoring 0 are not hits.
 */
export function sparseSearch(
  queries: readonly SparseVector[],
  documents: readonly SparseVector[],
  topK: number,
): { doc: number; score: number }[][] {
  const postings = new Map<number, { docs: number[]; weights: number[] }>();
  documents.forEach((d, doc) => {
    for (let i = 0; i < d.indices.length; i++) {
      const term = d.indices[i]!;
      let p = postings.get(term);
      if (p === undefined) postings.set(term, (p = { docs: [], weights: [] }));
      p.docs.push(doc);
      p.weights.push(d.values[i]!);
    }
  });
  const scores = new Float64Array(documents.length);
  return queries.map((q) => {
    scores.fill(0);
    const touched = new Set<number>();
    for (let i = 0; i < q.indices.length; i++) {
      const p = postings.get(q.indices[i]!);
      if (p === undefined) continue;
      const w = q.values[i]!;
      for (let j = 0; j < p.docs.length; j++) {
        const doc = p.docs[j]!;
        scores[doc] = scores[doc]! + w * p.weights[j]!;
        touched.add(doc);
      }
    }
    return [...touched]
      .filter((doc) => scores[doc]! > 0)
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, topK)
      .map((doc) => ({ doc, score: scores[doc]! }));
  });
}

export class SparseRetriever implements Retriever {
  readonly kind = "retriever";
  readonly modelId: string;
  private readonly encoder: SparseEncoder;

  constructor(encoder: SparseEncoder) {
    this.encoder = encoder;
    this.modelId = encoder.modelId;
  }

  async retrieve(input: RetrieveInput): Promise<Run> {
    const docs = await this.encoder.embedAll(input.documents.map((d) => d.text));
    const queries = await this.encoder.queryEmbed(input.queries.map((q) => q.text));
    const hits = sparseSearch(queries, docs, input.topK);
    return new Map(
      input.queries.map((q, i) => [q.id, new Map(hits[i]!.map((h) => [input.documents[h.doc]!.id, h.score]))]),
    );
  }

  dispose(): Promise<void> | void {
    return this.encoder.dispose?.();
  }
}
