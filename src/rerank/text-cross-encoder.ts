/**
 * L3: TextCrossEncoder, the reranking engine users call. A cross-encoder reads
 * `[CLS] query [SEP] document [SEP]` and gives one logit per pair; the score is that logit after
 * the model's activation (sigmoid, or none). Pairs are cut longest-first to the model's window,
 * planned into length-sorted token-budget batches and run through the one batch executor with
 * the `score` head, so only one float per pair leaves the inference worker.
 */
import { storeConfigFromEnv, type StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES, InputTooLongError } from "../errors.js";
import { resolveBatching, type BatchingOptions } from "../embed/engine-options.js";
import { execute, onePackedBatch } from "../engine/execute.js";
import { planBatches } from "../engine/plan-batches.js";
import type { DownloadProgress } from "../hub/download-file.js";
import { isRerankerModel, resolveRerankerFiles, type RerankOverrides } from "../hub/resolve-reranker.js";
import { DEFAULT_RERANK_MODEL } from "../models/rerank-registry.js";
import type { RerankActivation, RerankModelSpec } from "../models/spec.js";
import { checkRuntimeOptions, loadOnnxModel, type OnnxModel, type RuntimeOptions } from "../runtime/onnx-model.js";
import { loadTokenizer, type TextTokenizer } from "../tokenizer/tokenizer.js";
import type { Encoding, Quantization } from "../types.js";
import {
  assertDocuments,
  assertPairs,
  assertQuery,
  checkActivation,
  checkTopK,
  rankScores,
  type RerankOptions,
  type RerankPairsOptions,
  type RerankResult,
} from "./rerank-input.js";

/** Options of {@link TextCrossEncoder.create}: which model, how to batch and run it, where its files come from. */
export interface TextCrossEncoderOptions
  extends Partial<Omit<BatchingOptions, "windowSize">>,
    RuntimeOptions,
    RerankOverrides {
  /** A registry reranker id (see `embedkit models list`) or a local cross-encoder folder. Default Xenova/ms-marco-MiniLM-L-6-v2. */
  readonly model?: string;
  /** Which weight file to run. Default "fp32". */
  readonly quantization?: Quantization;
  /** Hub revision to download. Default: the registry's. */
  readonly revision?: string;
  /** Model cache and hub settings. Default: from the environment (EMBEDKIT_CACHE, EMBEDKIT_OFFLINE, HF_ENDPOINT, HF_TOKEN). */
  readonly store?: Partial<StoreConfig>;
  /** Cut over-long pairs longest-first instead of failing. Default true. */
  readonly truncate?: boolean;
  /** Called as model files download. */
  readonly onDownloadProgress?: (p: DownloadProgress) => void;
}

/** Options of {@link TextCrossEncoder.encodePairs}. */
export interface EncodePairsOptions {
  /** Cut over-long pairs (default: the encoder's setting). */
  readonly truncate?: boolean;
  /** A lower window than the model's (a server's --max-input-tokens); never raises it. */
  readonly maxTokens?: number;
  /** How errors name pair i: `${field}[i]`. Default "pairs". */
  readonly field?: string;
}

/**
 * A cross-encoder loaded for inference: create one with {@link TextCrossEncoder.create}, rerank
 * documents for a query or score pairs, and `dispose()` it when done.
 */
export class TextCrossEncoder {
  /** Registry id, or the absolute folder path of a local model. */
  readonly modelId: string;
  /** The model's facts: window, activation, files (from the registry or the local folder). */
  readonly spec: RerankModelSpec;
  /** Which weight file runs. */
  readonly quantization: Quantization;
  /** Where the model's files were found. */
  readonly modelDir: string;
  private readonly tokenizer: TextTokenizer;
  private readonly model: OnnxModel;
  private readonly batching: BatchingOptions;
  private readonly truncate: boolean;
  private disposing: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    init: { modelId: string; spec: RerankModelSpec; quantization: Quantization; dir: string },
    tokenizer: TextTokenizer,
    model: OnnxModel,
    options: TextCrossEncoderOptions,
  ) {
    this.modelId = init.modelId;
    this.spec = init.spec;
    this.quantization = init.quantization;
    this.modelDir = init.dir;
    this.tokenizer = tokenizer;
    this.model = model;
    this.batching = resolveBatching({ batchSize: options.batchSize, maxBatchTokens: options.maxBatchTokens });
    this.truncate = options.truncate ?? true;
  }

  /** Loads a reranker (downloading it into the cache unless offline) and prepares the runtime. */
  static async create(options: TextCrossEncoderOptions = {}): Promise<TextCrossEncoder> {
    resolveBatching({ batchSize: options.batchSize, maxBatchTokens: options.maxBatchTokens });
    checkRuntimeOptions(options);
    checkActivation(options.activation);
    const store = storeConfigFromEnv(undefined, options.store ?? {});
    const resolved = await resolveRerankerFiles({
      model: options.model ?? DEFAULT_RERANK_MODEL,
      quantization: options.quantization ?? "fp32",
      store,
      revision: options.revision,
      onProgress: options.onDownloadProgress,
      overrides: { activation: options.activation, maxTokens: options.maxTokens },
    });
    const loading = loadOnnxModel(resolved.onnxPath, options);
    let tokenizer: TextTokenizer;
    try {
      tokenizer = loadTokenizer(resolved.tokenizerPath);
    } catch (e) {
      await loading.then(
        (m) => m.dispose(),
        () => undefined,
      );
      throw e;
    }
    let model: OnnxModel;
    try {
      model = await loading;
    } catch (e) {
      tokenizer.dispose();
      throw e;
    }
    return new TextCrossEncoder(
      { modelId: resolved.modelId, spec: resolved.spec, quantization: resolved.quantization, dir: resolved.dir },
      tokenizer,
      model,
      options,
    );
  }

  /**
   * Whether `model` names a reranker: a registry reranker id, or a local folder whose config.json
   * declares a sequence-classification architecture (a cross-encoder export). Reads no weights.
   */
  static isReranker(model: string): Promise<boolean> {
    return isRerankerModel(model);
  }

  /** Most tokens the model accepts per pair, special tokens included. */
  get maxTokens(): number {
    return this.spec.maxTokens;
  }

  /**
   * Scores every document against the query and returns them best first (ties in input order),
   * cut to `topK`. An empty document list gives `[]`.
   */
  async rerank(query: string, documents: readonly string[], options: RerankOptions = {}): Promise<RerankResult[]> {
    this.assertLive();
    assertQuery(query);
    assertDocuments(documents);
    const topK = checkTopK(options.topK);
    const scores = await this.scoreAll(
      documents.map((d): [string, string] => [query, d]),
      options,
      "documents",
    );
    return rankScores(scores, topK).map((i) =>
      options.returnDocuments === true
        ? { index: i, score: scores[i]!, document: documents[i]! }
        : { index: i, score: scores[i]! },
    );
  }

  /** Scores each (a, b) pair; scores in input order. */
  async rerankPairs(
    pairs: readonly (readonly [string, string])[],
    options: RerankPairsOptions = {},
  ): Promise<number[]> {
    this.assertLive();
    assertPairs(pairs);
    return this.scoreAll(pairs, options, "pairs");
  }

  /**
   * Step 1 of 2 for callers that batch across requests (the server): tokenizes pairs,
   * cutting over-long ones longest-first or failing with `input_too_long` naming `${field}[i]`.
   */
  async encodePairs(
    pairs: readonly (readonly [string, string])[],
    options: EncodePairsOptions = {},
  ): Promise<Encoding[]> {
    this.assertLive();
    const maxTokens = Math.min(options.maxTokens ?? this.spec.maxTokens, this.spec.maxTokens);
    const truncate = options.truncate ?? this.truncate;
    const field = options.field ?? "pairs";
    const encodings = await this.track(() =>
      this.tokenizer.encodePairs(pairs, { maxTokens, truncation: truncate ? "longest_first" : "none" }),
    );
    const bad = encodings.findIndex((e) => e.ids.length > maxTokens);
    if (bad >= 0) {
      const tokens = encodings[bad]!.originalLength;
      const name = `${field}[${bad}]`;
      throw new InputTooLongError(
        `${name} has ${tokens} tokens with the query; the model accepts at most ${maxTokens} (pass truncate: true to cut it longest-first)`,
        { field: name, index: bad, tokens, maxTokens },
      );
    }
    return encodings;
  }

  /**
   * Step 2 of 2: scores encodings (from encodePairs) as one runtime call, exactly as packed (a
   * request batcher's batch); scores in the order given.
   */
  async scorePacked(encodings: readonly Encoding[], activation?: RerankActivation): Promise<number[]> {
    this.assertLive();
    const head = { kind: "score", activation: checkActivation(activation) ?? this.spec.activation } as const;
    return this.track(() => execute({ model: this.model, encodings, plan: onePackedBatch(encodings.length), head }));
  }

  /**
   * Releases the runtime sessions and the tokenizer. Calls already started finish first; calls
   * made from now on throw a `disposed` error.
   */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await Promise.allSettled([...this.inFlight]);
      await this.model.dispose();
      this.tokenizer.dispose();
    })();
    return this.disposing;
  }

  private async scoreAll(
    pairs: readonly (readonly [string, string])[],
    options: RerankPairsOptions,
    field: string,
  ): Promise<number[]> {
    const activation = checkActivation(options.activation) ?? this.spec.activation;
    const batching =
      options.batchSize === undefined
        ? this.batching
        : resolveBatching({ ...this.batching, batchSize: options.batchSize });
    if (pairs.length === 0) return [];
    const encodings = await this.encodePairs(pairs, {
      field,
      ...(options.truncate !== undefined ? { truncate: options.truncate } : {}),
    });
    const plan = planBatches(
      encodings.map((e) => e.ids.length),
      batching,
    );
    return this.track(() => execute({ model: this.model, encodings, plan, head: { kind: "score", activation } }));
  }

  private track<T>(work: () => Promise<T>): Promise<T> {
    const p = work();
    this.inFlight.add(p);
    const forget = (): void => void this.inFlight.delete(p);
    p.then(forget, forget);
    return p;
  }

  private assertLive(): void {
    if (this.disposing) {
      throw new EmbedkitError(
        ERROR_CODES.DISPOSED,
        `the reranker ${this.modelId} was disposed; create a new TextCrossEncoder`,
      );
    }
  }
}
