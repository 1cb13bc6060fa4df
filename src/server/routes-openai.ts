/**
 * L6: OpenAI's embeddings API: POST /v1/embeddings (and /embeddings), and GET /v1/models
 * listing the one model served (clients list models to check the name). The `model` field is
 * accepted and ignored (one model per server); over-long inputs are a 400
 * `invalid_request_error` with code `input_too_long`, as OpenAI answers, unless the server runs
 * with --auto-truncate.
 */
import { defineRoute, type Route } from "./pipeline.js";
import type { RouteDeps } from "./route-deps.js";
import {
  openaiEmbeddingRequest,
  openaiEmbeddingResponse,
  openaiModelList,
  type OpenAIEmbeddingRequest,
} from "./schemas.js";
import { precisionOf, type EmbedInputs } from "./embed-service.js";

function inputsOf(input: OpenAIEmbeddingRequest["input"]): EmbedInputs {
  if (typeof input === "string") return { texts: [input] };
  if (input.length === 0) return { texts: [] };
  const first = input[0];
  if (typeof first === "string") return { texts: input as string[] };
  if (typeof first === "number") return { ids: [input as number[]] };
  return { ids: input as number[][] };
}

/** The vector's bytes: little-endian float32, or the raw int8/uint8 values with a precision. */
function base64(v: Float32Array | Int8Array | Uint8Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

export function openaiRoutes(deps: RouteDeps): Route[] {
  const { model, service, config } = deps;
  const name = config.servedModelName ?? model.modelId;
  // OpenAI's `created` is a Unix time in seconds; here, when this server started serving the model.
  const created = Math.floor(Date.now() / 1000);
  // A hub id's organization ("BAAI/bge-small-en-v1.5"); a local folder's model is "embedkit"'s.
  const owner = /^[\w.-]+\/[\w.-]+$/.test(model.modelId) ? model.modelId.split("/")[0]! : "embedkit";
  return [
    defineRoute({
      method: "GET",
      paths: ["/v1/models"],
      operationId: "openai_models",
      summary: "OpenAI-compatible model list: the one model this server runs.",
      tag: "OpenAI",
      dialect: "openai",
      admitted: false,
      response: openaiModelList,
      handle: () => ({ json: { object: "list", data: [{ id: name, object: "model", created, owned_by: owner }] } }),
    }),
    defineRoute({
      method: "POST",
      paths: ["/v1/embeddings", "/embeddings"],
      operationId: "openai_embeddings",
      summary: "OpenAI-compatible embeddings.",
      tag: "OpenAI",
      dialect: "openai",
      admitted: true,
      request: openaiEmbeddingRequest,
      response: openaiEmbeddingResponse,
      async handle(ctx, body) {
        const out = await service.embed(
          {
            inputs: inputsOf(body.input),
            field: "input",
            truncate: config.autoTruncate,
            truncationDirection: "right",
            normalize: model.spec.normalize,
            dimensions: body.dimensions ?? undefined,
            precision: precisionOf(body),
          },
          ctx,
        );
        const encode =
          body.encoding_format === "base64" ? base64 : (v: Float32Array | Int8Array | Uint8Array) => Array.from(v);
        const tokens = out.tokenCounts.reduce((a, b) => a + b, 0);
        return {
          json: {
            object: "list",
            data: out.vectors.map((v, index) => ({ object: "embedding", index, embedding: encode(v) })),
            model: name,
            usage: { prompt_tokens: tokens, total_tokens: tokens },
          },
        };
      },
    }),
  ];
}
