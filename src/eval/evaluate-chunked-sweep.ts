/**
 * L4: a chunked-retrieval task under several chunkings in one run, each scored exactly as
 * `evaluate()` with that `chunking` scores it (same query vectors, same scoring), and filed under
 * the same name (`QMSumChunked__late-tokens-128`). Late chunking runs the model once per document
 * (window) for all chunkings (TextEmbedding.embedChunkSweep); naive chunking embeds each
 * chunking's chunks, so it costs one pass per chunking.
 */
import type { ChunkOptions } from "../chunking/chunk-types.js";
import type { ChunkStrategy, EmbedChunksOptions } from "../embed/embed-chunks.js";
import type { ChunkSweepDocument, ChunkSweepOptions } from "../embed/late-chunk-sweep.js";
import type { MacroWindowSetting } from "../embed/late-chunk.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { embedTexts, type EmbeddingCache } from "./cache.js";
import { chunkingLabel } from "./command.js";
import type { EvalProgress } from "./evaluate.js";
import { scoreChunkedRun, type EmbeddedChunk } from "./evaluators/evaluate-chunked-retrieval.js";
import { canChunk, type ChunkEmbedder } from "./evaluators/run-chunked-retrieval.js";
import type { Embedder } from "../types.js";
import { embedkitVersion } from "./package-version.js";
import type { TaskResult } from "./result.js";
import type { ChunkedRetrievalTask } from "./tasks/chunked-retrieval-task.js";

/** A ChunkEmbedder that can also late-chunk several chunkings at once (TextEmbedding is one). */
export interface ChunkSweepEmbedder extends ChunkEmbedder {
  embedChunkSweep(
    documents: Iterable<{ id: string; text: string }>,
    options: ChunkSweepOptions,
  ): AsyncIterable<ChunkSweepDocument>;
}

export interface ChunkedSweepOptions {
  readonly strategy: ChunkStrategy;
  /** The chunkings (by, size, overlap), one result each, in this order. */
  readonly chunkings: readonly ChunkOptions[];
  readonly macroWindow?: Partial<MacroWindowSetting>;
  /** Query-embedding cache, as in evaluate(). */
  readonly cache?: EmbeddingCache;
  readonly batchSize?: number;
  readonly quantization?: string;
  readonly onProgress?: (progress: EvalProgress) => void;
}

function canSweep(model: ChunkEmbedder): model is ChunkSweepEmbedder {
  return typeof (model as Partial<ChunkSweepEmbedder>).embedChunkSweep === "function";
}

/** Runs `task` under every chunking; results in `options.chunkings` order. */
export async function evaluateChunkedSweep(
  model: Embedder,
  task: ChunkedRetrievalTask,
  options: ChunkedSweepOptions,
): Promise<TaskResult[]> {
  if (!canChunk(model)) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `the embedder ${model.modelId} has no embedChunks()`, {
      field: "model",
      task: task.name,
    });
  }
  const progress = (stage: EvalProgress["stage"], done: number, total: number) =>
    options.onProgress?.({ task: task.name, stage, done, total });
  const q = options.quantization ?? (model as { quantization?: unknown }).quantization;
  const quantization = typeof q === "string" ? q : undefined;
  const queryStart = performance.now();
  const queryVectors = await embedTexts(
    model,
    task.queries.map((x) => x.text),
    {
      promptName: "query",
      ...(options.cache ? { cache: options.cache } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(quantization !== undefined ? { quantization } : {}),
      onProgress: (done, total) => progress("embed", done, total),
    },
  );
  const queryTime = (performance.now() - queryStart) / 1000;
  const runs: Map<string, readonly EmbeddedChunk[]>[] = options.chunkings.map(() => new Map());
  const seconds: number[] = [];
  const macro = options.macroWindow ? { macroWindow: options.macroWindow } : {};
  if (options.strategy === "late" && canSweep(model)) {
    const t0 = performance.now();
    let done = 0;
    for await (const d of model.embedChunkSweep(task.documents, { chunkings: options.chunkings, ...macro })) {
      d.chunkings.forEach((chunks, k) => runs[k]!.set(String(d.id), chunks));
      progress("embed", ++done, task.documents.length);
    }
    // One pass serves every chunking: each result records that pass's time.
    options.chunkings.forEach(() => seconds.push((performance.now() - t0) / 1000));
  } else {
    for (const [k, c] of options.chunkings.entries()) {
      const t0 = performance.now();
      const opts: EmbedChunksOptions = { chunking: { ...c, strategy: options.strategy }, ...macro };
      let done = 0;
      for await (const d of model.embedChunks(task.documents, opts)) {
        runs[k]!.set(String(d.id), d.chunks);
        progress("embed", ++done, task.documents.length);
      }
      seconds.push((performance.now() - t0) / 1000);
    }
  }
  return options.chunkings.map((c, k) => {
    const label = chunkingLabel({ chunking: { ...c, strategy: options.strategy } });
    const entry = scoreChunkedRun(task, { queryVectors, chunks: runs[k]! });
    return {
      dataset_revision: null,
      task_name: `${task.name}__${label}`,
      task_type: task.type,
      model_name: model.modelId,
      model_revision: null,
      quantization: quantization ?? null,
      embedding_variant: `chunking=${label}`,
      embedkit_version: embedkitVersion(),
      scores: { [task.split]: [{ ...entry, hf_subset: "default", languages: task.languages ?? [] }] },
      evaluation_time: seconds[k]! + queryTime,
      date: new Date().toISOString(),
      kg_co2_emissions: null,
    };
  });
}
