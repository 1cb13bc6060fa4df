/**
 * L3: SparseTextEmbedding, the sparse engine users call. `create({ model: "bm25" })` needs no
 * network and no weights; its vectors are FastEmbed's `Qdrant/bm25` vectors (same term ids and
 * weights), for a Qdrant sparse vector with the IDF modifier. The surface mirrors TextEmbedding:
 * embedAll, streaming embed, queryEmbed/passageEmbed, dispose.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { assertTextInput } from "../embed/validate-input.js";
import { createSparseBackend, type Bm25BackendOptions, type SparseBackend, type SparseSide } from "./sparse-backend.js";
import type { SparseVector } from "./sparse-vector.js";

/** Options of {@link SparseTextEmbedding.create}: the model and, for BM25, its parameters. */
export interface SparseTextEmbeddingOptions extends Bm25BackendOptions {
  /** A sparse model id: "bm25" (or FastEmbed's name "Qdrant/bm25"). */
  readonly model: string;
  /** Texts per backend call, and the size of the arrays `embed()` yields. Default 256. */
  readonly batchSize?: number;
}

/** Per-call options of SparseTextEmbedding. */
export interface SparseCallOptions {
  /** Texts per backend call, and the size of the arrays `embed()` yields. Default: the engine's. */
  readonly batchSize?: number;
}

type Input = Iterable<unknown> | AsyncIterable<unknown>;

function checkBatchSize(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be an integer >= 1, got ${String(value)}`, {
      field,
      value,
    });
  }
  return value;
}

/**
 * The sparse engine: one sparse vector (ascending term ids and their weights) per text, for
 * documents (embedAll, passageEmbed, streaming embed) or queries (queryEmbed).
 */
export class SparseTextEmbedding {
  /** The model id as given to create(). */
  readonly modelId: string;
  private readonly backend: SparseBackend;
  private readonly batchSize: number;
  private disposing: Promise<void> | undefined;

  private constructor(backend: SparseBackend, batchSize: number) {
    this.backend = backend;
    this.modelId = backend.modelId;
    this.batchSize = batchSize;
  }

  /** Opens a sparse model; `{ model: "bm25" }` needs no files. Bad options are `invalid_option`. */
  static async create(options: SparseTextEmbeddingOptions): Promise<SparseTextEmbedding> {
    if (options === null || typeof options !== "object" || typeof options.model !== "string") {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, 'model must be a sparse model id, e.g. "bm25"', {
        field: "model",
      });
    }
    const batchSize = checkBatchSize(options.batchSize, "batchSize") ?? 256;
    const { model, batchSize: _b, ...backendOptions } = options;
    return new SparseTextEmbedding(createSparseBackend(model, backendOptions), batchSize);
  }

  /** Embeds documents; one sparse vector per text, in input order, indices ascending. */
  async embedAll(texts: readonly string[], options: SparseCallOptions = {}): Promise<SparseVector[]> {
    return this.all(texts, "document", options);
  }

  /** Same as embedAll (BM25 documents have no prompt); for symmetry with TextEmbedding. */
  passageEmbed(text: string, options?: SparseCallOptions): Promise<SparseVector>;
  passageEmbed(texts: readonly string[], options?: SparseCallOptions): Promise<SparseVector[]>;
  async passageEmbed(
    input: string | readonly string[],
    options: SparseCallOptions = {},
  ): Promise<SparseVector | SparseVector[]> {
    if (typeof input === "string") return (await this.all([input], "document", options))[0]!;
    return this.all(input, "document", options);
  }

  /** Query vectors: for BM25 each distinct term with weight 1 (the IDF is applied by the index). */
  queryEmbed(text: string, options?: SparseCallOptions): Promise<SparseVector>;
  queryEmbed(texts: readonly string[], options?: SparseCallOptions): Promise<SparseVector[]>;
  async queryEmbed(
    input: string | readonly string[],
    options: SparseCallOptions = {},
  ): Promise<SparseVector | SparseVector[]> {
    if (typeof input === "string") return (await this.all([input], "query", options))[0]!;
    return this.all(input, "query", options);
  }

  /**
   * Streams document vectors: reads `inputs` lazily (any iterable or async iterable of strings)
   * and yields arrays of `batchSize` vectors in input order. A bad input stops the stream with a
   * typed error after every vector before it has been yielded.
   */
  async *embed(inputs: Input, options: SparseCallOptions = {}): AsyncGenerator<SparseVector[], void, undefined> {
    this.assertLive();
    const size = checkBatchSize(options.batchSize, "batchSize") ?? this.batchSize;
    if (
      inputs === null ||
      typeof inputs !== "object" ||
      !(Symbol.iterator in inputs || Symbol.asyncIterator in inputs)
    ) {
      throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "inputs must be an iterable of strings", { field: "inputs" });
    }
    let batch: string[] = [];
    let index = 0;
    for await (const value of inputs as AsyncIterable<unknown>) {
      if (this.disposing) break;
      try {
        assertTextInput(value, `inputs[${index}]`);
      } catch (e) {
        if (batch.length > 0) yield await this.backend.embedBatch(batch, "document");
        throw e;
      }
      index++;
      batch.push(value);
      if (batch.length === size) {
        yield await this.backend.embedBatch(batch, "document");
        batch = [];
      }
    }
    if (batch.length > 0 && !this.disposing) yield await this.backend.embedBatch(batch, "document");
  }

  /** Releases the backend; later calls throw a `disposed` error. */
  dispose(): Promise<void> {
    this.disposing ??= this.backend.dispose();
    return this.disposing;
  }

  private async all(texts: readonly string[], side: SparseSide, options: SparseCallOptions): Promise<SparseVector[]> {
    this.assertLive();
    if (!Array.isArray(texts)) {
      throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "inputs must be an array of strings", { field: "inputs" });
    }
    texts.forEach((t, i) => assertTextInput(t, `inputs[${i}]`)); // fail before any work
    const size = checkBatchSize(options.batchSize, "batchSize") ?? this.batchSize;
    const out: SparseVector[] = [];
    for (let i = 0; i < texts.length; i += size)
      out.push(...(await this.backend.embedBatch(texts.slice(i, i + size), side)));
    return out;
  }

  private assertLive(): void {
    if (this.disposing) {
      throw new EmbedkitError(
        ERROR_CODES.DISPOSED,
        `the sparse model ${this.modelId} was disposed; create a new SparseTextEmbedding`,
      );
    }
  }
}
