/**
 * L5: a retrieval task searched through the vector index's own path, for evaluation (`embedkit
 * eval --index exact|ann [--precision binary --rescore N]`): the documents and queries are
 * embedded by the evaluator (its cache; passage and query prompts) and L2-normalized (copies),
 * the documents written to a LanceDB chunk store in a temporary folder (one chunk per document,
 * the store VectorIndex writes through), an ANN index built when asked (VectorIndex.optimize's
 * path), and each query searched by searchChunks, the function VectorIndex.search calls. So the
 * scores are the index's, without VectorIndex re-embedding the corpus (eval/ sits below index/,
 * so the CLI hands this retriever to runEvalCommand).
 *
 * Binary: as `eval --precision binary --rescore N` (QuantizedRetriever), the head (the top 10)
 * is rescored from N × 10 Hamming candidates and the rest of the run follows in Hamming order;
 * with `rescoreWith: "bits"` the head is exactly QuantizedRetriever's, with "float32" (the
 * default) it is rescored against the stored float32 vectors.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { Embedder } from "../types.js";
import type { Run } from "../eval/metrics/retrieval-metrics.js";
import type { RetrieveInput, Retriever } from "../eval/retrievers/retriever.js";
import { embedUnitVectors } from "../eval/retrievers/unit-vectors.js";
import {
  DEFAULT_ANN_TYPE,
  DEFAULT_INDEX_RESCORE,
  parseAnnOptions,
  parseAnnSearch,
  type AnnOptions,
  type AnnSearchOptions,
  type IndexPrecision,
  type RescoreWith,
} from "./ann-options.js";
import { searchChunks, type ChunkSearch } from "./chunk-search.js";
import { annInfo, optimizeIndex } from "./optimize-index.js";
import type { ChunkRow } from "./store/chunk-store.js";
import { openLanceStore } from "./store/lance-store.js";

/** How {@link IndexRetriever} searches. */
export interface IndexRetrieverOptions {
  /** "exact": a flat scan (float32) or the flat Hamming scan (binary); "ann": an ANN index built over the corpus first. */
  readonly mode: "exact" | "ann";
  /** With mode "ann": how it is built (default kind ivf_hnsw_sq). */
  readonly ann?: AnnOptions;
  /** With mode "ann": search knobs (default: VectorIndex.search's). */
  readonly search?: AnnSearchOptions;
  /** Default float32. */
  readonly precision?: IndexPrecision;
  /** Binary: candidates per head hit (default 4), or false for the Hamming order alone. */
  readonly rescore?: number | false;
  /** Binary: rescore against the float32 vectors (default) or the bits. */
  readonly rescoreWith?: RescoreWith;
  /** Hits at the head of each ranking a binary search rescores. Default 10 (nDCG@10). */
  readonly rescoreTopK?: number;
}

/** The result-file label of an index setting, e.g. "index-ann-ivf_hnsw_sq" or "index-exact-binary-rescore4". */
export function indexLabel(o: IndexRetrieverOptions): string {
  const kind = o.mode === "ann" ? `index-ann-${o.ann?.type ?? DEFAULT_ANN_TYPE}` : "index-exact";
  if ((o.precision ?? "float32") === "float32") return kind;
  const rescore = o.rescore ?? DEFAULT_INDEX_RESCORE;
  if (rescore === false) return `${kind}-binary`;
  return `${kind}-binary-rescore${rescore}${o.rescoreWith === "bits" ? "-bits" : ""}`;
}

const WRITE_BATCH = 2000;

/** A dense model's retrieval run through the vector index (see the module comment). */
export class IndexRetriever implements Retriever {
  /** Tells the evaluator this model retrieves by itself. */
  readonly kind = "retriever";
  /** `<model>+<indexLabel>`. */
  readonly modelId: string;
  /** The dense model whose embeddings the index stores. */
  readonly embedder: Embedder;
  /** Disposes the dense model. */
  readonly dispose: () => Promise<void> | void;

  constructor(
    embedder: Embedder & { dispose?(): Promise<void> | void },
    private readonly options: IndexRetrieverOptions,
  ) {
    if (options.mode === "ann" && (options.precision ?? "float32") === "binary") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        "the ANN index is built over the float32 vectors; a binary index is searched by a flat Hamming scan (use mode exact)",
        { field: "precision", value: "binary", mode: "ann" },
      );
    }
    if (options.search !== undefined) parseAnnSearch(options.search);
    this.embedder = embedder;
    this.modelId = `${embedder.modelId}+${indexLabel(options)}`;
    this.dispose = () => embedder.dispose?.();
  }

  /** Builds the index over the task's corpus in a temporary folder and searches each query. */
  async retrieve(input: RetrieveInput): Promise<Run> {
    const { queries, docs } = await embedUnitVectors(input);
    const dim = docs[0]?.length ?? 0;
    const binary = (this.options.precision ?? "float32") === "binary";
    const dir = await mkdtemp(join(tmpdir(), "embedkit-eval-index-"));
    try {
      const store = await openLanceStore(dir, { dim, binary });
      try {
        const rows: ChunkRow[] = input.documents.map((d, i) => ({
          docId: d.id,
          chunkIndex: 0,
          text: "",
          start: 0,
          end: 0,
          hash: "",
          metadata: {},
          vector: docs[i]!,
        }));
        for (let i = 0; i < rows.length; i += WRITE_BATCH) {
          const part = rows.slice(i, i + WRITE_BATCH);
          await store.replaceDocs(
            part.map((r) => r.docId),
            part,
          );
        }
        if (this.options.mode === "ann") {
          await optimizeIndex(dir, store, { ann: parseAnnOptions(this.options.ann ?? {}, dim) });
        }
        const ann = (await annInfo(dir, store)) ?? undefined;
        const base: Omit<ChunkSearch, "limit"> = {
          where: [],
          precision: binary ? "binary" : "float32",
          ann,
          tuning: parseAnnSearch(this.options.search ?? {}),
          exact: this.options.mode === "exact" && !binary,
          rescore: this.options.rescore ?? DEFAULT_INDEX_RESCORE,
          rescoreWith: this.options.rescoreWith ?? "float32",
        };
        const headK = Math.min(this.options.rescoreTopK ?? 10, input.topK);
        const run = new Map<string, Map<string, number>>();
        for (const [i, q] of input.queries.entries()) {
          const vector = queries[i]!;
          let order: string[];
          if (binary && base.rescore !== false) {
            const head = await searchChunks(store, vector, { ...base, limit: headK });
            const tail = await searchChunks(store, vector, { ...base, rescore: false, limit: input.topK });
            const seen = new Set(head.map((h) => h.docId));
            order = [...head.map((h) => h.docId), ...tail.map((h) => h.docId).filter((id) => !seen.has(id))];
          } else {
            order = (await searchChunks(store, vector, { ...base, limit: input.topK })).map((h) => h.docId);
          }
          run.set(q.id, new Map(order.slice(0, input.topK).map((id, rank) => [id, input.topK - rank])));
        }
        return run;
      } finally {
        store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
