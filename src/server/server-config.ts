/**
 * L6: the one typed configuration of `embedkit serve`, its defaults and its limits. The CLI
 * gathers flags, environment variables and a config file into one object and parses it here,
 * once; everything in src/server/ receives the parsed ServerConfig.
 */
import { z } from "zod";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { DEFAULT_MODEL } from "../models/registry.js";

const positive = (max = Number.MAX_SAFE_INTEGER) => z.number().int().min(1).max(max);

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Largest client batch a request may hold at all (OpenAI's own limit); bigger ones get 413. */
export const HARD_MAX_CLIENT_BATCH = 2048;

export const serverConfigSchema = z
  .object({
    /** Registry id or local model folder. */
    model: z.string().min(1).default(DEFAULT_MODEL),
    quantization: z.enum(["fp32", "int8", "fp16"]).default("fp32"),
    /** ONNX Runtime intra-op threads; default: all cores. */
    threads: positive(1024).optional(),
    /**
     * A vector index folder (`embedkit index add`) to answer POST /v1/search from; the model is
     * the index's (a `model` given that differs is `index_model_mismatch`).
     */
    index: z.string().min(1).optional(),
    /** A cross-encoder (registry id or folder) for searches with `rerank: true`; needs `index`. */
    rerankModel: z.string().min(1).optional(),
    /** Name reported as `model` on /v1/embeddings and `model_id` on /info. Default: the model id. */
    servedModelName: z.string().min(1).optional(),

    /** Interface to listen on. Default loopback: exposing the server is an explicit choice. */
    host: z.string().min(1).default("127.0.0.1"),
    /** TCP port; 0 picks a free one. */
    port: z.number().int().min(0).max(65535).default(8080),
    /** When set, every route but /health needs `Authorization: Bearer <key>`. */
    apiKey: z.string().min(1).optional(),
    /** Origins allowed by CORS ("*" for any). Empty: no CORS headers are sent. */
    corsAllowOrigin: z.array(z.string().min(1)).default([]),
    /** How long browsers may cache a preflight answer. */
    corsMaxAgeSeconds: z.number().int().min(0).default(600),

    /** Requests being handled at once (reading, tokenizing, queued, running); more get 429. */
    maxConcurrentRequests: positive().default(512),
    /** Inputs (texts) admitted and not yet answered, over all requests; more get 429. */
    maxQueuedInputs: positive().default(16384),
    /**
     * Padded tokens (rows × longest row) in one inference call. Default: the engine's one default
     * (engine/token-budget.ts, 2048), or the input limit when that is larger. On CPU, throughput
     * stops growing at a few thousand tokens per call, and smaller calls let a request that
     * arrives mid-batch start sooner. (Calls run in a worker thread, so /health and new requests
     * are answered while one computes.)
     */
    maxBatchTokens: positive().optional(),
    /** Rows (texts) in one inference call. */
    maxBatchSize: positive(65536).default(32),
    /** How long the batcher waits for requests still being tokenized before it runs a short batch. */
    maxWaitMs: z.number().min(0).max(1000).default(2),
    /** Pack inputs of different requests into one inference call. Off: one request per call (for comparison). */
    batching: z.boolean().default(true),

    /** Inputs one request may hold; larger client batches are split server-side, not refused. */
    maxClientBatchSize: positive(HARD_MAX_CLIENT_BATCH).default(HARD_MAX_CLIENT_BATCH),
    /** Request body size limit in bytes (413 above it). */
    maxBodyBytes: positive().default(2_000_000),
    /** Characters one input may have (422 above it), checked before tokenization. */
    maxInputChars: positive().default(100_000),
    /** Tokens one input may have (special tokens included). Default: the model's maximum. */
    maxInputTokens: positive().optional(),
    /** Truncate over-long inputs unless a request says otherwise (TEI's --auto-truncate). */
    autoTruncate: z.boolean().default(false),

    /** How long a graceful shutdown waits for in-flight requests before closing connections. */
    shutdownTimeoutMs: z.number().int().min(0).default(30_000),
    /** How long a client may take to send a whole request. */
    requestTimeoutMs: z.number().int().min(1).default(60_000),
    logLevel: z.enum(LOG_LEVELS).default("info"),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.rerankModel !== undefined && c.index === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["rerankModel"],
        message: "reranks search results, so it needs index (--index DIR)",
      });
    }
    if (c.maxQueuedInputs < c.maxClientBatchSize) {
      ctx.addIssue({
        code: "custom",
        path: ["maxQueuedInputs"],
        message: `must be at least maxClientBatchSize (${c.maxClientBatchSize}), got ${c.maxQueuedInputs}`,
      });
    }
  });

export type ServerConfig = z.output<typeof serverConfigSchema>;

export type ServerConfigInput = z.input<typeof serverConfigSchema>;

/** Parses a config object (from the CLI, or a test); an `invalid_option` error names each bad field. */
export function parseServerConfig(input: ServerConfigInput): ServerConfig {
  const r = serverConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ field: i.path.join(".") || "(config)", message: i.message }));
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `invalid server configuration: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`,
    { problems, field: problems[0]?.field },
  );
}
