/**
 * L6: the request and response bodies of every route, as zod schemas. Requests are parsed
 * here once (parse, don't validate); the OpenAPI document is generated from the same schemas.
 * TEI's optional fields may also be `null`, as its serde structs accept.
 */
import { z } from "zod";
import { PRECISIONS } from "../embed/output-precision.js";
import { ANN_SEARCH_MAX, MAX_INDEX_RESCORE, RESCORE_WITH } from "../index/ann-options.js";
import { SEARCH_MODES } from "../index/search-mode.js";
import { MAX_TOP_K } from "../index/vector-index-options.js";
import { FUSION_METHODS } from "../search/fuse.js";

const texts = z.union([z.string(), z.array(z.string())], { error: "must be a string or an array of strings" });
const promptName = z.enum(["query", "passage", "symmetric"]).nullish().describe("The model's prompt to prepend.");
const dimensions = z
  .number()
  .int()
  .min(1)
  .nullish()
  .describe("Matryoshka: keep the first N components (renormalized).");
const tokenId = z.number().int().min(0);
/** embedkit extension (both APIs): output precision, as sentence-transformers' quantize_embeddings. */
const precision = z
  .enum(PRECISIONS)
  .nullish()
  .describe(
    "embedkit extension. Output precision: float32 (default), int8 / uint8 (per-dimension ranges cut into 255 steps), binary / ubinary (sign bits packed 8 per byte, dim/8 values), as sentence-transformers' quantize_embeddings. Vectors come as integer arrays (base64: the raw int8/uint8 bytes).",
  );
const ranges = z
  .object({ min: z.array(z.number()), max: z.array(z.number()) })
  .nullish()
  .describe(
    "embedkit extension, int8/uint8 only: the per-dimension min and max (one value per output dimension). Omitted: taken from this request's own vectors (at least two inputs), so values depend on the batch; send ranges for stable values.",
  );

export const embedRequest = z
  .object({
    inputs: texts.describe("A text, or a list of texts (split into batches server-side)."),
    normalize: z.boolean().nullish().describe("L2-normalize the vectors. Default true."),
    truncate: z
      .boolean()
      .nullish()
      .describe("Cut inputs over the model's token limit instead of refusing them. Default false (--auto-truncate)."),
    truncation_direction: z
      .enum(["right", "left", "Right", "Left"])
      .nullish()
      .describe("Which end of an over-long input is cut. Default right."),
    prompt_name: promptName,
    dimensions,
    precision,
    ranges,
  })
  .meta({ id: "EmbedRequest" });

export const embedResponse = z.array(z.array(z.number())).meta({ id: "EmbedResponse" });

export const openaiEmbeddingRequest = z
  .object({
    input: z
      .union([z.string(), z.array(z.string()), z.array(tokenId), z.array(z.array(tokenId))], {
        error: "must be a string, an array of strings, an array of token ids or an array of arrays of token ids",
      })
      .describe("Text(s) to embed, or token ids (used as given: include the model's special tokens)."),
    model: z.string().nullish().describe("Accepted and ignored: the server runs one model."),
    encoding_format: z
      .enum(["float", "base64"])
      .nullish()
      .describe("base64: little-endian float32 bytes (with `precision`: the raw int8/uint8 bytes). Default float."),
    dimensions,
    precision,
    ranges,
    user: z.string().nullish(),
  })
  .meta({ id: "OpenAIEmbeddingRequest" });

export const openaiEmbeddingResponse = z
  .object({
    object: z.literal("list"),
    data: z.array(
      z.object({
        object: z.literal("embedding"),
        index: z.number().int(),
        embedding: z.union([z.array(z.number()), z.string()]),
      }),
    ),
    model: z.string(),
    usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
  })
  .meta({ id: "OpenAIEmbeddingResponse" });

export const openaiModelList = z
  .object({
    object: z.literal("list"),
    data: z.array(
      z.object({
        id: z.string(),
        object: z.literal("model"),
        created: z.number().int().describe("Unix time (seconds) when this server started serving the model."),
        owned_by: z.string(),
      }),
    ),
  })
  .meta({ id: "OpenAIModelList" });

export const tokenizeRequest = z
  .object({
    inputs: texts,
    add_special_tokens: z.boolean().nullish().describe("Include the model's special tokens. Default true."),
    prompt_name: promptName,
  })
  .meta({ id: "TokenizeRequest" });

export const tokenizeResponse = z
  .array(
    z.array(
      z.object({
        id: z.number().int(),
        text: z.string(),
        special: z.boolean(),
        start: z
          .number()
          .int()
          .nullable()
          .describe("Character offset of the token in the input (null for special tokens)."),
        stop: z.number().int().nullable(),
      }),
    ),
  )
  .meta({ id: "TokenizeResponse" });

export const decodeRequest = z
  .object({
    ids: z.union([z.array(tokenId), z.array(z.array(tokenId))], {
      error: "must be an array of token ids or an array of such arrays",
    }),
    skip_special_tokens: z.boolean().nullish().describe("Default true."),
  })
  .meta({ id: "DecodeRequest" });

export const decodeResponse = z.array(z.string()).meta({ id: "DecodeResponse" });

export const infoResponse = z
  .object({
    model_id: z.string(),
    model_sha: z.string().nullable(),
    model_dtype: z.string(),
    model_type: z.union([
      z.object({ embedding: z.object({ pooling: z.string() }) }),
      z.object({ reranker: z.object({ activation: z.string() }) }),
    ]),
    /** Absent for a reranker. */
    dimension: z.number().int().optional(),
    max_concurrent_requests: z.number().int(),
    max_input_length: z.number().int(),
    max_batch_tokens: z.number().int(),
    max_batch_requests: z.number().int(),
    max_client_batch_size: z.number().int(),
    auto_truncate: z.boolean(),
    batching: z.boolean(),
    version: z.string(),
    /** Present when the server serves a vector index (--index). */
    index: z
      .object({
        path: z.string(),
        records: z.number().int(),
        chunks: z.number().int(),
        chunking: z.string(),
        sparse: z.string().describe('The sparse vectors stored for hybrid search: "none", "bm25" or a SPLADE model.'),
        precision: z.enum(["float32", "binary"]).describe("What dense searches go by."),
        rerank_model: z.string().nullable(),
      })
      .optional()
      .describe("The vector index POST /v1/search answers from (embedkit extension; absent without --index)."),
  })
  .meta({ id: "Info" });

export const teiError = z.object({ error: z.string(), error_type: z.string() }).meta({ id: "ErrorResponse" });

export const openaiError = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable(),
    }),
  })
  .meta({ id: "OpenAIErrorResponse" });

export type EmbedRequest = z.output<typeof embedRequest>;
export type OpenAIEmbeddingRequest = z.output<typeof openaiEmbeddingRequest>;
export type TokenizeRequest = z.output<typeof tokenizeRequest>;
export type DecodeRequest = z.output<typeof decodeRequest>;
export type TokenizeResponse = z.output<typeof tokenizeResponse>;

/** TEI's POST /embed_sparse request. */
export const embedSparseRequest = z
  .object({
    inputs: texts.describe("A text, or a list of texts (split into batches server-side)."),
    truncate: z
      .boolean()
      .nullish()
      .describe("Cut inputs over the model's token limit instead of refusing them. Default false (--auto-truncate)."),
  })
  .meta({ id: "EmbedSparseRequest" });

/** TEI's /embed_sparse answer: per input, its non-zero entries in index order. */
export const embedSparseResponse = z
  .array(z.array(z.object({ index: z.number().int(), value: z.number() })))
  .meta({ id: "EmbedSparseResponse" });

export const teiRerankRequest = z
  .object({
    query: z.string().describe("The query every text is scored against."),
    texts: z.array(z.string()).describe("The texts to rerank."),
    raw_scores: z
      .boolean()
      .nullish()
      .describe("Return the raw logit instead of the model's activation. Default false."),
    return_text: z.boolean().nullish().describe("Put each text in its result. Default false."),
    truncate: z
      .boolean()
      .nullish()
      .describe(
        "Cut pairs over the model's window longest-first instead of refusing them. Default false (--auto-truncate).",
      ),
    truncation_direction: z
      .enum(["right", "left", "Right", "Left"])
      .nullish()
      .describe("Accepted; pairs are cut longest-first."),
  })
  .meta({ id: "RerankRequest" });

export const teiRerankResponse = z
  .array(z.object({ index: z.number().int(), score: z.number(), text: z.string().optional() }))
  .meta({ id: "RerankResponse" });

export const v1RerankRequest = z
  .object({
    model: z.string().nullish().describe("Accepted and ignored (one model per server)."),
    query: z.string().describe("The query every document is scored against."),
    documents: z
      .array(z.union([z.string(), z.object({ text: z.string() })]), {
        error: "must be an array of strings or of {text} objects",
      })
      .describe("The documents to rerank: strings, or objects with a `text` field."),
    top_n: z.number().int().min(1).nullish().describe("Keep the best N. Default: all."),
    return_documents: z.boolean().nullish().describe("Put each document in its result. Default false."),
  })
  .meta({ id: "V1RerankRequest" });

export const v1RerankResponse = z
  .object({
    model: z.string(),
    results: z.array(
      z.object({
        index: z.number().int(),
        relevance_score: z.number(),
        document: z.object({ text: z.string() }).optional(),
      }),
    ),
    usage: z.object({ total_tokens: z.number().int() }),
  })
  .meta({ id: "V1RerankResponse" });

const filterScalar = z.union([z.string(), z.number(), z.boolean()]);

/** POST /v1/search (and /search): a question for the served vector index. */
export const searchRequest = z
  .object({
    query: z.string().describe("The question; embedded with the index model's query prompt (cut at the input limit)."),
    top_k: z
      .number()
      .int()
      .min(1)
      .max(MAX_TOP_K)
      .nullish()
      .describe(`Hits returned at most, 1 to ${MAX_TOP_K}. Default 10.`),
    filter: z
      .record(z.string(), z.union([filterScalar, z.object({ $in: z.array(filterScalar) }).strict()]))
      .nullish()
      .describe(
        'Metadata conditions every hit satisfies: {field: value} or {field: {"$in": [values]}}; a field the index does not hold is refused.',
      ),
    rerank: z
      .boolean()
      .nullish()
      .describe("Rescore the nearest `rerank_top` chunks with the server's --rerank-model. Default false."),
    rerank_top: z
      .number()
      .int()
      .min(1)
      .max(MAX_TOP_K)
      .nullish()
      .describe("Chunks retrieved for reranking (at most --max-client-batch-size). Default max(top_k, 20)."),
    mode: z
      .enum(SEARCH_MODES)
      .nullish()
      .describe(
        '"dense" (cosine), "sparse" (BM25 or SPLADE; the index must store sparse vectors) or "hybrid" (both lists fused). Default: hybrid on an index with sparse vectors, else dense.',
      ),
    fusion: z
      .enum(FUSION_METHODS)
      .nullish()
      .describe('Hybrid only: "rrf" (default, k 60) or "weighted" (min-max normalized, equal weights).'),
    candidates: z
      .number()
      .int()
      .min(1)
      .max(MAX_TOP_K)
      .nullish()
      .describe("Hybrid only: chunks taken from each list before fusion. Default max(top_k or rerank_top, 100)."),
    exact: z
      .boolean()
      .nullish()
      .describe("Scan every chunk's float32 vector (exact cosine), even with an ANN index or a binary precision."),
    nprobes: z
      .number()
      .int()
      .min(1)
      .max(ANN_SEARCH_MAX.nprobes)
      .nullish()
      .describe("ANN index: IVF partitions probed. Default: all for ivf_hnsw_sq, 10% (at least 20) otherwise."),
    ef: z
      .number()
      .int()
      .min(1)
      .max(ANN_SEARCH_MAX.ef)
      .nullish()
      .describe("ANN ivf_hnsw_sq: graph candidates. Default max(100, 10 × top_k); at least top_k × refine_factor."),
    refine_factor: z
      .number()
      .int()
      .min(1)
      .max(ANN_SEARCH_MAX.refineFactor)
      .nullish()
      .describe(
        "ANN index: re-rank refine_factor × top_k candidates by their float32 distance. Default 4 (none for ivf_flat).",
      ),
    rescore: z
      .union([z.number().int().min(1).max(MAX_INDEX_RESCORE), z.literal(false)], {
        error: `must be an integer from 1 to ${MAX_INDEX_RESCORE} or false`,
      })
      .nullish()
      .describe(
        `Binary index: rescore rescore × top_k Hamming candidates (1 to ${MAX_INDEX_RESCORE}, default 4), or false for the Hamming order alone.`,
      ),
    rescore_with: z
      .enum(RESCORE_WITH)
      .nullish()
      .describe(
        'Binary index: rescore against "float32" (default: the stored vectors) or "bits" (as quantizedSearch).',
      ),
  })
  .meta({ id: "SearchRequest" });

export const searchResponse = z
  .object({
    model: z.string(),
    results: z.array(
      z.object({
        id: z.string().describe("The record's id."),
        chunk: z.number().int().describe("The chunk's position in its record, from 0."),
        start: z.number().int().describe("UTF-16 offset of the chunk in the record's text."),
        end: z.number().int().describe("UTF-16 offset just past the chunk (exclusive)."),
        text: z.string(),
        score: z
          .number()
          .describe(
            "Cosine similarity (dense), the BM25 or SPLADE score (sparse), the fused score (hybrid); with rerank, the cross-encoder's score.",
          ),
        metadata: z.record(z.string(), filterScalar),
        dense_score: z
          .number()
          .optional()
          .describe("Hybrid, or dense with rerank: the cosine similarity, when the chunk was in the dense list."),
        sparse_score: z
          .number()
          .optional()
          .describe("Hybrid, or sparse with rerank: the sparse score, when the chunk was in the sparse list."),
      }),
    ),
  })
  .meta({ id: "SearchResponse" });

export type SearchRequest = z.output<typeof searchRequest>;

/** POST /embed_chunks: documents split into chunks, each with its vector (embedChunks). */
export const embedChunksRequest = z
  .object({
    inputs: texts.describe("A document, or a list of documents."),
    chunking: z
      .object({
        strategy: z
          .string()
          .describe(
            '"late" (one pass over the document, a span mean per chunk) or "naive" (each chunk embedded alone).',
          ),
        by: z.string().nullish().describe("tokens | sentences | paragraphs | markdown. Default sentences."),
        size: z
          .number()
          .nullish()
          .describe("Most tokens per chunk. Default 256 (naive: at most the window less special tokens)."),
        overlap: z.number().nullish().describe("Tokens shared with the previous chunk. Default 0."),
      })
      .describe(
        "How documents are split and embedded; values are checked by the library (422 naming `chunking.<field>`).",
      ),
    normalize: z.boolean().nullish().describe("L2-normalize the chunk vectors. Default true (the model's convention)."),
    truncate: z
      .boolean()
      .nullish()
      .describe(
        "Accepted for symmetry with /embed; nothing is cut: late chunking covers long documents in macro windows, naive chunks fit the window.",
      ),
    return_text: z.boolean().nullish().describe("Put each chunk's text in its result. Default false."),
  })
  .meta({ id: "EmbedChunksRequest" });

/** Per document, its chunks in document order. */
export const embedChunksResponse = z
  .array(
    z.array(
      z.object({
        index: z.number().int().describe("The chunk's position in its document, from 0."),
        start: z.number().int().describe("UTF-16 offset of the chunk in the document: `text.slice(start, end)`."),
        end: z.number().int(),
        tokens: z.number().int().describe("The chunk's tokens (no special tokens)."),
        text: z.string().optional(),
        embedding: z.array(z.number()),
      }),
    ),
  )
  .meta({ id: "EmbedChunksResponse" });
