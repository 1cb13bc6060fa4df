/**
 * L6: embedkit's cross-encoder as a LangChain document compressor (exported from
 * `embedkit/langchain`): reorders a retriever's documents by `TextCrossEncoder` score, keeps the
 * best `topN`, and records each score in the document's metadata. Public API only.
 */
import { Document, type DocumentInterface } from "@langchain/core/documents";
import { BaseDocumentCompressor } from "@langchain/core/retrievers/document_compressors";
import { EmbedkitError, ERROR_CODES, TextCrossEncoder, type TextCrossEncoderOptions } from "../index.js";
import { LazyEngine } from "./lazy-model.js";

/** How many documents {@link EmbedkitRerank} keeps when `topN` is not given (as LangChain's rerankers). */
export const DEFAULT_RERANK_TOP_N = 3;

/** The metadata key that holds each kept document's score (LangChain's rerankers use the same). */
export const RELEVANCE_SCORE_KEY = "relevanceScore";

/**
 * Options of {@link EmbedkitRerank}: those of `TextCrossEncoder.create()` (`model`,
 * `quantization`, `batchSize`, `store`...) or `{ crossEncoder }` to share a reranker already
 * created, plus `topN`.
 */
export type EmbedkitRerankOptions = (
  | TextCrossEncoderOptions
  | {
      /** A reranker created by the caller, shared; the compressor never disposes it. */
      readonly crossEncoder: TextCrossEncoder;
    }
) & {
  /** Keep the best `topN` documents (an integer >= 1; more than given keeps all). Default 3. */
  readonly topN?: number;
};

/** One document's score, as {@link EmbedkitRerank.rerank} returns it. */
export interface EmbedkitRerankResult {
  /** Position of the document in the list given. */
  readonly index: number;
  /** The cross-encoder's score of (query, document); higher is more relevant. */
  readonly relevanceScore: number;
}

function checkTopN(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must be an integer >= 1, got ${JSON.stringify(value) ?? String(value)}`,
      { field, value, min: 1 },
    );
  }
  return value;
}

function pageContents(documents: readonly DocumentInterface[]): string[] {
  if (!Array.isArray(documents)) {
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, `documents must be an array of LangChain Documents`, {
      field: "documents",
    });
  }
  return documents.map((d, i) => {
    const text = (d as { pageContent?: unknown } | null)?.pageContent;
    if (typeof text !== "string") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `documents[${i}].pageContent must be a string, got ${text === null ? "null" : typeof text}`,
        { field: `documents[${i}].pageContent`, index: i },
      );
    }
    return text;
  });
}

/**
 * A LangChain `BaseDocumentCompressor` that reranks with an embedkit cross-encoder in-process:
 * the documents are scored against the query in one `TextCrossEncoder.rerank` call, returned
 * best first (ties in input order), cut to `topN`, each a new `Document` carrying the original
 * metadata plus `relevanceScore`. Use it as the `baseCompressor` of LangChain's
 * `ContextualCompressionRetriever`. The reranker is created on the first call; `dispose()`
 * releases it.
 *
 * A `topN` that is not an integer >= 1 throws `invalid_option` at construction; an empty query
 * rejects with `invalid_input`; an empty document list gives `[]`.
 *
 * @example
 * ```ts
 * import { ContextualCompressionRetriever } from "@langchain/classic/retrievers/contextual_compression";
 * import { EmbedkitRerank } from "embedkit/langchain";
 *
 * const retriever = new ContextualCompressionRetriever({
 *   baseCompressor: new EmbedkitRerank({ model: "Xenova/ms-marco-MiniLM-L-6-v2", topN: 3 }),
 *   baseRetriever: store.asRetriever({ k: 20 }),
 * });
 * const docs = await retriever.invoke("how do plants make energy?"); // metadata.relevanceScore
 * ```
 */
export class EmbedkitRerank extends BaseDocumentCompressor {
  /** How many documents `compressDocuments` keeps. */
  readonly topN: number;
  private readonly engine: LazyEngine<TextCrossEncoder>;

  constructor(options: EmbedkitRerankOptions = {}) {
    super();
    const { topN, ...rest } = options;
    this.topN = topN === undefined ? DEFAULT_RERANK_TOP_N : checkTopN(topN, "topN");
    if ("crossEncoder" in rest) {
      this.engine = new LazyEngine(() => Promise.resolve(rest.crossEncoder), rest.crossEncoder, undefined);
    } else {
      const copy: TextCrossEncoderOptions = { ...rest };
      this.engine = new LazyEngine(() => TextCrossEncoder.create(copy), undefined, copy.model);
    }
  }

  /**
   * Scores each document's `pageContent` against the query; best first, cut to `topN` (default:
   * the compressor's).
   */
  async rerank(
    documents: readonly DocumentInterface[],
    query: string,
    options: { readonly topN?: number } = {},
  ): Promise<EmbedkitRerankResult[]> {
    const topN = options.topN === undefined ? this.topN : checkTopN(options.topN, "topN");
    const texts = pageContents(documents);
    const model = await this.engine.get();
    const ranked = await model.rerank(query, texts, { topK: topN });
    return ranked.map((r) => ({ index: r.index, relevanceScore: r.score }));
  }

  /** LangChain's compressor call: the best `topN` documents, best first, with `metadata.relevanceScore`. */
  async compressDocuments(documents: DocumentInterface[], query: string): Promise<DocumentInterface[]> {
    const ranked = await this.rerank(documents, query);
    return ranked.map(({ index, relevanceScore }) => {
      const doc = documents[index]!;
      return new Document({
        pageContent: doc.pageContent,
        metadata: { ...doc.metadata, [RELEVANCE_SCORE_KEY]: relevanceScore },
        ...(doc.id !== undefined ? { id: doc.id } : {}),
      });
    });
  }

  /** The underlying embedkit reranker (created if it was not yet). */
  crossEncoder(): Promise<TextCrossEncoder> {
    return this.engine.get();
  }

  /** Releases the reranker (unless it was shared with `{ crossEncoder }`); later calls fail with `disposed`. */
  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
