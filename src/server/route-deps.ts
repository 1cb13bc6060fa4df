/**
 * L6: what the route handlers are given.
 */
import type { TextEmbedding } from "../embed/text-embedding.js";
import type { Quantization } from "../types.js";
import type { EmbedService } from "./embed-service.js";
import type { ServerConfig } from "./server-config.js";
import type { ServerMetrics } from "./server-metrics.js";

/** What the operations routes (/info, /health, /metrics, /openapi.json) need, whatever the model's task. */
export interface OpsDeps {
  readonly config: ServerConfig;
  readonly metrics: ServerMetrics;
  /** Null when healthy, else why not (may run a probe through the model; see model-health.ts). */
  readonly unhealthy: () => Promise<string | null>;
  /** The OpenAPI document (built once, on first request). */
  readonly openapi: () => unknown;
  readonly version: string;
  /** The padded-token budget per inference call, resolved against the model. */
  readonly maxBatchTokens: number;
  /** /info's model fields. */
  readonly modelInfo: {
    readonly modelId: string;
    readonly quantization: Quantization;
    readonly modelType: { embedding: { pooling: string } } | { reranker: { activation: string } };
    readonly dimension?: number;
    readonly maxInputTokens: number;
  };
  /** /info's `index` fields, when the server serves a vector index (--index). */
  readonly index?: () => Promise<{
    readonly path: string;
    readonly records: number;
    readonly chunks: number;
    readonly chunking: string;
    readonly sparse: string;
    readonly precision: string;
    readonly rerankModel: string | null;
  }>;
}

/** What the embedding routes are given. */
export interface RouteDeps extends OpsDeps {
  readonly model: TextEmbedding;
  readonly service: EmbedService;
}
