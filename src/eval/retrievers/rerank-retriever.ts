/**
 * L4: retrieve, then rerank, for evaluation: a first stage (a retriever such as BM25, or the
 * dense model's exact cosine search with its query and passage prompts) keeps `topK` hits per
 * query; a pair scorer (a cross-encoder) scores (query, document) for the first `rerankTop` of
 * them, which are put in the scorer's order (ties: first-stage order). Hits below the cut keep
 * their first-stage order after the reranked ones, so recall beyond `rerankTop` is the first
 * stage's. Run scores encode the final order (topK - rank), since the two stages' scores are
 * not on one scale.
 */
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import type { Embedder } from "../../types.js";
import type { Run } from "../metrics/retrieval-metrics.js";
import { exactSearch } from "../search/exact-search.js";
import type { PairScorer } from "./pair-scorer.js";
import { isRetriever, type RetrieveInput, type Retriever } from "./retriever.js";

/** Pairs scored per scorer call (the scorer batches by tokens inside). */
const PAIRS_PER_CALL = 512;

export class RerankRetriever implements Retriever {
  readonly kind = "retriever";
  readonly modelId: string;
  readonly embedder?: Embedder;
  private readonly first: Retriever | (Embedder & { dispose?(): Promise<void> | void });
  private readonly scorer: PairScorer;
  private readonly rerankTop: number;

  constructor(
    first: Retriever | (Embedder & { dispose?(): Promise<void> | void }),
    scorer: PairScorer,
    rerankTop: number,
  ) {
    if (!Number.isInteger(rerankTop) || rerankTop < 1) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `rerankTop must be an integer >= 1, got ${JSON.stringify(rerankTop)}`,
        { field: "rerankTop", min: 1, value: rerankTop },
      );
    }
    this.first = first;
    this.scorer = scorer;
    this.rerankTop = rerankTop;
    const embedder = isRetriever(first) ? first.embedder : first;
    if (embedder !== undefined) this.embedder = embedder;
    this.modelId = `${first.modelId}+rerank`;
  }

  async retrieve(input: RetrieveInput): Promise<Run> {
    const firstRun = await this.firstStage(input);
    const texts = new Map(input.documents.map((d) => [d.id, d.text]));
    const ranked = input.queries.map((q) =>
      [...(firstRun.get(q.id) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).map(([id]) => id),
    );
    const pairs: [string, string][] = [];
    input.queries.forEach((q, i) => {
      for (const id of ranked[i]!.slice(0, this.rerankTop)) pairs.push([q.text, texts.get(id) ?? ""]);
    });
    const scores: number[] = [];
    for (let s = 0; s < pairs.length; s += PAIRS_PER_CALL) {
      scores.push(...(await this.scorer.scorePairs(pairs.slice(s, s + PAIRS_PER_CALL))));
    }
    let next = 0;
    return new Map(
      input.queries.map((q, i) => {
        const ids = ranked[i]!;
        const head = ids.slice(0, this.rerankTop).map((id, j) => ({ id, j, score: scores[next + j]! }));
        next += head.length;
        head.sort((a, b) => b.score - a.score || a.j - b.j);
        const order = [...head.map((h) => h.id), ...ids.slice(this.rerankTop)];
        return [q.id, new Map(order.map((id, rank) => [id, order.length - rank]))];
      }),
    );
  }

  private async firstStage(input: RetrieveInput): Promise<Run> {
    if (isRetriever(this.first)) return this.first.retrieve(input);
    const queryVectors = await input.embed(
      input.queries.map((q) => q.text),
      "query",
    );
    const docVectors = await input.embed(
      input.documents.map((d) => d.text),
      "passage",
    );
    const dense = exactSearch(queryVectors, docVectors, input.topK);
    return new Map(
      input.queries.map((q, i) => {
        const h = dense[i]!;
        return [q.id, new Map(Array.from(h.ids, (d, j) => [input.documents[d]!.id, h.scores[j]!]))];
      }),
    );
  }

  async dispose(): Promise<void> {
    await this.first.dispose?.();
    await this.scorer.dispose?.();
  }
}
