/**
 * L6: operations routes: GET /info, /health (also GET / and GET /ping, as TEI serves it),
 * /metrics, /openapi.json.
 */
import { SERVER_ERROR_CODES, ServerError } from "./http-errors.js";
import { defineRoute, type Route } from "./pipeline.js";
import type { OpsDeps } from "./route-deps.js";
import { infoResponse } from "./schemas.js";

export function opsRoutes(deps: OpsDeps): Route[] {
  const { config, metrics, modelInfo: m } = deps;
  return [
    defineRoute({
      method: "GET",
      paths: ["/info"],
      operationId: "info",
      summary: "The model, the server's limits, and the vector index served (with --index).",
      tag: "TEI",
      dialect: "tei",
      admitted: false,
      response: infoResponse,
      handle: async () => {
        const index = deps.index ? await deps.index() : undefined;
        return {
          json: {
            model_id: config.servedModelName ?? m.modelId,
            model_sha: null,
            model_dtype: { fp32: "float32", fp16: "float16", int8: "int8" }[m.quantization],
            model_type: m.modelType,
            ...(m.dimension !== undefined ? { dimension: m.dimension } : {}),
            max_concurrent_requests: config.maxConcurrentRequests,
            max_input_length: m.maxInputTokens,
            max_batch_tokens: deps.maxBatchTokens,
            max_batch_requests: config.batching ? config.maxBatchSize : 1,
            max_client_batch_size: config.maxClientBatchSize,
            auto_truncate: config.autoTruncate,
            batching: config.batching,
            version: deps.version,
            ...(index
              ? {
                  index: {
                    path: index.path,
                    records: index.records,
                    chunks: index.chunks,
                    chunking: index.chunking,
                    sparse: index.sparse,
                    precision: index.precision,
                    rerank_model: index.rerankModel,
                  },
                }
              : {}),
          },
        };
      },
    }),
    defineRoute({
      method: "GET",
      paths: ["/health", "/", "/ping"],
      operationId: "health",
      summary:
        "200 while the server takes requests; 503 while shutting down or while the model fails (probed, as TEI does).",
      tag: "TEI",
      dialect: "tei",
      admitted: false,
      public: true,
      duringShutdown: true,
      handle: async () => {
        const why = await deps.unhealthy();
        if (why !== null) throw new ServerError(SERVER_ERROR_CODES.UNHEALTHY, why);
        return { status: 200 };
      },
    }),
    defineRoute({
      method: "GET",
      paths: ["/metrics"],
      operationId: "metrics",
      summary: "Prometheus metrics (text format 0.0.4).",
      tag: "Operations",
      dialect: "tei",
      admitted: false,
      duringShutdown: true,
      responseContentType: "text/plain; version=0.0.4",
      handle: () => ({ text: metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8" }),
    }),
    defineRoute({
      method: "GET",
      paths: ["/openapi.json"],
      operationId: "openapi",
      summary: "This document.",
      tag: "Operations",
      dialect: "tei",
      admitted: false,
      handle: () => ({ json: deps.openapi() }),
    }),
  ];
}
