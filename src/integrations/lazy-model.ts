/**
 * L6: the one model an integration owns, created on first use and released by dispose().
 * Shared by the LangChain.js, LlamaIndex.TS and AI SDK adapters; public API only.
 */
import { EmbedkitError, ERROR_CODES, TextEmbedding, type TextEmbeddingOptions } from "../index.js";

/**
 * What every integration is constructed with: the options of `TextEmbedding.create()` (`model`,
 * `quantization`, `batchSize`, `store`...), or an already created `TextEmbedding` to share
 * (`{ textEmbedding }`; the integration then never disposes it).
 */
export type IntegrationModelOptions =
  | TextEmbeddingOptions
  | {
      /** A model created by the caller, shared; the integration never disposes it. */
      readonly textEmbedding: TextEmbedding;
    };

/** Any engine an integration can hold: it has an id and must be disposed. */
interface Engine {
  readonly modelId: string;
  dispose(): Promise<void>;
}

/**
 * An engine created on first use by `create`, or one shared by the caller (never disposed
 * here); a failed creation is retried by the next call.
 */
export class LazyEngine<T extends Engine> {
  private loading: Promise<T> | undefined;
  private disposed = false;

  constructor(
    private readonly create: () => Promise<T>,
    private readonly shared: T | undefined,
    private readonly configured: string | undefined,
  ) {}

  /** The model as configured: the shared model's id, the `model` option, or undefined (the default model). */
  get configuredModel(): string | undefined {
    return this.shared?.modelId ?? this.configured;
  }

  /** The loaded engine; loads it on the first call. */
  get(): Promise<T> {
    if (this.disposed) {
      return Promise.reject(
        new EmbedkitError(
          ERROR_CODES.DISPOSED,
          `this integration's model ${this.configuredModel ?? "(default)"} was disposed; create a new one`,
        ),
      );
    }
    if (this.shared) return Promise.resolve(this.shared);
    if (!this.loading) {
      const loading = this.create();
      this.loading = loading;
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    }
    return this.loading;
  }

  /**
   * Releases the engine this integration created (a shared one is left to its owner).
   * Calls made afterwards fail with a `disposed` error.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    const loading = this.loading;
    this.loading = undefined;
    const model = await loading?.catch(() => undefined);
    await model?.dispose();
  }
}

/** Creates the embedding model on first use; a failed creation is retried by the next call. */
export class LazyModel extends LazyEngine<TextEmbedding> {
  constructor(options: IntegrationModelOptions = {}) {
    if ("textEmbedding" in options) {
      super(() => Promise.resolve(options.textEmbedding), options.textEmbedding, undefined);
    } else {
      const copy = { ...options };
      super(() => TextEmbedding.create(copy), undefined, copy.model);
    }
  }
}
