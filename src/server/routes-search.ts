/**
 * L6: the search routes over the served vector index: POST /v1/search (OpenAI-style errors) and
 * POST /search (TEI-style errors), the same request and answer. On a server started without
 * --index both answer `no_index` (404) saying how to serve one.
 */
import type { IndexHit } from "../index/vector-index-options.js";
import { SERVER_ERROR_CODES, ServerError, type Dialect } from "./http-errors.js";
import { defineRoute, type Route } from "./pipeline.js";
import type { SearchService } from "./search-service.js";
import { searchRequest, searchResponse } from "./schemas.js";

const SEARCH_PATHS: readonly { path: string; dialect: Dialect; tag: string }[] = [
  { path: "/v1/search", dialect: "openai", tag: "Search" },
  { path: "/search", dialect: "tei", tag: "Search" },
];

function result(h: IndexHit) {
  return {
    id: h.id,
    chunk: h.chunkIndex,
    start: h.start,
    end: h.end,
    text: h.text,
    score: h.score,
    metadata: h.metadata,
    ...(h.denseScore !== undefined ? { dense_score: h.denseScore } : {}),
    ...(h.sparseScore !== undefined ? { sparse_score: h.sparseScore } : {}),
  };
}

/** POST /v1/search and /search over `service`'s index; `model` is the name answers report. */
export function searchRoutes(service: SearchService, model: string): Route[] {
  return SEARCH_PATHS.map(({ path, dialect, tag }) =>
    defineRoute({
      method: "POST",
      paths: [path],
      operationId: dialect === "openai" ? "v1Search" : "search",
      summary:
        "The best chunks of the served vector index (--index) for a query: dense, sparse or hybrid (`mode`), with the index's ANN and binary-rescoring knobs; optional metadata filter and rerank.",
      tag,
      dialect,
      admitted: true,
      request: searchRequest,
      response: searchResponse,
      async handle(ctx, body) {
        const hits = await service.search(
          {
            query: body.query,
            topK: body.top_k ?? 10,
            filter: body.filter ?? undefined,
            rerank: body.rerank ?? false,
            rerankTop: body.rerank_top ?? undefined,
            mode: body.mode ?? undefined,
            fusion: body.fusion ?? undefined,
            candidates: body.candidates ?? undefined,
            exact: body.exact ?? undefined,
            nprobes: body.nprobes ?? undefined,
            ef: body.ef ?? undefined,
            refineFactor: body.refine_factor ?? undefined,
            rescore: body.rescore ?? undefined,
            rescoreWith: body.rescore_with ?? undefined,
          },
          ctx,
        );
        return { json: { model, results: hits.map(result) } };
      },
    }),
  );
}

/** On a server without an index: the search paths answer `no_index` instead of a bare 404. */
export function noIndexRoutes(): Route[] {
  return SEARCH_PATHS.map(({ path, dialect, tag }) =>
    defineRoute({
      method: "POST",
      paths: [path],
      operationId: `noIndex${path.replace(/[^a-z]/gi, "_")}`,
      summary: "Not served: the server was started without --index.",
      tag,
      dialect,
      admitted: false,
      handle: () => {
        throw new ServerError(
          SERVER_ERROR_CODES.NO_INDEX,
          `${path} needs a vector index: start the server with \`embedkit serve --index DIR\``,
          { route: path },
        );
      },
    }),
  );
}
