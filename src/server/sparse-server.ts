/**
 * L6: the HTTP server for a sparse (SPLADE) model: the same pipeline, admission, request batcher
 * and error table as the dense server (server.ts), with the routes of routes-sparse.ts.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { Batcher } from "../engine/batcher.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { SparseTextEmbedding } from "../sparse/sparse-text-embedding.js";
import { SPLADE_MAX_BATCH_TOKENS } from "../sparse/splade-backend.js";
import type { SparseVector } from "../types.js";
import { Admission } from "./admission.js";
import { ConnectionDrain } from "./connection-drain.js";
import { createPipeline } from "./pipeline.js";
import { sparseRoutes } from "./routes-sparse.js";
import type { ServerConfig } from "./server-config.js";
import { ServerMetrics } from "./server-metrics.js";
import type { RunningServer } from "./server.js";

/** What {@link startSparseServer} needs. */
export interface SparseServerOptions {
  readonly config: ServerConfig;
  /** An open SPLADE model. */
  readonly model: SparseTextEmbedding;
  readonly logger?: Logger;
  /** Dispose the model when the server is closed. Default true. */
  readonly disposeModel?: boolean;
  readonly version?: string;
}

/** Starts a server answering TEI's /embed_sparse with `model`; dense routes answer `wrong_model_task`. */
export async function startSparseServer(options: SparseServerOptions): Promise<RunningServer> {
  const { config, model } = options;
  const window = model.spec?.maxTokens;
  if (window === undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--model ${model.modelId} has no model to serve; the server runs SPLADE models (BM25 needs no server)`,
      { field: "model", model: model.modelId },
    );
  }
  const maxInputTokens = Math.min(config.maxInputTokens ?? window, window);
  // The logits are tokens x vocabulary floats: a budget of one full window by default.
  const maxBatchTokens = Math.max(config.maxBatchTokens ?? SPLADE_MAX_BATCH_TOKENS, maxInputTokens);
  const logger = options.logger ?? pino({ name: "embedkit", level: config.logLevel });
  const metrics = new ServerMetrics();
  const batcher = new Batcher<SparseVector>(
    (encodings) => model.embedPacked(encodings),
    { maxBatchTokens, maxBatchSize: config.maxBatchSize, maxWaitMs: config.maxWaitMs, crossRequest: config.batching },
    { onBatch: (b) => metrics.batch(b), onDropped: (rows) => metrics.dropped.inc({}, rows) },
  );
  metrics.watchBatcher(batcher);
  const admission = new Admission(config.maxConcurrentRequests, config.maxQueuedInputs);
  let shuttingDown = false;
  const routes = sparseRoutes({
    model,
    batcher,
    config,
    limits: {
      maxClientBatchSize: config.maxClientBatchSize,
      maxInputChars: config.maxInputChars,
      maxInputTokens,
    },
    version: options.version ?? "unknown",
    isShuttingDown: () => shuttingDown,
  });
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
  logger.info({ url, port, model: model.modelId, task: "sparse", maxBatchTokens }, "listening");
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      shuttingDown = true;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), config.shutdownTimeoutMs);
      });
      const finished = Promise.all([admission.idle(), connections.drain()]).then(() => false);
      if (await Promise.race([finished, timedOut])) connections.destroyAll();
      clearTimeout(timer);
      server.close();
      await batcher.close();
      if (options.disposeModel ?? true) await model.dispose();
      logger.info("stopped");
    })());
  return { url, port, metrics, logger, close };
}
