/**
 * L4: what `embedkit eval` does, as a function the CLI calls: resolves the requested tasks
 * (built-in names, "all", or paths to task files), checks them all before loading the model,
 * evaluates each with the real engine (TextEmbedding from the public API) or an injected
 * embedder, writes one MTEB-layout result file per task and returns the results. A task whose
 * result file already exists for the same configuration is not run again unless `overwrite` is
 * set (as MTEB does); with a cache folder, embeddings computed by an earlier run are reused.
 */
import { existsSync, statSync } from "node:fs";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { bm25ModelId, getModelSpec, isModelId } from "../models/registry.js";
import type { ModelSpec } from "../models/spec.js";
import type { TextEmbeddingOptions } from "../index.js";
import type { Embedder, PromptName } from "../types.js";
import { DEFAULT_CHUNK_SIZE } from "../chunking/chunk-options.js";
import type { EmbedChunksOptions } from "../embed/embed-chunks.js";
import { EmbeddingCache } from "./cache.js";
import { canChunk } from "./evaluators/run-chunked-retrieval.js";
import { evaluate, type EvalProgress } from "./evaluate.js";
import { readResult, resultFilePath, writeResult, type TaskResult } from "./result.js";
import { BUILTIN_TASK_NAMES, findBuiltinTask, loadBuiltinTask } from "./tasks/builtin-tasks.js";
import { loadTaskFile } from "./tasks/task-file.js";
import type { EvalTask } from "./tasks/task-types.js";
import { Bm25Retriever } from "./retrievers/bm25-retriever.js";
import { HybridRetriever } from "./retrievers/hybrid-retriever.js";
import type { Retriever } from "./retrievers/retriever.js";
import {
  precisionLabel,
  QuantizedRetriever,
  type QuantizedRetrieverOptions,
} from "./retrievers/quantized-retriever.js";
import { parsePrecision } from "../pooling/quantize.js";
import type { PairScorer } from "./retrievers/pair-scorer.js";
import { RerankRetriever } from "./retrievers/rerank-retriever.js";
import { SparseRetriever } from "./retrievers/sparse-retriever.js";
import { FUSION_METHODS, type FusionMethod } from "../search/fuse.js";

/** An embedder the command can release when done. */
export type DisposableEmbedder = Embedder & { dispose?(): Promise<void> | void };

export interface EvalCommandOptions {
  /** Model id (registry id or local folder), as for TextEmbedding.create; or "bm25" (retrieval tasks only). */
  readonly model: string;
  /**
   * Fuse the dense model's retrieval with BM25 ("bm25"); results are filed under
   * "<model>+bm25-<fusion>". Retrieval tasks only.
   */
  readonly hybrid?: "bm25";
  /** How hybrid results are fused. Default "rrf" (k 60). */
  readonly fusion?: FusionMethod;
  /**
   * Rerank the first stage's hits with this cross-encoder (registry id or folder); results are
   * filed under "<first stage>+rerank-<reranker>@<rerankTop>". Retrieval tasks only.
   */
  readonly rerank?: string;
  /** How many of each query's first-stage hits the cross-encoder reranks. Default 100. */
  readonly rerankTop?: number;
  readonly quantization?: "fp32" | "int8";
  /**
   * L2-normalize the embeddings. Default: what the model's published MTEB scores used (the
   * registry's `mtebNormalize`), else the model's convention. Some published MTEB scores were
   * computed without normalization (BGE's and E5's own evaluation scripts), which matters for
   * classification (the logistic regression's regularization depends on the vectors' scale).
   */
  readonly normalize?: boolean;
  /** Built-in task names (case-insensitive), "all" (every built-in task), or paths to task .json files. */
  readonly tasks: readonly string[];
  /** Folder holding the built-in tasks' data (stsbenchmark/, banking77/). Required for built-in tasks. */
  readonly dataDir?: string;
  /** Results go to <outputDir>/<model>/<revision>/<task>.json. */
  readonly outputDir: string;
  /** Embedding cache folder. Omitted: nothing is cached. */
  readonly cacheDir?: string;
  readonly batchSize?: number;
  /** Run tasks again even if their result file exists. Default false. */
  readonly overwrite?: boolean;
  readonly seed?: number;
  /** More options for TextEmbedding.create (store, threads, ...). */
  readonly embedderOptions?: Omit<TextEmbeddingOptions, "model" | "quantization">;
  /**
   * Creates the embedder; default TextEmbedding.create (normalization switched per call when
   * `normalize` is given). A factory must honor `spec.normalize` itself (see withNormalization).
   */
  readonly createEmbedder?: (spec: EmbedderSpec) => Promise<DisposableEmbedder>;
  readonly onProgress?: (progress: EvalProgress) => void;
  /**
   * Chunked-retrieval tasks (QMSumChunked, XQuADChunked): strategy, by, size, overlap. Recorded
   * in the result's embedding_variant and in its file name (`<task>__late-sentences-256.json`), so
   * runs of several configurations sit side by side. Default: late, by sentences, 256 tokens.
   */
  readonly chunking?: EmbedChunksOptions;
  /** Called as each task finishes (or is found already done). */
  readonly onResult?: (result: EvalCommandTaskResult) => void;
  /**
   * Retrieval tasks: search the corpus at this output precision (int8/uint8 with ranges from the
   * corpus, binary/ubinary by Hamming distance), optionally rescored with the float32 query.
   * Results are filed under "<model>+<precision>" or "<model>+<precision>-rescore<multiplier>".
   */
  readonly precision?: QuantizedRetrieverOptions;
  /**
   * Retrieval tasks: search through a vector index instead of exact search. eval/ sits below
   * index/, so the caller (the CLI) gives the wrapper (index/index-retriever.ts). Results are
   * filed under "<model>+<label>".
   */
  readonly index?: IndexSearchWrapper;
}

/** A retriever that searches a dense model's vectors through a vector index (see {@link EvalCommandOptions.index}). */
export interface IndexSearchWrapper {
  /** The result-file label, e.g. "index-ann-ivf_hnsw_sq". */
  readonly label: string;
  /** Wraps the dense model under evaluation. */
  wrap(embedder: DisposableEmbedder): Retriever;
}

/** An engine that can switch L2 normalization per call, as TextEmbedding can. */
export interface PerCallNormalizing extends Embedder {
  embedAll(
    texts: readonly string[],
    options?: { promptName?: PromptName; batchSize?: number; normalize?: boolean },
  ): Promise<Float32Array[]>;
  dispose?(): Promise<void> | void;
}

/**
 * The engine as an Embedder whose vectors are (or are not) L2-normalized, whatever the model's
 * convention; the engine itself when `normalize` is undefined.
 */
export function withNormalization(engine: PerCallNormalizing, normalize: boolean | undefined): DisposableEmbedder {
  if (normalize === undefined) return engine;
  const quantization = (engine as { quantization?: unknown }).quantization;
  return {
    modelId: engine.modelId,
    dim: engine.dim,
    ...(typeof quantization === "string" ? { quantization } : {}),
    embedAll: (texts, options = {}) => engine.embedAll(texts, { ...options, normalize }),
    ...(canChunk(engine) ? { embedChunks: engine.embedChunks.bind(engine) } : {}),
    dispose: () => engine.dispose?.(),
  };
}

/** What the command asks of the embedder it creates. */
export interface EmbedderSpec {
  readonly model: string;
  readonly quantization: "fp32" | "int8" | undefined;
  readonly normalize: boolean | undefined;
}

export interface EvalCommandTaskResult {
  readonly task: string;
  readonly file: string;
  readonly result: TaskResult;
  /** True when the result was read from an existing file instead of being computed. */
  readonly reused: boolean;
}

export interface EvalCommandResult {
  readonly results: readonly EvalCommandTaskResult[];
}

function isTaskFile(spec: string): boolean {
  if (spec.toLowerCase().endsWith(".json")) return true;
  try {
    return statSync(spec).isFile();
  } catch {
    return false;
  }
}

/** Resolves task specs to loaded tasks, in order, without duplicates. */
export async function resolveTasks(specs: readonly string[], dataDir: string | undefined): Promise<EvalTask[]> {
  if (specs.length === 0) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, 'no task given; name a built-in task, "all" or a task file', {
      field: "tasks",
    });
  }
  const refs: ({ builtin: string } | { file: string })[] = [];
  for (const spec of specs) {
    if (spec.toLowerCase() === "all") refs.push(...BUILTIN_TASK_NAMES.map((builtin) => ({ builtin })));
    else if (findBuiltinTask(spec)) refs.push({ builtin: findBuiltinTask(spec) as string });
    else if (isTaskFile(spec)) refs.push({ file: spec });
    else {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_TASK,
        `unknown task ${JSON.stringify(spec)}: not a built-in task (${BUILTIN_TASK_NAMES.join(", ")}, or "all") ` +
          `and not a task file`,
        { field: "tasks", value: spec, allowed: BUILTIN_TASK_NAMES },
      );
    }
  }
  const tasks: EvalTask[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const key = "builtin" in ref ? `builtin:${ref.builtin}` : `file:${ref.file}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if ("builtin" in ref) {
      if (dataDir === undefined) {
        throw new EmbedkitError(
          ERROR_CODES.INVALID_OPTION,
          `dataDir is required for the built-in task ${ref.builtin}: give the folder holding stsbenchmark/, banking77/ and cranfield/`,
          { field: "dataDir", task: ref.builtin },
        );
      }
      tasks.push(await loadBuiltinTask(ref.builtin, { dataDir }));
    } else {
      tasks.push(await loadTaskFile(ref.file));
    }
  }
  return tasks;
}

/** "late-sentences-256" (strategy, by, size, and the overlap when there is one). */
export function chunkingLabel(o: EmbedChunksOptions | undefined): string {
  const c = o?.chunking ?? {};
  const overlap = c.overlap ? `-overlap${c.overlap}` : "";
  return `${c.strategy ?? "late"}-${c.by ?? "sentences"}-${c.size ?? DEFAULT_CHUNK_SIZE}${overlap}`;
}

async function defaultCreateEmbedder(
  spec: EmbedderSpec,
  extra: Omit<TextEmbeddingOptions, "model" | "quantization"> = {},
): Promise<DisposableEmbedder> {
  // Loaded on demand, so that importing this module does not load the runtime.
  const { TextEmbedding } = await import("../index.js");
  const engine = await TextEmbedding.create({
    ...extra,
    model: spec.model,
    ...(spec.quantization ? { quantization: spec.quantization } : {}),
  });
  return withNormalization(engine, spec.normalize);
}

/**
 * The normalization the model's published MTEB scores used, when the registry records one that
 * differs from the model's default (BGE and E5 were evaluated on unnormalized vectors).
 */
function publishedNormalize(model: string): boolean | undefined {
  return isModelId(model) ? (getModelSpec(model) as ModelSpec).mtebNormalize : undefined;
}

/** A cross-encoder as a pair scorer: STS tasks score each pair with the model itself. */
async function createPairScorer(spec: EmbedderSpec): Promise<PairScorer> {
  // Loaded on demand, so that importing this module does not load the runtime.
  const { TextCrossEncoder } = await import("../rerank/text-cross-encoder.js");
  const ce = await TextCrossEncoder.create({
    model: spec.model,
    ...(spec.quantization ? { quantization: spec.quantization } : {}),
  });
  return {
    kind: "pair-scorer",
    modelId: ce.modelId,
    quantization: ce.quantization,
    scorePairs: (pairs) => ce.rerankPairs(pairs),
    dispose: () => ce.dispose(),
  };
}

/** The default number of first-stage hits a reranker rescores. */
export const DEFAULT_RERANK_TOP = 100;

function checkRerank(options: EvalCommandOptions): void {
  if (options.rerank !== undefined && (typeof options.rerank !== "string" || options.rerank === "")) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "rerank must name a cross-encoder (registry id or folder)", {
      field: "rerank",
      value: options.rerank,
    });
  }
  if (options.rerankTop !== undefined) {
    if (options.rerank === undefined) {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "rerankTop needs rerank (the cross-encoder to rerank with)", {
        field: "rerankTop",
        value: options.rerankTop,
      });
    }
    if (!Number.isInteger(options.rerankTop) || options.rerankTop < 1 || options.rerankTop > 1000) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `rerankTop must be an integer from 1 to 1000, got ${JSON.stringify(options.rerankTop)}`,
        { field: "rerankTop", min: 1, max: 1000, value: options.rerankTop },
      );
    }
  }
}

/** A sparse model (SPLADE id or folder, not bm25) as a retriever, loaded on demand. */
async function createSparseRetriever(spec: EmbedderSpec): Promise<SparseRetriever> {
  const { SparseTextEmbedding } = await import("../sparse/sparse-text-embedding.js");
  const engine = await SparseTextEmbedding.create({
    model: spec.model,
    ...(spec.quantization ? { quantization: spec.quantization } : {}),
  });
  return new SparseRetriever({
    modelId: engine.modelId,
    embedAll: (texts) => engine.embedAll(texts),
    queryEmbed: (texts) => engine.queryEmbed(texts),
    dispose: () => engine.dispose(),
  });
}

function checkHybrid(options: EvalCommandOptions): void {
  if (options.hybrid !== undefined && options.hybrid !== "bm25") {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `hybrid must be "bm25", got ${JSON.stringify(options.hybrid)}`,
      {
        field: "hybrid",
        value: options.hybrid,
      },
    );
  }
  if (options.fusion !== undefined && !FUSION_METHODS.includes(options.fusion)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `fusion must be one of ${FUSION_METHODS.join(", ")}, got ${JSON.stringify(options.fusion)}`,
      { field: "fusion", value: options.fusion },
    );
  }
  if (options.hybrid !== undefined && bm25ModelId(options.model) !== undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      "hybrid fuses a dense model with bm25; --model is bm25 already",
      {
        field: "hybrid",
      },
    );
  }
}

function checkPrecision(options: EvalCommandOptions): void {
  const p = options.precision;
  if (p === undefined) return;
  parsePrecision(p.precision, "precision");
  if (options.hybrid !== undefined || bm25ModelId(options.model) !== undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      "precision applies to a dense model's own retrieval, not to bm25 or --hybrid",
      { field: "precision", value: p.precision },
    );
  }
  for (const [field, value] of [
    ["rescoreMultiplier", p.rescoreMultiplier],
    ["rescoreTopK", p.rescoreTopK],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `${field} must be a positive integer, got ${JSON.stringify(value)}`,
        { field, value, min: 1 },
      );
    }
  }
  if (p.rescore && p.precision === "float32") {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "rescoring applies to a quantized precision, not float32", {
      field: "rescore",
      precision: p.precision,
    });
  }
}

export async function runEvalCommand(given: EvalCommandOptions): Promise<EvalCommandResult> {
  checkHybrid(given);
  checkRerank(given);
  checkPrecision(given);
  const isBm25 = bm25ModelId(given.model) !== undefined;
  const rerankTop = given.rerankTop ?? DEFAULT_RERANK_TOP;
  const firstModel =
    given.index !== undefined
      ? `${given.model}+${given.index.label}`
      : given.precision !== undefined
        ? `${given.model}+${precisionLabel(given.precision)}`
        : given.hybrid !== undefined
          ? `${given.model}+${given.hybrid}-${given.fusion ?? "rrf"}`
          : given.model;
  const resultModel = given.rerank !== undefined ? `${firstModel}+rerank-${given.rerank}@${rerankTop}` : firstModel;
  const { SparseTextEmbedding } = await import("../sparse/sparse-text-embedding.js");
  const isSparse = !isBm25 && (await SparseTextEmbedding.isSparseModel(given.model));
  if (
    given.index !== undefined &&
    (isBm25 || isSparse || given.hybrid !== undefined || given.precision !== undefined)
  ) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `index search applies to a dense model's vectors alone, not to bm25, sparse models, hybrid or quantized search (got --model ${given.model}${given.hybrid ? ", --hybrid" : ""}${given.precision ? ", --precision" : ""})`,
      { field: "index", model: given.model },
    );
  }
  const normalize = given.normalize ?? (isBm25 || isSparse ? undefined : publishedNormalize(given.model));
  const options: EvalCommandOptions = { ...given, ...(normalize !== undefined ? { normalize } : {}) };
  const tasks = await resolveTasks(options.tasks, options.dataDir);
  const cache = options.cacheDir !== undefined ? new EmbeddingCache(options.cacheDir) : undefined;
  const results: EvalCommandTaskResult[] = [];
  let embedder: DisposableEmbedder | Retriever | PairScorer | undefined;
  let wrappedByIndex = false;
  const isReranker =
    !isBm25 && (await (await import("../rerank/text-cross-encoder.js")).TextCrossEncoder.isReranker(given.model));
  if (isReranker && options.rerank !== undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `rerank needs a first-stage retriever as --model; ${given.model} is a cross-encoder itself`,
      { field: "rerank", model: given.model, value: options.rerank },
    );
  }
  try {
    for (const loaded of tasks) {
      const chunked = loaded.type === "chunked-retrieval" ? chunkingLabel(options.chunking) : undefined;
      const task = chunked ? { ...loaded, name: `${loaded.name}__${chunked}` } : loaded;
      const file = resultFilePath(options.outputDir, resultModel, task.name);
      const variants = [
        ...(options.normalize !== undefined ? [`normalize=${options.normalize}`] : []),
        ...(chunked ? [`chunking=${chunked}`] : []),
      ];
      const variant = variants.length > 0 ? variants.join(",") : undefined;
      if (!options.overwrite && existsSync(file)) {
        const previous = await readResult(file);
        // Reuse only a result of the same configuration; another one is recomputed (and replaced).
        if (
          (options.quantization === undefined || previous.quantization === options.quantization) &&
          (previous.embedding_variant ?? undefined) === variant
        ) {
          const done = { task: task.name, file, result: previous, reused: true };
          results.push(done);
          options.onResult?.(done);
          continue;
        }
      }
      const spec = { model: options.model, quantization: options.quantization, normalize: options.normalize };
      if (isBm25) embedder ??= new Bm25Retriever(given.model);
      if (isSparse) embedder ??= await createSparseRetriever(spec);
      if (isReranker) embedder ??= await createPairScorer(spec);
      embedder ??= await (options.createEmbedder
        ? options.createEmbedder(spec)
        : defaultCreateEmbedder(spec, options.embedderOptions));
      if (options.hybrid !== undefined && !(embedder instanceof HybridRetriever)) {
        embedder = new HybridRetriever(embedder as DisposableEmbedder, { method: options.fusion ?? "rrf" });
      }
      if (options.precision !== undefined && !(embedder instanceof QuantizedRetriever)) {
        embedder = new QuantizedRetriever(embedder as DisposableEmbedder, options.precision);
      }
      if (options.index !== undefined && !wrappedByIndex) {
        embedder = options.index.wrap(embedder as DisposableEmbedder);
        wrappedByIndex = true;
      }
      if (options.rerank !== undefined && !(embedder instanceof RerankRetriever)) {
        const first = embedder as Retriever | DisposableEmbedder;
        const scorer = await createPairScorer({ model: options.rerank, quantization: undefined, normalize: undefined });
        embedder = new RerankRetriever(first, scorer, rerankTop);
      }
      const result = await evaluate(embedder, task, {
        ...(cache ? { cache } : {}),
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.quantization !== undefined ? { quantization: options.quantization } : {}),
        ...(variant !== undefined ? { variant } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.chunking ? { chunking: options.chunking } : {}),
      });
      // Results are filed under the id the user asked for (a local folder's modelId may differ).
      const written = await writeResult(options.outputDir, { ...result, model_name: resultModel });
      const done = { task: task.name, file: written, result: { ...result, model_name: resultModel }, reused: false };
      results.push(done);
      options.onResult?.(done);
    }
  } finally {
    await embedder?.dispose?.();
  }
  return { results };
}
