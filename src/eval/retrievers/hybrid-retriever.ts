/**
 * L4: a dense model fused with BM25 for evaluation: exact cosine search over the dense model's
 * embeddings (query and passage prompts, as the dense evaluator does) and BM25, each keeping
 * `topK` hits per query, fused with `fuse` (reciprocal-rank fusion by default).
 */
import type { Embedder } from "../../types.js";
import { fuse, type FuseOptions } from "../../search/fuse.js";
import type { Run } from "../metrics/retrieval-metrics.js";
import { exactSearch } from "../search/exact-search.js";
import { Bm25Retriever } from "./bm25-retriever.js";
import type { RetrieveInput, Retriever } from "./retriever.js";

export class HybridRetriever implements Retriever {
  readonly kind = "retriever";
  readonly modelId: string;
  readonly embedder: Embedder;
  private readonly sparse: Bm25Retriever;
  private readonly fusion: FuseOptions;

  constructor(embedder: Embedder & { dispose?(): Promise<void> | void }, fusion: FuseOptions = {}) {
    this.embedder = embedder;
    this.fusion = fusion;
    this.sparse = new Bm25Retriever();
    this.modelId = `${embedder.modelId}+bm25-${fusion.method ?? "rrf"}`;
    this.dispose = () => embedder.dispose?.();
  }

  readonly dispose: () => Promise<void> | void;

  async retrieve(input: RetrieveInput): Promise<Run> {
    const queryVectors = await input.embed(
      input.queries.map((q) => q.text),
      "query",
    );
    const docVectors = await input.embed(
      input.documents.map((d) => d.text),
      "passage",
    );
    const dense = exactSearch(queryVectors, docVectors, input.topK);
    const sparse = await this.sparse.retrieve(input);
    return new Map(
      input.queries.map((q, i) => {
        const h = dense[i]!;
        const denseHits = Array.from(h.ids, (d, j) => ({ id: input.documents[d]!.id, score: h.scores[j]! }));
        const sparseHits = [...(sparse.get(q.id) ?? new Map<string, number>())].map(([id, score]) => ({ id, score }));
        const fused = fuse([denseHits, sparseHits], { ...this.fusion, topK: input.topK });
        return [q.id, new Map(fused.map((f) => [String(f.id), f.score]))];
      }),
    );
  }
}
