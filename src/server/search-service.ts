/**
 * L6: what POST /v1/search and /search do: check the request against the server's limits ->
 * embed the query through the embedding routes' EmbedService (so through the one request
 * batcher: concurrent searches, and searches next to /embed requests, share inference calls) ->
 * VectorIndex.search with that vector (filter, mode and ANN knobs checked by the index, before
 * the query is embedded; a sparse-mode search embeds no dense query) -> optionally rerank with
 * the server's cross-encoder. The index's option errors name the request's fields (`refine_factor`).
 *
 * Documented choices:
 * - The query is embedded as VectorIndex.search embeds it: the model's query prompt, its
 *   normalization, the index's dimension, cut (never refused) at the input token limit.
 * - Reranking calls the cross-encoder directly, as VectorIndex.search does (there is no rerank
 *   batcher on an embedding server); `rerank_top` pairs are at most --max-client-batch-size.
 */
import type { TextEmbedding } from "../embed/text-embedding.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { RescoreWith } from "../index/ann-options.js";
import type { MetadataFilter } from "../index/metadata-filter.js";
import type { SearchMode } from "../index/search-mode.js";
import type { FusionMethod } from "../search/fuse.js";
import type { VectorIndex } from "../index/vector-index.js";
import { MAX_TOP_K, type IndexHit } from "../index/vector-index-options.js";
import { rerankDepth } from "../search/rerank-hits.js";
import type { TextCrossEncoder } from "../rerank/text-cross-encoder.js";
import type { EmbedService, JobContext } from "./embed-service.js";
import { SERVER_ERROR_CODES, ServerError } from "./http-errors.js";

/** The vector index a server answers searches from, and the optional reranker. */
export interface SearchTarget {
  /** An open index built with the server's model (checked at start-up). */
  readonly index: VectorIndex;
  /** The cross-encoder `rerank: true` uses; without it, such requests are `rerank_unavailable`. */
  readonly reranker?: TextCrossEncoder;
}

/** One search request, parsed (the request's snake_case fields, in VectorIndex.search's names). */
export interface SearchJob {
  readonly query: string;
  readonly topK: number;
  readonly filter?: MetadataFilter | undefined;
  readonly rerank: boolean;
  readonly rerankTop?: number | undefined;
  readonly mode?: SearchMode | undefined;
  readonly fusion?: FusionMethod | undefined;
  readonly candidates?: number | undefined;
  readonly exact?: boolean | undefined;
  readonly nprobes?: number | undefined;
  readonly ef?: number | undefined;
  readonly refineFactor?: number | undefined;
  readonly rescore?: number | false | undefined;
  readonly rescoreWith?: RescoreWith | undefined;
}

/** VectorIndex.search's option names that the request spells otherwise. */
const REQUEST_FIELD: Readonly<Record<string, string>> = {
  topK: "top_k",
  "rerank.topN": "rerank_top",
  refineFactor: "refine_factor",
  rescoreWith: "rescore_with",
};

/**
 * The index's option error in the request's terms: `details.field` (OpenAI's `param`) and the
 * option names in the message become the request's fields (`refineFactor` -> `refine_factor`).
 */
function inRequestTerms(e: unknown): unknown {
  if (!(e instanceof EmbedkitError) || e.code !== ERROR_CODES.INVALID_OPTION) return e;
  const field = e.details["field"];
  const renamed = typeof field === "string" ? REQUEST_FIELD[field] : undefined;
  const message = Object.entries(REQUEST_FIELD).reduce(
    (m, [from, to]) => m.replace(new RegExp(`(?<![\\w.])${from.replace(".", "\\.")}(?![\\w.])`, "g"), to),
    e.message,
  );
  if (renamed === undefined && message === e.message) return e;
  return new EmbedkitError(e.code, message, { ...e.details, ...(renamed ? { field: renamed } : {}) }, { cause: e });
}

/** Searches the served index with queries embedded through the server's request batcher. */
export class SearchService {
  constructor(
    private readonly target: SearchTarget,
    private readonly model: TextEmbedding,
    private readonly embed: EmbedService,
  ) {}

  /** The index's model, path and counts, for /info. */
  async describe(): Promise<{
    path: string;
    records: number;
    chunks: number;
    chunking: string;
    sparse: string;
    precision: string;
    rerankModel: string | null;
  }> {
    const info = await this.target.index.info();
    const c = info.chunking;
    const chunking = [
      c.strategy,
      c.by,
      c.size !== undefined ? `size ${c.size}` : undefined,
      c.overlap ? `overlap ${c.overlap}` : undefined,
    ]
      .filter((x) => x !== undefined)
      .join(", ");
    return {
      path: info.path,
      records: info.records,
      chunks: info.chunks,
      chunking,
      sparse: info.sparse,
      precision: info.precision,
      rerankModel: this.target.reranker?.modelId ?? null,
    };
  }

  async search(job: SearchJob, ctx: JobContext): Promise<IndexHit[]> {
    const limits = this.embed.limits;
    if (job.query.trim() === "") {
      throw new ServerError(
        SERVER_ERROR_CODES.EMPTY_INPUT,
        `\`query\` is ${job.query === "" ? "an empty string" : "only whitespace"}; send a question`,
        { field: "query" },
      );
    }
    if (job.query.length > limits.maxInputChars) {
      throw new ServerError(
        SERVER_ERROR_CODES.INPUT_TOO_LARGE,
        `\`query\` has ${job.query.length} characters; the limit is ${limits.maxInputChars} (--max-input-chars)`,
        { field: "query", characters: job.query.length, limit: limits.maxInputChars },
      );
    }
    const reranker = this.target.reranker;
    if (job.rerank && reranker === undefined) {
      throw new ServerError(
        SERVER_ERROR_CODES.RERANK_UNAVAILABLE,
        "`rerank` is true, but this server has no rerank model (start it with --rerank-model ID)",
        { field: "rerank" },
      );
    }
    if (!job.rerank && job.rerankTop !== undefined) {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "`rerank_top` is given without `rerank: true`", {
        field: "rerank_top",
        value: job.rerankTop,
      });
    }
    const rerankTop = rerankDepth(job.topK, job.rerankTop, MAX_TOP_K, "rerank_top");
    if (job.rerank && rerankTop > limits.maxClientBatchSize) {
      throw new EmbedkitError(
        ERROR_CODES.TOO_MANY_INPUTS,
        `\`rerank_top\` is ${rerankTop} pairs to rerank; the limit is ${limits.maxClientBatchSize} per request (--max-client-batch-size)`,
        { field: "rerank_top", count: rerankTop, limit: limits.maxClientBatchSize },
      );
    }
    const { index } = this.target;
    const embedQuery = async (query: string): Promise<Float32Array> => {
      const out = await this.embed.embed(
        {
          inputs: { texts: [query] },
          field: "query",
          truncate: true,
          truncationDirection: "right",
          promptName: "query",
          normalize: this.model.spec.normalize,
          dimensions: index.settings.dimension,
        },
        ctx,
      );
      return out.vectors[0] as Float32Array;
    };
    return index
      .search(job.query, {
        topK: job.topK,
        embedQuery,
        ...(job.filter != null ? { filter: job.filter } : {}),
        ...(job.rerank && reranker !== undefined ? { rerank: { model: reranker, topN: rerankTop } } : {}),
        ...(job.mode !== undefined ? { mode: job.mode } : {}),
        ...(job.fusion !== undefined ? { fusion: job.fusion } : {}),
        ...(job.candidates !== undefined ? { candidates: job.candidates } : {}),
        ...(job.exact !== undefined ? { exact: job.exact } : {}),
        ...(job.nprobes !== undefined ? { nprobes: job.nprobes } : {}),
        ...(job.ef !== undefined ? { ef: job.ef } : {}),
        ...(job.refineFactor !== undefined ? { refineFactor: job.refineFactor } : {}),
        ...(job.rescore !== undefined ? { rescore: job.rescore } : {}),
        ...(job.rescoreWith !== undefined ? { rescoreWith: job.rescoreWith } : {}),
      })
      .catch((e: unknown) => {
        throw inRequestTerms(e);
      });
  }
}
