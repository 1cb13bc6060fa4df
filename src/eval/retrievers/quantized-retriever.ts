/**
 * L4: a dense model searched at a compact precision, for evaluation (`embedkit eval --precision`):
 * queries and documents are embedded at float32 (query and passage prompts, through the cache,
 * as the dense evaluator does); the documents are quantized (int8/uint8 with ranges from the
 * corpus embeddings themselves, as calibration), and each query is searched exactly over the
 * quantized corpus by quantizedSearch (search/quantized-search.ts). Vectors are L2-normalized
 * first (copies), so float32 here is the cosine search of the dense evaluator.
 *
 * With rescoring, the head of each ranking is what sentence-transformers' semantic_search_*
 * returns with `rescore=True, top_k=rescoreTopK`: `rescoreMultiplier × rescoreTopK` candidates by
 * the quantized score, rescored with the float32 query. The rest of the run (down to topK, for
 * recall@100 and the like) follows in first-pass order. Scores in the run are ranks (topK - rank),
 * so the metrics see exactly this order.
 */
import type { Embedder } from "../../types.js";
import { rankedRun } from "./unit-vectors.js";
import { calibrationRanges, quantizeEmbeddings, type Precision } from "../../pooling/quantize.js";
import { quantizedSearch, DEFAULT_RESCORE_MULTIPLIER, type QuantizedCorpus } from "../../search/quantized-search.js";
import type { Run } from "../metrics/retrieval-metrics.js";
import type { PreparedCorpus, RankItem, RetrieveInput, Retriever, VectorRanker } from "./retriever.js";

export interface QuantizedRetrieverOptions {
  readonly precision: Precision;
  /** Rescore the head with the float32 query. Default false. */
  readonly rescore?: boolean;
  /** Candidates per rescored hit. Default {@link DEFAULT_RESCORE_MULTIPLIER} (4). */
  readonly rescoreMultiplier?: number;
  /** Hits rescored at the head of each ranking. Default 10 (nDCG@10, the main score). */
  readonly rescoreTopK?: number;
}

/** The result-file label of a precision setting, e.g. "binary-rescore4". */
export function precisionLabel(o: QuantizedRetrieverOptions): string {
  return o.rescore ? `${o.precision}-rescore${o.rescoreMultiplier ?? DEFAULT_RESCORE_MULTIPLIER}` : o.precision;
}

export class QuantizedRetriever implements Retriever, VectorRanker {
  readonly kind = "retriever";
  readonly modelId: string;
  readonly embedder: Embedder;
  readonly dispose: () => Promise<void> | void;

  constructor(
    embedder: Embedder & { dispose?(): Promise<void> | void },
    private readonly options: QuantizedRetrieverOptions,
  ) {
    this.embedder = embedder;
    this.modelId = `${embedder.modelId}+${precisionLabel(options)}`;
    this.dispose = () => embedder.dispose?.();
  }

  async retrieve(input: RetrieveInput): Promise<Run> {
    return rankedRun(this, input);
  }

  /** Quantizes the corpus once (int8/uint8 ranges from it); each ranking: the head rescored when asked, the rest in first-pass order. */
  async prepareCorpus(items: readonly RankItem[]): Promise<PreparedCorpus> {
    const { precision } = this.options;
    const docVectors = items.map((item) => item.vector);
    const dim = docVectors[0]?.length ?? 0;
    const ranges = precision === "int8" || precision === "uint8" ? calibrationRanges(docVectors) : undefined;
    const corpus: QuantizedCorpus = {
      precision,
      dim,
      rows: quantizeEmbeddings(docVectors, precision, ranges ? { ranges } : {}),
      ...(ranges ? { ranges } : {}),
    };
    const multiplier = this.options.rescoreMultiplier ?? DEFAULT_RESCORE_MULTIPLIER;
    const headK = this.options.rescoreTopK ?? 10;
    const rescore = this.options.rescore;
    return {
      rank: async (queries, limit) =>
        queries.map((query) => {
          const first = quantizedSearch({ query, corpus, topK: limit, rescore: false });
          const head = rescore
            ? quantizedSearch({ query, corpus, topK: headK, rescore: true, rescoreMultiplier: multiplier })
            : [];
          const seen = new Set(head.map((h) => h.id));
          return [...head, ...first.filter((h) => !seen.has(h.id))].slice(0, limit).map((h) => h.id as number);
        }),
      close: async () => {},
    };
  }
}
