/**
 * L6: the routes of a server running a sparse (SPLADE) model: TEI's POST /embed_sparse
 * (`{inputs, truncate?}` -> `[[{index, value}]]`), batched by the request batcher; the dense
 * routes answer a typed 4xx (`wrong_model_task`) naming the model's task; /health and /info.
 */
import type { Batcher } from "../engine/batcher.js";
import { EmbedkitError, ERROR_CODES, InputTooLongError } from "../errors.js";
import type { SparseTextEmbedding } from "../sparse/sparse-text-embedding.js";
import type { SparseVector } from "../types.js";
import { checkTexts, clientClosed, type InputLimits } from "./embed-service.js";
import { SERVER_ERROR_CODES, ServerError } from "./http-errors.js";
import { defineRoute, type Route } from "./pipeline.js";
import type { ServerConfig } from "./server-config.js";
import { embedSparseRequest, embedSparseResponse } from "./schemas.js";

export interface SparseRouteDeps {
  readonly model: SparseTextEmbedding;
  readonly batcher: Batcher<SparseVector>;
  readonly config: ServerConfig;
  readonly limits: InputLimits;
  readonly version: string;
  readonly isShuttingDown: () => boolean;
}

/** The dense routes a TEI client may call; on a sparse model each is refused, naming /embed_sparse. */
const DENSE_ROUTES: readonly { path: string; dialect: "tei" | "openai" }[] = [
  { path: "/embed", dialect: "tei" },
  { path: "/embed_all", dialect: "tei" },
  { path: "/v1/embeddings", dialect: "openai" },
];

export function sparseRoutes(deps: SparseRouteDeps): Route[] {
  const { model, batcher, config, limits } = deps;
  const refuse = DENSE_ROUTES.map(({ path, dialect }) =>
    defineRoute({
      method: "POST",
      paths: [path],
      operationId: `dense${path.replace(/[^a-z]/gi, "_")}`,
      summary: `Refused: ${model.modelId} is a sparse model; use POST /embed_sparse.`,
      tag: "TEI",
      dialect,
      admitted: false,
      handle() {
        throw new EmbedkitError(
          ERROR_CODES.WRONG_MODEL_TASK,
          `${path} gives dense vectors, but the served model ${model.modelId} is a sparse model (task "sparse"); use POST /embed_sparse`,
          { field: "model", model: model.modelId, task: "sparse", route: path },
        );
      },
    }),
  );
  return [
    defineRoute({
      method: "POST",
      paths: ["/embed_sparse"],
      operationId: "embedSparse",
      summary: "Sparse vectors (TEI): per input, its non-zero vocabulary entries in index order.",
      tag: "TEI",
      dialect: "tei",
      admitted: true,
      request: embedSparseRequest,
      response: embedSparseResponse,
      async handle(ctx, body) {
        const texts = typeof body.inputs === "string" ? [body.inputs] : body.inputs;
        checkTexts(texts, "inputs", limits);
        ctx.permit.addInputs(texts.length);
        if (ctx.signal.aborted) throw clientClosed();
        const arrived = batcher.expect();
        let encodings;
        const t0 = performance.now();
        try {
          encodings = await model.encode(texts, { truncate: body.truncate ?? config.autoTruncate });
        } catch (e) {
          arrived();
          if (e instanceof InputTooLongError) {
            const { index, tokens, maxTokens } = e.details;
            throw new InputTooLongError(
              `\`inputs[${index}]\` has ${tokens} tokens; the limit is ${maxTokens} (send "truncate": true to cut it)`,
              { field: `inputs[${index}]`, index, tokens, maxTokens },
            );
          }
          throw e;
        } finally {
          ctx.timings.tokenizationMs = performance.now() - t0;
        }
        const pending = batcher.submit(encodings, ctx.signal, clientClosed);
        arrived();
        const result = await pending;
        ctx.timings.queueMs = result.queueMs;
        ctx.timings.inferenceMs = result.inferenceMs;
        ctx.timings.inputs = texts.length;
        ctx.timings.tokens = encodings.reduce((a, e) => a + e.ids.length, 0);
        return {
          json: result.outputs.map((v) => Array.from(v.indices, (index, i) => ({ index, value: v.values[i]! }))),
        };
      },
    }),
    ...refuse,
    defineRoute({
      method: "GET",
      paths: ["/health"],
      operationId: "health",
      summary: "200 when the server is ready, 503 while shutting down.",
      tag: "Ops",
      dialect: "tei",
      admitted: false,
      public: true,
      duringShutdown: true,
      handle() {
        if (deps.isShuttingDown())
          throw new ServerError(SERVER_ERROR_CODES.UNHEALTHY, "the server is shutting down", {});
        return { json: {} };
      },
    }),
    defineRoute({
      method: "GET",
      paths: ["/info"],
      operationId: "info",
      summary: "The served model (TEI's /info fields that apply to a sparse model).",
      tag: "Ops",
      dialect: "tei",
      admitted: false,
      handle() {
        return {
          json: {
            model_id: model.modelId,
            model_type: { splade: {} },
            max_input_length: model.spec?.maxTokens ?? null,
            max_client_batch_size: limits.maxClientBatchSize,
            auto_truncate: config.autoTruncate,
            version: deps.version,
          },
        };
      },
    }),
  ];
}
