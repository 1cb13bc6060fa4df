/**
 * L3: SparseTextEmbedding, the sparse engine users call. `create({ model: "bm25" })` needs no
 * network and no weights; its vectors are FastEmbed's `Qdrant/bm25` vectors (same term ids and
 * weights), for a Qdrant sparse vector with the IDF modifier. A SPLADE model (a registry id such
 * as "prithivida/Splade_PP_en_v1", or a local masked-LM folder) runs through the runtime's
 * `sparse` head; its indices are vocabulary ids, which `decode()` turns into terms. The surface
 * mirrors TextEmbedding: embedAll, streaming embed, queryEmbed/passageEmbed, dispose.
 */
import { storeConfigFromEnv, type StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { assertTextInput } from "../text-input.js";
import { isSparseModelName, resolveSparseModelFiles } from "../hub/resolve-sparse.js";
import { bm25ModelId } from "../models/sparse-registry.js";
import type { SparseModelSpec } from "../models/spec.js";
import { checkRuntimeOptions, type RuntimeOptions } from "../runtime/onnx-model.js";
import type { Encoding, Quantization } from "../types.js";
import {
  Bm25Backend,
  type Bm25BackendOptions,
  type SparseBackend,
  type SparseBatchOptions,
  type SparseSide,
} from "./sparse-backend.js";
import { checkTopK, SPLADE_MAX_BATCH_TOKENS, SpladeBackend, type SparseTerm } from "./splade-backend.js";
import type { SparseVector } from "./sparse-vector.js";

/** Options of {@link SparseTextEmbedding.create}. BM25 reads its own; SPLADE models read the rest. */
export interface SparseTextEmbeddingOptions extends Bm25BackendOptions, RuntimeOptions {
  /**
   * "bm25" (or FastEmbed's name "Qdrant/bm25"), a registered SPLADE model id (see
   * `SPARSE_MODEL_IDS`), or the path of a local SPLADE folder (config.json *ForMaskedLM).
   */
  readonly model: string;
  /** Texts per backend call, and the size of the arrays `embed()` yields. Default 256. */
  readonly batchSize?: number;
  /** SPLADE: padded tokens per runtime call (the logits are tokens x vocabulary floats). Default 512. */
  readonly maxBatchTokens?: number;
  /** SPLADE: cut inputs longer than the model's window (default true) or fail with `input_too_long`. */
  readonly truncate?: boolean;
  /** SPLADE: keep only the k largest weights of each vector. Default: all. */
  readonly topK?: number;
  /** SPLADE: which weight file to run. Default "fp32". */
  readonly quantization?: Quantization;
  /** SPLADE: hub revision. Default the registry's. */
  readonly revision?: string;
  /** SPLADE: model cache and hub settings. Default: from the environment. */
  readonly store?: Partial<StoreConfig>;
}

/** Options of one call; each overrides the model's default for that call. */
export interface SparseCallOptions {
  /** Texts per backend call (and per array `embed()` yields). */
  readonly batchSize?: number;
  /** SPLADE: cut over-long inputs (true) or fail with `input_too_long` (false). */
  readonly truncate?: boolean;
  /** SPLADE: keep only the k largest weights of each vector. */
  readonly topK?: number;
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
 * The sparse engine: one sparse vector (ascending term or vocabulary ids and their weights) per
 * text, from BM25 or a SPLADE model, for documents (embedAll, passageEmbed, streaming embed) or
 * queries (queryEmbed). Create one with {@link SparseTextEmbedding.create}.
 */
export class SparseTextEmbedding {
  /** The model id as given to create(). */
  readonly modelId: string;
  /** The SPLADE model's facts (window, vocabulary, query encoder); undefined for BM25. */
  readonly spec: SparseModelSpec | undefined;
  private readonly backend: SparseBackend;
  private readonly batchSize: number;
  private disposing: Promise<void> | undefined;

  private constructor(backend: SparseBackend, batchSize: number) {
    this.backend = backend;
    this.modelId = backend.modelId;
    this.spec = backend instanceof SpladeBackend ? backend.spec : undefined;
    this.batchSize = batchSize;
  }

  /**
   * Opens a sparse model; `{ model: "bm25" }` needs no files, a SPLADE model is resolved from the
   * cache (downloaded unless offline) or a local folder. Bad options are `invalid_option`.
   */
  static async create(options: SparseTextEmbeddingOptions): Promise<SparseTextEmbedding> {
    if (options === null || typeof options !== "object" || typeof options.model !== "string") {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, 'model must be a sparse model id, e.g. "bm25"', {
        field: "model",
      });
    }
    const batchSize = checkBatchSize(options.batchSize, "batchSize") ?? 256;
    const bm25 = bm25ModelId(options.model);
    if (bm25 !== undefined) {
      const { k, b, avgLen, maxTokenLength, disableStemmer } = options;
      const bm25Options: Bm25BackendOptions = {
        ...(k !== undefined ? { k } : {}),
        ...(b !== undefined ? { b } : {}),
        ...(avgLen !== undefined ? { avgLen } : {}),
        ...(maxTokenLength !== undefined ? { maxTokenLength } : {}),
        ...(disableStemmer !== undefined ? { disableStemmer } : {}),
      };
      return new SparseTextEmbedding(new Bm25Backend(bm25, bm25Options), batchSize);
    }
    checkRuntimeOptions(options);
    const topK = checkTopK(options.topK);
    const maxBatchTokens = checkBatchSize(options.maxBatchTokens, "maxBatchTokens") ?? SPLADE_MAX_BATCH_TOKENS;
    if (options.truncate !== undefined && typeof options.truncate !== "boolean") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `truncate must be a boolean, got ${JSON.stringify(options.truncate)}`,
        {
          field: "truncate",
          value: options.truncate,
        },
      );
    }
    const resolved = await resolveSparseModelFiles({
      model: options.model,
      quantization: options.quantization ?? "fp32",
      store: storeConfigFromEnv(undefined, options.store ?? {}),
      ...(options.revision !== undefined ? { revision: options.revision } : {}),
    });
    const backend = await SpladeBackend.load(
      resolved,
      { batchSize: 32, maxBatchTokens, truncate: options.truncate ?? true, topK },
      options,
    );
    return new SparseTextEmbedding(backend, batchSize);
  }

  /**
   * Whether `model` names a sparse model: a sparse registry id, "bm25", or a folder whose
   * config.json declares a masked-LM architecture. Reads no weights.
   */
  static isSparseModel(model: string): Promise<boolean> {
    return isSparseModelName(model);
  }

  /**
   * SPLADE, for request batchers (the server): tokenizes texts, cut to the window when
   * `truncate` is set, else an `input_too_long` error naming the first over-long text.
   */
  async encode(texts: readonly string[], options: { truncate: boolean }): Promise<Encoding[]> {
    this.assertLive();
    return this.splade().encode(texts, options.truncate);
  }

  /** SPLADE, for request batchers: runs encodings already packed into one batch as one runtime call. */
  embedPacked(encodings: readonly Encoding[]): Promise<SparseVector[]> {
    this.assertLive();
    return this.splade().runPacked(encodings);
  }

  private splade(): SpladeBackend {
    if (!(this.backend instanceof SpladeBackend)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `${this.modelId} has no model to run; encode()/embedPacked() need a SPLADE model`,
        { field: "model", model: this.modelId },
      );
    }
    return this.backend;
  }

  /** A SPLADE vector's terms in index order, `[{token, value}]`; BM25 term ids are hashes and cannot be decoded. */
  decode(vector: SparseVector): SparseTerm[] {
    this.assertLive();
    if (!(this.backend instanceof SpladeBackend)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `decode() needs a SPLADE model; ${this.modelId} term ids are hashes of words, not vocabulary ids`,
        { field: "model", model: this.modelId },
      );
    }
    return this.backend.decode(vector);
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
        if (batch.length > 0)
          yield await this.backend.embedBatch(batch, "document", this.call(options, index - batch.length));
        throw e;
      }
      index++;
      batch.push(value);
      if (batch.length === size) {
        yield await this.backend.embedBatch(batch, "document", this.call(options, index - batch.length));
        batch = [];
      }
    }
    if (batch.length > 0 && !this.disposing)
      yield await this.backend.embedBatch(batch, "document", this.call(options, index - batch.length));
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
      out.push(...(await this.backend.embedBatch(texts.slice(i, i + size), side, this.call(options, i))));
    return out;
  }

  private call(options: SparseCallOptions, firstIndex: number): SparseBatchOptions {
    const topK = checkTopK(options.topK);
    if (options.truncate !== undefined && typeof options.truncate !== "boolean") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `truncate must be a boolean, got ${JSON.stringify(options.truncate)}`,
        {
          field: "truncate",
          value: options.truncate,
        },
      );
    }
    return { truncate: options.truncate, topK, firstIndex };
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
