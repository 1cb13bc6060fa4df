/**
 * L4: evaluate(model, task): runs one task against an Embedder and returns an MTEB-layout
 * result. Deterministic for a given model, task and seed. With a cache, embeddings computed once
 * are reused by later runs of the same model, prompt and texts.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { EmbedChunksOptions } from "../embed/embed-chunks.js";
import type { Embedder } from "../types.js";
import { runChunkedRetrieval } from "./evaluators/run-chunked-retrieval.js";
import { embedTexts, type EmbeddingCache } from "./cache.js";
import { ChunkShard } from "./chunk-cache.js";
import type { EvalContext, EvalStage, ScoreEntry } from "./evaluators/eval-context.js";
import { evaluateClassification } from "./evaluators/evaluate-classification.js";
import { evaluateClustering } from "./evaluators/evaluate-clustering.js";
import { evaluatePairClassification } from "./evaluators/evaluate-pair-classification.js";
import { evaluateReranking } from "./evaluators/evaluate-reranking.js";
import { evaluateRetrieval } from "./evaluators/evaluate-retrieval.js";
import { evaluateSts } from "./evaluators/evaluate-sts.js";
import { embedkitVersion } from "./package-version.js";
import type { TaskResult } from "./result.js";
import type { EvalTask } from "./tasks/task-types.js";
import { isRetriever, isVectorRanker, type Retriever } from "./retrievers/retriever.js";
import { isPairScorer, type PairScorer } from "./retrievers/pair-scorer.js";
import { evaluateStsPairs } from "./evaluators/evaluate-sts-pairs.js";

export interface EvalProgress {
  readonly task: string;
  readonly stage: EvalStage;
  readonly done: number;
  readonly total: number;
}

export interface EvaluateOptions {
  /** Embedding cache; without one every run embeds again. */
  readonly cache?: EmbeddingCache;
  /** Batch size passed to the model. */
  readonly batchSize?: number;
  /** Seed of every random choice (undersampling, k-means). MTEB's: 42. */
  readonly seed?: number;
  /** Recorded in the result and part of the cache key. Default: the model's `quantization`, if it has one. */
  readonly quantization?: string;
  /**
   * How the embedder was configured when that changes its vectors and is not in its id, e.g.
   * "normalize=false". Part of the cache key; recorded in the result as embedding_variant.
   */
  readonly variant?: string;
  /** Recorded in the result (MTEB's model revision folder). */
  readonly modelRevision?: string;
  readonly onProgress?: (progress: EvalProgress) => void;
  /**
   * Chunked-retrieval tasks: how the model (which must have embedChunks, see ChunkEmbedder)
   * chunks and embeds the documents. Default: late chunking by sentences of 256 tokens.
   */
  readonly chunking?: EmbedChunksOptions;
}

async function runTask(
  model: Embedder,
  task: EvalTask,
  ctx: EvalContext,
  options: EvaluateOptions,
): Promise<ScoreEntry> {
  switch (task.type) {
    case "sts":
      return evaluateSts(task, ctx);
    case "classification":
      return evaluateClassification(task, ctx);
    case "pair-classification":
      return evaluatePairClassification(task, ctx);
    case "retrieval":
      return evaluateRetrieval(task, ctx);
    case "reranking":
      return evaluateReranking(task, ctx);
    case "clustering":
      return evaluateClustering(task, ctx);
    case "chunked-retrieval":
      return runChunkedRetrieval(model, task, ctx, options.chunking);
  }
}

export async function evaluate(
  model: Embedder | Retriever | PairScorer,
  task: EvalTask,
  options: EvaluateOptions = {},
): Promise<TaskResult> {
  const started = performance.now();
  const scorer = isPairScorer(model) ? model : undefined;
  if (scorer && task.type !== "sts") {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_TASK,
      `${model.modelId} scores text pairs but makes no vectors, so it runs STS tasks only; ${task.name} is a ${task.type} task`,
      { field: "tasks", task: task.name, type: task.type, model: model.modelId },
    );
  }
  const retriever = isRetriever(model) ? model : undefined;
  // A retriever that ranks given vectors (a compact precision, an index) also ranks chunks.
  const ranksChunks = retriever !== undefined && isVectorRanker(retriever) && task.type === "chunked-retrieval";
  if (retriever && task.type !== "retrieval" && !ranksChunks) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_TASK,
      `${model.modelId} ranks documents but makes no dense vectors, so it runs retrieval ${isVectorRanker(retriever) ? "and chunked-retrieval " : ""}tasks only; ${task.name} is a ${task.type} task`,
      { field: "tasks", task: task.name, type: task.type, model: model.modelId },
    );
  }
  const embedder: Embedder | undefined = scorer ? undefined : retriever ? retriever.embedder : (model as Embedder);
  const q = options.quantization ?? ((scorer ?? embedder) as { quantization?: unknown } | undefined)?.quantization;
  const quantization = typeof q === "string" ? q : undefined;
  const progress = (stage: EvalStage, done: number, total: number) =>
    options.onProgress?.({ task: task.name, stage, done, total });
  const cache = options.cache;
  const ctx: EvalContext = {
    seed: options.seed ?? 42,
    progress,
    ...(retriever ? { retriever } : {}),
    ...(cache && embedder
      ? {
          openChunkCache: () =>
            ChunkShard.open(cache.dir, {
              modelId: embedder.modelId,
              quantization: quantization ?? "default",
              variant: options.variant ?? "",
              chunking: options.chunking ?? null,
            }),
        }
      : {}),
    embed: (texts, promptName) => {
      if (!embedder) {
        throw new EmbedkitError(ERROR_CODES.INVALID_TASK, `${model.modelId} makes no dense vectors`, {
          model: model.modelId,
        });
      }
      return embedTexts(embedder, texts, {
        promptName,
        ...(options.cache ? { cache: options.cache } : {}),
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        ...(quantization !== undefined ? { quantization } : {}),
        ...(options.variant !== undefined ? { variant: options.variant } : {}),
        onProgress: (done, total) => progress("embed", done, total),
      });
    },
  };
  // A pair scorer runs STS only (checked above); anything else has an embedder.
  const entry =
    scorer && task.type === "sts"
      ? await evaluateStsPairs(task, scorer, ctx)
      : await runTask(embedder as Embedder, task, ctx, options);
  return {
    dataset_revision: null,
    task_name: task.name,
    task_type: task.type,
    model_name: model.modelId,
    model_revision: options.modelRevision ?? null,
    quantization: quantization ?? null,
    embedding_variant: options.variant ?? null,
    embedkit_version: embedkitVersion(),
    scores: { [task.split]: [{ ...entry, hf_subset: "default", languages: task.languages ?? [] }] },
    evaluation_time: (performance.now() - started) / 1000,
    date: new Date().toISOString(),
    kg_co2_emissions: null,
  };
}
