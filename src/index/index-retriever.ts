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
import type { PreparedCorpus, RankItem, RetrieveInput, Retriever, VectorRanker } from "../eval/retrievers/retriever.js";
import { rankedRun } from "../eval/retrievers/unit-vectors.js";
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
import { searchChunks, type ChunkSearch, type ScoredChunk } from "./chunk-search.js";
import { annInfo, optimizeIndex } from "./optimize-index.js";
import type { ChunkStore } from "./store/chunk-store.js";
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
export class IndexRetriever implements Retriever, VectorRanker {
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
    return rankedRun(this, input);
  }

  /**
   * Writes `items` to a chunk store in a temporary folder (a record per docId, its chunks by
   * chunkIndex) and builds the ANN index when asked, once; each ranking searches that store.
   */
  async prepareCorpus(items: readonly RankItem[]): Promise<PreparedCorpus> {
    const dim = items[0]?.vector.length ?? 0;
    const binary = (this.options.precision ?? "float32") === "binary";
    const dir = await mkdtemp(join(tmpdir(), "embedkit-eval-index-"));
    let store: ChunkStore | undefined;
    try {
      store = await openLanceStore(dir, { dim, binary });
      for (const part of recordBatches(items, WRITE_BATCH)) {
        await store.replaceDocs(
          [...new Set(part.map((item) => item.docId))],
          part.map((item) => ({
            docId: item.docId,
            chunkIndex: item.chunkIndex,
            text: "",
            start: 0,
            end: 0,
            hash: "",
            metadata: {},
            vector: item.vector,
          })),
        );
      }
      if (this.options.mode === "ann") {
        await optimizeIndex(dir, store, { ann: parseAnnOptions(this.options.ann ?? {}, dim) });
      }
      const opened = store;
      const base: Omit<ChunkSearch, "limit"> = {
        where: [],
        precision: binary ? "binary" : "float32",
        ann: (await annInfo(dir, opened)) ?? undefined,
        tuning: parseAnnSearch(this.options.search ?? {}),
        exact: this.options.mode === "exact" && !binary,
        rescore: this.options.rescore ?? DEFAULT_INDEX_RESCORE,
        rescoreWith: this.options.rescoreWith ?? "float32",
      };
      const positions = new Map(items.map((item, i) => [positionKey(item), i]));
      const toPositions = (hits: readonly ScoredChunk[]) => hits.map((h) => positions.get(positionKey(h)) as number);
      const rescoreTopK = this.options.rescoreTopK ?? 10;
      return {
        rank: async (queries, limit) => {
          const headK = Math.min(rescoreTopK, limit);
          const orders: number[][] = [];
          for (const vector of queries) {
            if (binary && base.rescore !== false) {
              const head = toPositions(await searchChunks(opened, vector, { ...base, limit: headK }));
              const tail = toPositions(await searchChunks(opened, vector, { ...base, rescore: false, limit }));
              const seen = new Set(head);
              orders.push([...head, ...tail.filter((p) => !seen.has(p))].slice(0, limit));
            } else {
              orders.push(toPositions(await searchChunks(opened, vector, { ...base, limit })).slice(0, limit));
            }
          }
          return orders;
        },
        close: async () => {
          opened.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      store?.close();
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }
}

function positionKey(item: { readonly docId: string; readonly chunkIndex: number }): string {
  return `${item.chunkIndex}\u0000${item.docId}`;
}

/** `items` grouped by record, in batches of about `size` items (a write replaces whole records). */
function* recordBatches(items: readonly RankItem[], size: number): Generator<RankItem[]> {
  const records = new Map<string, RankItem[]>();
  for (const item of items) {
    const chunks = records.get(item.docId);
    if (chunks) chunks.push(item);
    else records.set(item.docId, [item]);
  }
  let batch: RankItem[] = [];
  for (const chunks of records.values()) {
    batch.push(...chunks);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
