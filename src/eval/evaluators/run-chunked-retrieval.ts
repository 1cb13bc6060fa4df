/**
 * L4: runs a chunked-retrieval task on a model that can chunk: the queries embedded with the
 * query prompt (through the eval cache), the documents chunked and embedded by the model's
 * embedChunks (naive or late, as asked; through the chunk cache, eval/chunk-cache.ts), then
 * scoreChunkedRun (exact search); or, when the model under evaluation is a retriever that ranks
 * vectors its own way (a compact precision, a vector index: see retrievers/retriever.ts),
 * rankChunkedRun with it.
 */
import type { EmbedChunksOptions } from "../../embed/embed-chunks.js";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import type { Embedder } from "../../types.js";
import type { ChunkedRetrievalTask } from "../tasks/chunked-retrieval-task.js";
import type { EvalContext, ScoreEntry } from "./eval-context.js";
import { isVectorRanker } from "../retrievers/retriever.js";
import { rankChunkedRun, scoreChunkedRun, type EmbeddedChunk } from "./evaluate-chunked-retrieval.js";

/** An embedder that can also chunk and embed whole documents (TextEmbedding is one). */
export interface ChunkEmbedder extends Embedder {
  embedChunks(
    documents: Iterable<{ id: string; text: string }>,
    options?: EmbedChunksOptions,
  ): AsyncIterable<{ readonly id: string | number; readonly chunks: readonly EmbeddedChunk[] }>;
}

/** True when `model` has embedChunks. */
export function canChunk(model: Embedder): model is ChunkEmbedder {
  return typeof (model as Partial<ChunkEmbedder>).embedChunks === "function";
}

/** Chunks, embeds and scores one chunked-retrieval task. */
export async function runChunkedRetrieval(
  model: Embedder,
  task: ChunkedRetrievalTask,
  ctx: EvalContext,
  chunking: EmbedChunksOptions | undefined,
): Promise<ScoreEntry> {
  if (!canChunk(model)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${task.name} is a chunked-retrieval task: the embedder ${model.modelId} has no embedChunks()`,
      { field: "model", task: task.name },
    );
  }
  const queryVectors = await ctx.embed(
    task.queries.map((q) => q.text),
    "query",
  );
  const chunks = new Map<string, readonly EmbeddedChunk[]>();
  // Documents this configuration chunked before come from the cache; the rest are embedded.
  const cache = await ctx.openChunkCache?.();
  const missing = new Map<string, string>();
  for (const d of task.documents) {
    const cached = cache?.get(d.text);
    if (cached) chunks.set(d.id, cached);
    else missing.set(d.id, d.text);
  }
  let done = chunks.size;
  ctx.progress("embed", done, task.documents.length);
  const todo = task.documents.filter((d) => missing.has(d.id));
  for await (const d of todo.length > 0 ? model.embedChunks(todo, chunking) : []) {
    chunks.set(String(d.id), d.chunks);
    await cache?.put(missing.get(String(d.id)) as string, d.chunks);
    ctx.progress("embed", ++done, task.documents.length);
  }
  ctx.progress("search", 0, 1);
  const ranker = ctx.retriever && isVectorRanker(ctx.retriever) ? ctx.retriever : undefined;
  return ranker
    ? rankChunkedRun(task, { queryVectors, chunks }, ranker)
    : scoreChunkedRun(task, { queryVectors, chunks });
}
