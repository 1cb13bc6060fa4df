/**
 * LangChain.js integration (`embedkit/langchain`): embedkit as a LangChain `Embeddings`, so any
 * LangChain vector store or retriever embeds locally. Needs the optional peer `@langchain/core`.
 *
 * @packageDocumentation
 */
import { Embeddings } from "@langchain/core/embeddings";
import type { EmbedCallOptions, TextEmbedding } from "../index.js";
import { LazyModel, type IntegrationModelOptions } from "./lazy-model.js";

export type { IntegrationModelOptions } from "./lazy-model.js";

/**
 * Options of {@link EmbedkitEmbeddings}: those of `TextEmbedding.create()` (`model`,
 * `quantization`, `batchSize`, `maxBatchTokens`, `dimensions`, `store`...), or
 * `{ textEmbedding }` to share a model already created.
 */
export type EmbedkitEmbeddingsOptions = IntegrationModelOptions;

/**
 * A LangChain `Embeddings` running an embedkit model in-process.
 *
 * `embedDocuments` applies the model's passage prompt and `embedQuery` its query prompt (BGE's
 * instruction, E5's `"query: "`/`"passage: "`), as the model registry says. Batching, length
 * sorting and the worker thread are embedkit's: the whole array goes to the model in one call,
 * without LangChain's retrying caller (a local model's errors are typed and final). The model is
 * created on the first call; `dispose()` releases it.
 *
 * @example
 * ```ts
 * import { EmbedkitEmbeddings } from "embedkit/langchain";
 * import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
 *
 * const embeddings = new EmbedkitEmbeddings({ model: "BAAI/bge-small-en-v1.5" });
 * const store = await MemoryVectorStore.fromTexts(texts, metadatas, embeddings);
 * const hits = await store.similaritySearch("what is a vector?", 3);
 * await embeddings.dispose();
 * ```
 */
export class EmbedkitEmbeddings extends Embeddings {
  private readonly model: LazyModel;

  constructor(options: EmbedkitEmbeddingsOptions = {}) {
    super({});
    this.model = new LazyModel(options);
  }

  /** Embeds documents with the model's passage prompt, in input order. */
  async embedDocuments(documents: string[], options: EmbedCallOptions = {}): Promise<number[][]> {
    const model = await this.model.get();
    const vectors = await model.embedAll(documents, { ...options, promptName: "passage" });
    return vectors.map((v) => Array.from(v));
  }

  /** Embeds one search query with the model's query prompt. */
  async embedQuery(query: string, options: EmbedCallOptions = {}): Promise<number[]> {
    const model = await this.model.get();
    const [vector] = await model.embedAll([query], { ...options, promptName: "query" });
    return Array.from(vector!);
  }

  /** The underlying embedkit model (created if it was not yet). */
  textEmbedding(): Promise<TextEmbedding> {
    return this.model.get();
  }

  /** Releases the model (unless it was shared with `{ textEmbedding }`); later calls fail with `disposed`. */
  dispose(): Promise<void> {
    return this.model.dispose();
  }
}

export {
  EmbedkitRerank,
  DEFAULT_RERANK_TOP_N,
  RELEVANCE_SCORE_KEY,
  type EmbedkitRerankOptions,
  type EmbedkitRerankResult,
} from "./langchain-rerank.js";
