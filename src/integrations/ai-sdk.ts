/**
 * Vercel AI SDK integration (`embedkit/ai-sdk`): an embedding-model provider whose models the
 * SDK's own `embed`, `embedMany` and `cosineSimilarity` accept (specification v4 of
 * `@ai-sdk/provider`, the optional peer installed with `ai`).
 *
 * @packageDocumentation
 */
import type { EmbeddingModelV4, EmbeddingModelV4CallOptions, EmbeddingModelV4Result } from "@ai-sdk/provider";
import { TooManyEmbeddingValuesForCallError } from "@ai-sdk/provider";
import { EmbedkitError, ERROR_CODES, type PromptName, type TextEmbeddingOptions } from "../index.js";
import { LazyModel } from "./lazy-model.js";

/** Settings of one model of the provider, given to `textEmbeddingModel(id, settings)`. */
export interface EmbedkitModelSettings {
  /**
   * The model prompt applied to every value: `"passage"` (default; documents), `"query"`
   * (search queries), `"symmetric"` (STS, classification), or `null` (the text as given).
   * A call can override it with `providerOptions: { embedkit: { promptName } }`.
   */
  readonly promptName?: PromptName | null;
  /**
   * The SDK splits `embedMany` into calls of at most this many values. Default 2048: embedkit
   * cuts its own token-budgeted batches inside a call, so large calls cost nothing extra.
   */
  readonly maxEmbeddingsPerCall?: number;
  /**
   * Whether the SDK may run several of those calls at once. Default false: calls on one model
   * share its inference worker, so running them side by side only interleaves them; set true
   * with `sessions` > 1.
   */
  readonly supportsParallelCalls?: boolean;
}

/** Options of {@link createEmbedkit}: `TextEmbedding.create()` options applied to every model but `model` itself. */
export type EmbedkitProviderOptions = Omit<TextEmbeddingOptions, "model">;

/** An embedkit provider: one lazily created model per id, shared by every model object of that id. */
export interface EmbedkitProvider {
  /** An AI SDK embedding model for a registry id (e.g. `BAAI/bge-small-en-v1.5`) or a local model folder. */
  textEmbeddingModel(modelId: string, settings?: EmbedkitModelSettings): EmbedkitEmbeddingModel;
  /** The same as {@link EmbedkitProvider.textEmbeddingModel}, under the name of the SDK's `ProviderV4`. */
  embeddingModel(modelId: string, settings?: EmbedkitModelSettings): EmbedkitEmbeddingModel;
  /** Releases every model this provider loaded; later calls fail with `disposed`. */
  dispose(): Promise<void>;
}

/** Default of {@link EmbedkitModelSettings.maxEmbeddingsPerCall}. */
export const DEFAULT_MAX_EMBEDDINGS_PER_CALL = 2048;
/** Values sent to the engine at a time inside one call; an abort takes effect between chunks. */
const CHUNK = 256;
const PROMPT_NAMES: readonly (PromptName | null)[] = ["query", "passage", "symmetric", null];

/**
 * An AI SDK `EmbeddingModelV4` running an embedkit model in-process. Get one from
 * {@link EmbedkitProvider.textEmbeddingModel}.
 */
export class EmbedkitEmbeddingModel implements EmbeddingModelV4 {
  /** The specification this model implements. */
  readonly specificationVersion = "v4" as const;
  /** The provider name the SDK logs. */
  readonly provider = "embedkit";
  /** The model's registry id or folder. */
  readonly modelId: string;
  /** See {@link EmbedkitModelSettings.maxEmbeddingsPerCall}. */
  readonly maxEmbeddingsPerCall: number;
  /** See {@link EmbedkitModelSettings.supportsParallelCalls}. */
  readonly supportsParallelCalls: boolean;
  private readonly promptName: PromptName | null;
  private readonly model: LazyModel;

  /** @internal Use {@link EmbedkitProvider.textEmbeddingModel}. */
  constructor(modelId: string, model: LazyModel, settings: EmbedkitModelSettings = {}) {
    this.modelId = modelId;
    this.model = model;
    this.promptName = parsePromptName(settings.promptName, "promptName", "passage");
    this.maxEmbeddingsPerCall = positive("maxEmbeddingsPerCall", settings.maxEmbeddingsPerCall);
    const parallel = settings.supportsParallelCalls ?? false;
    if (typeof parallel !== "boolean") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `supportsParallelCalls must be a boolean, got ${JSON.stringify(parallel)}`,
        { field: "supportsParallelCalls", value: parallel },
      );
    }
    this.supportsParallelCalls = parallel;
  }

  /**
   * Embeds `values` in order (called by the SDK's `embed` / `embedMany`). `dimensions` selects a
   * Matryoshka size; `abortSignal` rejects the call at once with the signal's reason, and no
   * further batch starts (the one computing finishes in the background).
   */
  async doEmbed(options: EmbeddingModelV4CallOptions): Promise<EmbeddingModelV4Result> {
    const { values, dimensions, abortSignal } = options;
    if (values.length > this.maxEmbeddingsPerCall) {
      throw new TooManyEmbeddingValuesForCallError({
        provider: this.provider,
        modelId: this.modelId,
        maxEmbeddingsPerCall: this.maxEmbeddingsPerCall,
        values,
      });
    }
    const promptName = parsePromptName(
      options.providerOptions?.["embedkit"]?.["promptName"],
      "providerOptions.embedkit.promptName",
      this.promptName,
    );
    abortSignal?.throwIfAborted();
    const model = await abortable(this.model.get(), abortSignal);
    const call = {
      ...(promptName !== null ? { promptName } : {}),
      ...(dimensions !== undefined ? { dimensions } : {}),
    };
    const embeddings: number[][] = [];
    let tokens = 0;
    for (let i = 0; i < values.length; i += CHUNK) {
      abortSignal?.throwIfAborted();
      const r = await abortable(model.embedDetailed(values.slice(i, i + CHUNK), call), abortSignal);
      for (const v of r.vectors) embeddings.push(Array.from(v));
      for (const n of r.tokenCounts) tokens += n;
    }
    return { embeddings, usage: { tokens }, warnings: [] };
  }
}

/**
 * Creates an embedkit provider for the AI SDK; `options` (quantization, batching, store...)
 * apply to every model it creates.
 *
 * @example
 * ```ts
 * import { embedMany, embed, cosineSimilarity } from "ai";
 * import { createEmbedkit } from "embedkit/ai-sdk";
 *
 * const embedkit = createEmbedkit({ quantization: "int8" });
 * const model = embedkit.textEmbeddingModel("BAAI/bge-small-en-v1.5");
 * const { embeddings } = await embedMany({ model, values: docs });
 * const { embedding } = await embed({ model, value: "a question", providerOptions: { embedkit: { promptName: "query" } } });
 * await embedkit.dispose();
 * ```
 */
export function createEmbedkit(options: EmbedkitProviderOptions = {}): EmbedkitProvider {
  const models = new Map<string, LazyModel>();
  let disposed = false;
  const textEmbeddingModel = (modelId: string, settings?: EmbedkitModelSettings): EmbedkitEmbeddingModel => {
    if (typeof modelId !== "string" || modelId === "") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `modelId must be a model id or folder, got ${JSON.stringify(modelId)}`,
        { field: "modelId", value: modelId },
      );
    }
    let model = models.get(modelId);
    if (!model) {
      model = new LazyModel({ ...options, model: modelId });
      if (disposed) void model.dispose();
      models.set(modelId, model);
    }
    return new EmbedkitEmbeddingModel(modelId, model, settings);
  };
  return {
    textEmbeddingModel,
    embeddingModel: textEmbeddingModel,
    async dispose() {
      disposed = true;
      await Promise.all([...models.values()].map((m) => m.dispose()));
    },
  };
}

/**
 * The default provider (default options: models from the cache or the hub per the environment).
 * `embedkit.textEmbeddingModel("BAAI/bge-small-en-v1.5")`.
 */
export const embedkit: EmbedkitProvider = createEmbedkit();

function parsePromptName(value: unknown, field: string, fallback: PromptName | null): PromptName | null {
  if (value === undefined) return fallback;
  if (!PROMPT_NAMES.includes(value as PromptName | null)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must be one of "query", "passage", "symmetric" or null, got ${JSON.stringify(value)}`,
      { field, value, allowed: PROMPT_NAMES },
    );
  }
  return value as PromptName | null;
}

function positive(field: string, value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_EMBEDDINGS_PER_CALL;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must be an integer of at least 1, got ${JSON.stringify(value)}`,
      { field, value, min: 1 },
    );
  }
  return value;
}

/** Resolves as `work` does, or rejects with the signal's reason as soon as it aborts. */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
