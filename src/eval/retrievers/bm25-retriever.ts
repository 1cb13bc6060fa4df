/**
 * L4: BM25 retrieval for evaluation: every document into a Bm25Index (FastEmbed-compatible
 * English terms; k1 1.2, b 0.75), each query's top hits as the run.
 */
import { Bm25Index, type Bm25IndexOptions } from "../../sparse/bm25-index.js";
import type { Run } from "../metrics/retrieval-metrics.js";
import type { RetrieveInput, Retriever } from "./retriever.js";

export class Bm25Retriever implements Retriever {
  readonly kind = "retriever";
  readonly modelId: string;
  private readonly options: Bm25IndexOptions;

  constructor(modelId = "bm25", options: Bm25IndexOptions = {}) {
    this.modelId = modelId;
    this.options = options;
  }

  async retrieve(input: RetrieveInput): Promise<Run> {
    const index = new Bm25Index(this.options);
    index.add(input.documents);
    return new Map(
      input.queries.map((q) => [
        q.id,
        new Map(index.search(q.text, { topK: input.topK }).map((h) => [String(h.id), h.score])),
      ]),
    );
  }
}
