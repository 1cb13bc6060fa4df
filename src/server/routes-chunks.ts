/**
 * L6: POST /embed_chunks (embedkit extension, TEI-style errors): long documents split into chunks,
 * each with its vector, by the library's embedChunks on the server's own model ("late": one pass
 * over each document, a span mean per chunk; "naive": each chunk embedded alone).
 *
 * Limits: at most --max-client-batch-size documents, each at most --max-input-chars characters
 * and not empty, all within --max-body-bytes; there is no token limit per document (late chunking
 * runs long documents in macro windows; naive chunks are sized to fit the window), so nothing is
 * ever truncated. Chunking options are checked by the library: a bad one is its `invalid_option`
 * naming `chunking.<field>` (422). Inference does not go through the request batcher (which runs
 * pooled vectors, not span means); admission (--max-concurrent-requests, --max-queued-inputs,
 * one input per document) bounds it, and a client that goes away stops it between documents.
 */
import type { ChunkBy } from "../chunking/chunk-types.js";
import type { ChunkStrategy, EmbeddedChunk } from "../embed/embed-chunks.js";
import { checkTexts, clientClosed } from "./embed-service.js";
import { checkFinite } from "./model-health.js";
import { defineRoute, type Route } from "./pipeline.js";
import type { RouteDeps } from "./route-deps.js";
import { embedChunksRequest, embedChunksResponse } from "./schemas.js";

/** POST /embed_chunks on the embedding server's model. */
export function chunkRoutes(deps: Pick<RouteDeps, "model" | "service">): Route[] {
  const { model, service } = deps;
  return [
    defineRoute({
      method: "POST",
      paths: ["/embed_chunks"],
      operationId: "embedChunks",
      summary:
        "Split documents into chunks and embed each chunk (late or naive chunking, embedkit extension); per document its chunks with offsets.",
      tag: "TEI",
      dialect: "tei",
      admitted: true,
      request: embedChunksRequest,
      response: embedChunksResponse,
      async handle(ctx, body) {
        const documents = typeof body.inputs === "string" ? [body.inputs] : body.inputs;
        checkTexts(documents, "inputs", service.limits);
        ctx.permit.addInputs(documents.length);
        const c = body.chunking;
        const chunking = {
          strategy: c.strategy as ChunkStrategy,
          ...(c.by != null ? { by: c.by as ChunkBy } : {}),
          ...(c.size != null ? { size: c.size } : {}),
          ...(c.overlap != null ? { overlap: c.overlap } : {}),
        };
        const withText = body.return_text ?? false;
        const out: ReturnType<typeof chunkJson>[][] = [];
        let tokens = 0;
        const t0 = performance.now();
        for await (const doc of model.embedChunks(documents, {
          chunking,
          ...(body.normalize != null ? { normalize: body.normalize } : {}),
        })) {
          if (ctx.signal.aborted) throw clientClosed();
          checkFinite(doc.chunks.map((ch) => ch.vector));
          tokens += doc.chunks.reduce((n, ch) => n + ch.tokens, 0);
          out.push(doc.chunks.map((ch) => chunkJson(ch, withText)));
        }
        ctx.timings.inferenceMs = performance.now() - t0;
        ctx.timings.inputs = documents.length;
        ctx.timings.tokens = tokens;
        ctx.timings.characters = documents.reduce((n, d) => n + d.length, 0);
        return { json: out };
      },
    }),
  ];
}

function chunkJson(c: EmbeddedChunk, withText: boolean) {
  return {
    index: c.index,
    start: c.start,
    end: c.end,
    tokens: c.tokens,
    ...(withText ? { text: c.text } : {}),
    embedding: Array.from(c.vector),
  };
}
