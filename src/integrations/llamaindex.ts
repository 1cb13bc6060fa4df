/**
 * LlamaIndex.TS integration (`embedkit/llamaindex`): embedkit as a LlamaIndex `BaseEmbedding`,
 * for `Settings.embedModel`, `VectorStoreIndex` and ingestion pipelines. Needs the optional peer
 * `@llamaindex/core` (installed with `llamaindex`).
 *
 * @packageDocumentation
 */
import { BaseEmbedding } from "@llamaindex/core/embeddings";
import type { MessageContentDetail } from "@llamaindex/core/llms";
import type { TextEmbedding } from "../index.js";
import { LazyModel, type IntegrationModelOptions } from "./lazy-model.js";

export type { IntegrationModelOptions } from "./lazy-model.js";

/**
 * Options of {@link EmbedkitEmbedding}: those of `TextEmbedding.create()` (or `{ textEmbedding }`
 * to share a model), and how many texts LlamaIndex hands over per call.
 */
export type EmbedkitEmbeddingOptions = IntegrationModelOptions & {
  /**
   * Texts per call from LlamaIndex's batching to embedkit, which then sorts them by length and
   * cuts its own token-budgeted batches. Larger is better for throughput. Default 512.
   */
  readonly embedBatchSize?: number;
};

/** Texts per call from LlamaIndex to embedkit by default (embedkit batches within the call). */
export const DEFAULT_LLAMAINDEX_BATCH = 512;

/**
 * A LlamaIndex `BaseEmbedding` running an embedkit model in-process.
 *
 * Nodes and texts (`getTextEmbedding(s)`) get the model's passage prompt; queries
 * (`getQueryEmbedding`, used by retrievers) get its query prompt. The model is created on the
 * first call; `dispose()` releases it.
 *
 * @example
 * ```ts
 * import { Document, Settings, VectorStoreIndex } from "llamaindex";
 * import { EmbedkitEmbedding } from "embedkit/llamaindex";
 *
 * Settings.embedModel = new EmbedkitEmbedding({ model: "BAAI/bge-small-en-v1.5" });
 * const index = await VectorStoreIndex.fromDocuments([new Document({ text: "..." })]);
 * const hits = await index.asRetriever({ similarityTopK: 3 }).retrieve({ query: "..." });
 * ```
 */
export class EmbedkitEmbedding extends BaseEmbedding {
  private readonly model: LazyModel;

  constructor(options: EmbedkitEmbeddingOptions = {}) {
    super();
    const { embedBatchSize, ...modelOptions } = options as EmbedkitEmbeddingOptions & { embedBatchSize?: number };
    this.model = new LazyModel(modelOptions as IntegrationModelOptions);
    this.embedBatchSize = embedBatchSize ?? DEFAULT_LLAMAINDEX_BATCH;
  }

  /** Embeds one text (a node's content) with the model's passage prompt. */
  async getTextEmbedding(text: string): Promise<number[]> {
    const [vector] = await this.getTextEmbeddings([text]);
    return vector!;
  }

  /** Embeds texts with the model's passage prompt, in one embedkit call. */
  override getTextEmbeddings = async (texts: string[]): Promise<number[][]> => {
    const model = await this.loaded();
    return (await model.embedAll(texts, { promptName: "passage" })).map((v) => Array.from(v));
  };

  /** Embeds a retrieval query with the model's query prompt; non-text content gives null. */
  override async getQueryEmbedding(query: MessageContentDetail): Promise<number[] | null> {
    const text = typeof query === "string" ? (query as string) : query.type === "text" ? query.text : null;
    if (text === null) return null;
    const model = await this.loaded();
    const [vector] = await model.embedAll([text], { promptName: "query" });
    return Array.from(vector!);
  }

  /** The underlying embedkit model (created if it was not yet). */
  textEmbedding(): Promise<TextEmbedding> {
    return this.loaded();
  }

  /** Releases the model (unless it was shared with `{ textEmbedding }`); later calls fail with `disposed`. */
  dispose(): Promise<void> {
    return this.model.dispose();
  }

  private async loaded(): Promise<TextEmbedding> {
    const model = await this.model.get();
    this.embedInfo ??= { dimensions: model.dim, maxTokens: model.maxTokens };
    return model;
  }
}
