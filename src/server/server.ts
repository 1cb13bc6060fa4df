/**
 * L6: the embedkit HTTP server: one node:http server, one pipeline, one route table, one
 * batcher, one model. `startServer` listens; `close()` shuts down gracefully: stop accepting
 * connections, answer 503 to new requests on open connections, finish every in-flight request
 * and flush its response (connection-drain.ts), stop the batcher, then dispose the model.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import type { TextEmbedding, TextEmbeddingOptions } from "../embed/text-embedding.js";
import { TextCrossEncoder } from "../rerank/text-cross-encoder.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { Encoding } from "../types.js";
import { Admission } from "./admission.js";
import { Batcher, type BatcherHooks, type BatcherOptions, type BatchReport } from "../engine/batcher.js";
import { defaultBatchTokens } from "../engine/token-budget.js";
import { ConnectionDrain } from "./connection-drain.js";
import { EmbedService, type InputLimits } from "./embed-service.js";
import { RerankService } from "./rerank-service.js";
import { rerankRoutes, wrongTaskRoutes } from "./routes-rerank.js";
import { checkFinite, ModelHealth } from "./model-health.js";
import { buildOpenApi } from "./openapi.js";
import { createPipeline, type Route } from "./pipeline.js";
import type { OpsDeps, RouteDeps } from "./route-deps.js";
import { openaiRoutes } from "./routes-openai.js";
import { opsRoutes } from "./routes-ops.js";
import { teiRoutes } from "./routes-tei.js";
import type { ServerConfig } from "./server-config.js";
import { ServerMetrics } from "./server-metrics.js";
import { checkIndexModel } from "../index/index-settings.js";
import { SearchService, type SearchTarget } from "./search-service.js";
import { noIndexRoutes, searchRoutes } from "./routes-search.js";
import { chunkRoutes } from "./routes-chunks.js";

export interface ServerOptions {
  readonly config: ServerConfig;
  /**
   * An open model: an embedder (embedding routes) or a cross-encoder (rerank routes); see
   * modelOptionsFor() for the engine options that match the config.
   */
  readonly model: TextEmbedding | TextCrossEncoder;
  /** Default: pino JSON lines on stdout at config.logLevel. */
  readonly logger?: Logger;
  /** Dispose the model when the server is closed. Default true. */
  readonly disposeModel?: boolean;
  /** Reported by /info. */
  readonly version?: string;
  /**
   * A vector index to answer POST /v1/search from (built with `model`, an embedder), and an
   * optional reranker. The caller closes both after close().
   */
  readonly search?: SearchTarget;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** Graceful shutdown; resolves when in-flight requests are answered and the model disposed. Idempotent. */
  close(): Promise<void>;
}

/**
 * The engine options a server's model should be opened with. The batcher packs each batch by
 * its own budget and the engine runs it as one runtime call (embedPacked), so the engine's
 * batching options play no part here.
 */
export function modelOptionsFor(config: ServerConfig): TextEmbeddingOptions {
  return {
    model: config.model,
    quantization: config.quantization,
    ...(config.threads !== undefined ? { intraOpThreads: config.threads } : {}),
  };
}

function invalid(field: string, message: string): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} ${message}`, { field });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, model } = options;
  const maxInputTokens = config.maxInputTokens ?? model.maxTokens;
  if (maxInputTokens > model.maxTokens) {
    throw invalid("maxInputTokens", `is ${maxInputTokens}, over the model's limit of ${model.maxTokens} tokens`);
  }
  const maxBatchTokens = config.maxBatchTokens ?? defaultBatchTokens(maxInputTokens);
  if (maxBatchTokens < maxInputTokens) {
    throw invalid(
      "maxBatchTokens",
      `is ${maxBatchTokens}; it must hold one input of maxInputTokens (${maxInputTokens})`,
    );
  }
  const logger = options.logger ?? pino({ name: "embedkit", level: config.logLevel });
  const metrics = new ServerMetrics();
  let shuttingDown = false;
  let openapi: unknown;
  const ops: Omit<OpsDeps, "modelInfo"> = {
    config,
    metrics,
    version: options.version ?? "unknown",
    maxBatchTokens,
    unhealthy: async () => (shuttingDown ? "the server is shutting down" : await served.health.check()),
    openapi: () =>
      (openapi ??= buildOpenApi(routes, {
        title: "embedkit",
        version: options.version ?? "unknown",
        description: served.description,
      })),
  };
  const batching = {
    maxBatchTokens,
    maxBatchSize: config.maxBatchSize,
    maxWaitMs: config.maxWaitMs,
    crossRequest: config.batching,
  };
  const hooks = {
    onBatch: (b: BatchReport) => metrics.batch(b),
    onDropped: (rows: number) => metrics.dropped.inc({}, rows),
  };
  const limits = {
    maxClientBatchSize: config.maxClientBatchSize,
    maxInputChars: config.maxInputChars,
    maxInputTokens,
  };
  const search = options.search;
  if (search !== undefined) {
    if (model instanceof TextCrossEncoder) {
      throw invalid("search", `needs an embedding model; ${model.modelId} is a reranker (cross-encoder)`);
    }
    checkIndexModel(search.index.path, search.index.settings, model.modelId);
  }
  const served =
    model instanceof TextCrossEncoder
      ? serveReranker(model, ops, { batching, hooks, limits, metrics })
      : serveEmbedder(model, ops, { batching, hooks, limits, metrics, search });
  const admission = new Admission(config.maxConcurrentRequests, config.maxQueuedInputs);
  const routes: Route[] = [
    ...served.routes,
    ...opsRoutes({ ...ops, modelInfo: served.info, ...(served.index ? { index: served.index } : {}) }),
  ];
  const handler = createPipeline({
    routes,
    admission,
    metrics,
    logger,
    cors: { allowOrigin: config.corsAllowOrigin, maxAgeSeconds: config.corsMaxAgeSeconds },
    apiKey: config.apiKey,
    maxBodyBytes: config.maxBodyBytes,
    isShuttingDown: () => shuttingDown,
  });

  // As TEI does before it listens: one inference call, so /health knows whether the model works.
  // A model that fails it (e.g. NaN from corrupt weights) is still served, unhealthy, so /health
  // can say why; its requests get `non_finite_output` errors, never null vectors.
  const startupProblem = await served.health.check();
  if (startupProblem !== null) logger.error({ reason: startupProblem }, "the model failed its start-up check");

  const server: Server = createServer(
    { requestTimeout: config.requestTimeoutMs, headersTimeout: Math.min(60_000, config.requestTimeoutMs) },
    handler,
  );
  const connections = new ConnectionDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    {
      url,
      port,
      model: model.modelId,
      batching: config.batching,
      maxBatchTokens,
      auth: config.apiKey !== undefined,
    },
    "listening",
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      shuttingDown = true;
      logger.info({ inflight: admission.activeRequests }, "shutting down: finishing in-flight requests");
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), config.shutdownTimeoutMs);
      });
      // Every admitted request answered, and every answer flushed to its client.
      const finished = Promise.all([admission.idle(), connections.drain()]).then(() => false);
      const expired = await Promise.race([finished, timedOut]);
      clearTimeout(timer);
      if (expired) {
        logger.warn(
          { inflight: admission.activeRequests, connections: connections.open },
          "shutdown timeout: closing remaining connections",
        );
        connections.destroyAll();
      }
      server.close(); // http.Server's own housekeeping; no connection is left to close
      await served.close();
      if (options.disposeModel ?? true) await model.dispose();
      logger.info("stopped");
    })());

  return { url, port, metrics, logger, close };
}

interface ServedParts {
  readonly batching: BatcherOptions;
  readonly hooks: BatcherHooks;
  readonly limits: InputLimits;
  readonly metrics: ServerMetrics;
  readonly search?: SearchTarget | undefined;
}

/** One task's side of the server: its routes, batcher, health probe and /info fields. */
interface Served {
  readonly routes: Route[];
  readonly health: ModelHealth;
  readonly info: OpsDeps["modelInfo"];
  readonly description: string;
  /** /info's index fields, when an index is served. */
  readonly index?: OpsDeps["index"];
  close(): Promise<void>;
}

const EMBEDDING_ROUTES = [
  { path: "/embed", dialect: "tei" },
  { path: "/embed_sparse", dialect: "tei" },
  { path: "/embed_chunks", dialect: "tei" },
  { path: "/v1/embeddings", dialect: "openai" },
] as const;

const RERANK_ROUTES = [
  { path: "/rerank", dialect: "tei" },
  { path: "/v1/rerank", dialect: "openai" },
] as const;

function serveEmbedder(model: TextEmbedding, ops: Omit<OpsDeps, "modelInfo">, parts: ServedParts): Served {
  // Every inference call goes through here: NaN/Infinity is an error, and the outcome is the model's health.
  const runChecked = async (encodings: readonly Encoding[]): Promise<Float32Array[]> => {
    try {
      const vectors = await model.embedPacked(encodings);
      checkFinite(vectors);
      health.succeeded();
      return vectors;
    } catch (e) {
      health.failed(e);
      throw e;
    }
  };
  const health = new ModelHealth(async () => {
    await runChecked(await model.encode(["health check"], { truncate: true }));
  });
  const batcher = new Batcher<Float32Array>(runChecked, parts.batching, parts.hooks);
  parts.metrics.watchBatcher(batcher);
  const service = new EmbedService(model, batcher, parts.limits, (inputs) => parts.metrics.dropped.inc({}, inputs));
  const info: OpsDeps["modelInfo"] = {
    modelId: model.modelId,
    quantization: model.quantization,
    modelType: { embedding: { pooling: model.spec.pooling } },
    dimension: model.spec.dim,
    maxInputTokens: parts.limits.maxInputTokens,
  };
  const deps: RouteDeps = { ...ops, model, service, modelInfo: info };
  const search = parts.search ? new SearchService(parts.search, model, service) : undefined;
  const name = ops.config.servedModelName ?? model.modelId;
  return {
    routes: [
      ...teiRoutes(deps),
      ...openaiRoutes(deps),
      ...chunkRoutes(deps),
      ...(search ? searchRoutes(search, name) : noIndexRoutes()),
      ...wrongTaskRoutes(model.modelId, "embed", RERANK_ROUTES),
    ],
    health,
    info,
    ...(search ? { index: () => search.describe() } : {}),
    description: `Text embeddings with ${model.modelId}: TEI routes and OpenAI's embeddings API${search ? ", and search over a vector index" : ""}.`,
    close: () => batcher.close(),
  };
}

function serveReranker(model: TextCrossEncoder, ops: Omit<OpsDeps, "modelInfo">, parts: ServedParts): Served {
  // Batches run raw logits; each request applies its own activation (TEI's raw_scores).
  const runChecked = async (encodings: readonly Encoding[]): Promise<number[]> => {
    try {
      const scores = await model.scorePacked(encodings, "none");
      const bad = scores.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) {
        throw new EmbedkitError(
          ERROR_CODES.NON_FINITE_OUTPUT,
          `the model gave a non-finite score (${scores[bad]}) for a pair; its weights may be damaged`,
          { row: bad },
        );
      }
      health.succeeded();
      return scores;
    } catch (e) {
      health.failed(e);
      throw e;
    }
  };
  const health = new ModelHealth(async () => {
    await runChecked(await model.encodePairs([["health check", "health check"]], { truncate: true }));
  });
  const batcher = new Batcher<number>(runChecked, parts.batching, parts.hooks);
  parts.metrics.watchBatcher(batcher);
  const service = new RerankService(model, batcher, parts.limits, (inputs) => parts.metrics.dropped.inc({}, inputs));
  return {
    routes: [
      ...rerankRoutes({ modelId: model.modelId, service, config: ops.config }),
      ...wrongTaskRoutes(model.modelId, "rerank", EMBEDDING_ROUTES),
      ...noIndexRoutes(),
    ],
    health,
    info: {
      modelId: model.modelId,
      quantization: model.quantization,
      modelType: { reranker: { activation: model.spec.activation } },
      maxInputTokens: parts.limits.maxInputTokens,
    },
    description: `Reranking with ${model.modelId}: TEI's /rerank and the Cohere/Jina /v1/rerank API.`,
    close: () => batcher.close(),
  };
}
