/**
 * L6: the reranking routes: TEI's POST /rerank and the POST /v1/rerank shape Cohere, Jina and
 * the LangChain / LlamaIndex rerank clients speak. And the other side: on a server that runs
 * one task, the routes of the other task answer `wrong_model_task` (a 4xx naming the model's
 * task) instead of 404, so a client pointed at the wrong server learns why.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { defineRoute, type Route } from "./pipeline.js";
import type { RerankService } from "./rerank-service.js";
import type { ServerConfig } from "./server-config.js";
import { teiRerankRequest, teiRerankResponse, v1RerankRequest, v1RerankResponse } from "./schemas.js";

export interface RerankDeps {
  readonly modelId: string;
  readonly service: RerankService;
  readonly config: ServerConfig;
}

function ranked(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

export function rerankRoutes(deps: RerankDeps): Route[] {
  const { service, config } = deps;
  const name = config.servedModelName ?? deps.modelId;
  return [
    defineRoute({
      method: "POST",
      paths: ["/rerank"],
      operationId: "rerank",
      summary:
        "Rerank texts for a query (TEI); results sorted by score. Over-long pairs are refused unless `truncate`.",
      tag: "TEI",
      dialect: "tei",
      admitted: true,
      request: teiRerankRequest,
      response: teiRerankResponse,
      async handle(ctx, body) {
        const out = await service.rerank(
          {
            query: body.query,
            texts: body.texts,
            field: "texts",
            truncate: body.truncate ?? config.autoTruncate,
            raw: body.raw_scores ?? false,
          },
          ctx,
        );
        const withText = body.return_text ?? false;
        return {
          json: ranked(out.scores).map((i) =>
            withText ? { index: i, score: out.scores[i]!, text: body.texts[i]! } : { index: i, score: out.scores[i]! },
          ),
        };
      },
    }),
    defineRoute({
      method: "POST",
      paths: ["/v1/rerank"],
      operationId: "v1Rerank",
      summary: "Rerank documents (Cohere / Jina shape); `relevance_score` is the model's activation of its logit.",
      tag: "OpenAI",
      dialect: "openai",
      admitted: true,
      request: v1RerankRequest,
      response: v1RerankResponse,
      async handle(ctx, body) {
        const texts = body.documents.map((d) => (typeof d === "string" ? d : d.text));
        const out = await service.rerank(
          { query: body.query, texts, field: "documents", truncate: config.autoTruncate, raw: false },
          ctx,
        );
        const keep = ranked(out.scores).slice(0, body.top_n ?? texts.length);
        const withDocs = body.return_documents ?? false;
        return {
          json: {
            model: name,
            results: keep.map((i) =>
              withDocs
                ? { index: i, relevance_score: out.scores[i]!, document: { text: texts[i]! } }
                : { index: i, relevance_score: out.scores[i]! },
            ),
            usage: { total_tokens: out.tokens },
          },
        };
      },
    }),
  ];
}

/** Routes of a task the served model does not have: each answers `wrong_model_task`. */
export function wrongTaskRoutes(
  modelId: string,
  served: "embed" | "rerank",
  paths: readonly { path: string; dialect: "tei" | "openai" }[],
): Route[] {
  const what = served === "rerank" ? "a reranker (cross-encoder)" : "an embedding model";
  const use = served === "rerank" ? "POST /rerank or /v1/rerank" : "POST /embed or /v1/embeddings";
  return paths.map(({ path, dialect }) =>
    defineRoute({
      method: "POST",
      paths: [path],
      operationId: `wrongTask${path.replace(/[^a-z]/gi, "_")}`,
      summary: `Not served: the model is ${what}.`,
      tag: dialect === "tei" ? "TEI" : "OpenAI",
      dialect,
      admitted: false,
      handle: () => {
        throw new EmbedkitError(
          ERROR_CODES.WRONG_MODEL_TASK,
          `this server runs "${modelId}", ${what}; ${path} is not available: use ${use}`,
          { model: modelId, task: served, route: path },
        );
      },
    }),
  );
}
