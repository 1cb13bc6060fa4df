/**
 * L5: what the route handlers are given.
 */
import type { TextEmbedding } from "../embed/text-embedding.js";
import type { EmbedService } from "./embed-service.js";
import type { ServerConfig } from "./server-config.js";
import type { ServerMetrics } from "./server-metrics.js";

export interface RouteDeps {
  readonly model: TextEmbedding;
  readonly service: EmbedService;
  readonly config: ServerConfig;
  readonly metrics: ServerMetrics;
  /** Null when healthy, else why not (may run a probe through the model; see model-health.ts). */
  readonly unhealthy: () => Promise<string | null>;
  /** The OpenAPI document (built once, on first request). */
  readonly openapi: () => unknown;
  readonly version: string;
  /** The padded-token budget per inference call, resolved against the model. */
  readonly maxBatchTokens: number;
}
