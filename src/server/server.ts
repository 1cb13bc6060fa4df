/**
 * L5: the embedkit HTTP server: one node:http server, one pipeline, one route table, one
 * batcher, one model. `startServer` listens; `close()` shuts down gracefully: stop accepting
 * connections, answer 503 to new requests on open connections, finish every in-flight request
 * and flush its response (connection-drain.ts), stop the batcher, then dispose the model.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import type { TextEmbedding, TextEmbeddingOptions } from "../embed/text-embedding.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { Encoding } from "../types.js";
import { Admission } from "./admission.js";
import { Batcher } from "../engine/batcher.js";
import { defaultBatchTokens } from "../engine/token-budget.js";
import { ConnectionDrain } from "./connection-drain.js";
import { EmbedService } from "./embed-service.js";
import { checkFinite, ModelHealth } from "./model-health.js";
import { buildOpenApi } from "./openapi.js";
import { createPipeline, type Route } from "./pipeline.js";
import type { RouteDeps } from "./route-deps.js";
import { openaiRoutes } from "./routes-openai.js";
import { opsRoutes } from "./routes-ops.js";
import { teiRoutes } from "./routes-tei.js";
import type { ServerConfig } from "./server-config.js";
import { ServerMetrics } from "./server-metrics.js";

export interface ServerOptions {
  readonly config: ServerConfig;
  /** An open model; see modelOptionsFor() for the engine options that match the config. */
  readonly model: TextEmbedding;
  /** Default: pino JSON lines on stdout at config.logLevel. */
  readonly logger?: Logger;
  /** Dispose the model when the server is closed. Default true. */
  readonly disposeModel?: boolean;
  /** Reported by /info. */
  readonly version?: string;
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
  const batcher = new Batcher<Float32Array>(
    runChecked,
    {
      maxBatchTokens,
      maxBatchSize: config.maxBatchSize,
      maxWaitMs: config.maxWaitMs,
      crossRequest: config.batching,
    },
    {
      onBatch: (b) => metrics.batch(b),
      onDropped: (rows) => metrics.dropped.inc({}, rows),
    },
  );
  metrics.watchBatcher(batcher);
  const service = new EmbedService(
    model,
    batcher,
    {
      maxClientBatchSize: config.maxClientBatchSize,
      maxInputChars: config.maxInputChars,
      maxInputTokens,
    },
    (inputs) => metrics.dropped.inc({}, inputs),
  );
  const admission = new Admission(config.maxConcurrentRequests, config.maxQueuedInputs);
  let shuttingDown = false;
  let openapi: unknown;
  const deps: RouteDeps = {
    model,
    service,
    config,
    metrics,
    version: options.version ?? "unknown",
    maxBatchTokens,
    unhealthy: async () => (shuttingDown ? "the server is shutting down" : await health.check()),
    openapi: () =>
      (openapi ??= buildOpenApi(routes, {
        title: "embedkit",
        version: options.version ?? "unknown",
        description: `Text embeddings with ${model.modelId}: TEI routes and OpenAI's embeddings API.`,
      })),
  };
  const routes: Route[] = [...teiRoutes(deps), ...openaiRoutes(deps), ...opsRoutes(deps)];
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
  const startupProblem = await health.check();
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
      await batcher.close();
      if (options.disposeModel ?? true) await model.dispose();
      logger.info("stopped");
    })());

  return { url, port, metrics, logger, close };
}
