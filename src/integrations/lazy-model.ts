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

/** Creates the model on first use; a failed creation is retried by the next call. */
export class LazyModel {
  private loading: Promise<TextEmbedding> | undefined;
  private readonly shared: TextEmbedding | undefined;
  private readonly options: TextEmbeddingOptions;
  private disposed = false;

  constructor(options: IntegrationModelOptions = {}) {
    if ("textEmbedding" in options) {
      this.shared = options.textEmbedding;
      this.options = {};
    } else {
      this.shared = undefined;
      this.options = { ...options };
    }
  }

  /** The model as configured: the shared model's id, the `model` option, or undefined (the default model). */
  get configuredModel(): string | undefined {
    return this.shared?.modelId ?? this.options.model;
  }

  /** The loaded model; loads it on the first call. */
  get(): Promise<TextEmbedding> {
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
      const loading = TextEmbedding.create(this.options);
      this.loading = loading;
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    }
    return this.loading;
  }

  /**
   * Releases the model this integration created (a shared `textEmbedding` is left to its owner).
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
