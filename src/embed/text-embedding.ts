/**
 * L3: TextEmbedding, the engine users call.
 */
import { storeConfigFromEnv, type StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { DownloadProgress } from "../hub/download-file.js";
import type { LocalModelOverrides } from "../hub/local.js";
import { resolveModelFiles } from "../hub/resolve.js";
import { DEFAULT_MODEL } from "../models/registry.js";
import type { ModelSpec } from "../models/spec.js";
import { checkRuntimeOptions, loadOnnxModel, type OnnxModel, type RuntimeOptions } from "../runtime/onnx-model.js";
import { loadTokenizer, offsetsAfterPrefix, type TextTokenizer } from "../tokenizer/tokenizer.js";
import type { Embedder, Encoding, PromptName, Quantization, TruncationDirection } from "../types.js";
import { execute, onePackedBatch } from "../engine/execute.js";
import { planBatches } from "../engine/plan-batches.js";
import type { HeadRow, OutputHead } from "../pooling/head-types.js";
import {
  poolEncodings,
  promptFor,
  runWindow,
  tokenizeWindow,
  runEncodings,
  tokenizeWithPrompt,
  tooLongError,
  type EncodedWindow,
  type EncoderParts,
} from "./encoder.js";
import { resolveBatching, resolveDimensions, type BatchingOptions, type PerCallOptions } from "./engine-options.js";
import { assertTextInput } from "../text-input.js";
import { chunk } from "../chunking/chunk.js";
import type { Chunk, ChunkOptions, ChunkTokenizer } from "../chunking/chunk-types.js";
import { chunkTokenizerFor } from "./chunk-tokenizer.js";
import { embedChunkStream, type ChunkedDocument, type EmbedChunksOptions } from "./embed-chunks.js";
import type { Precision, QuantizedRow } from "../pooling/quantize.js";
import {
  applyPrecision,
  resolveOutputPrecision,
  type OutputPrecision,
  type PrecisionOptions,
} from "./output-precision.js";
import { lateChunkSweep, type ChunkSweepDocument, type ChunkSweepOptions } from "./late-chunk-sweep.js";

/** Options of {@link TextEmbedding.create}: which model, how to batch and run it, where its files come from. */
export interface TextEmbeddingOptions extends Partial<BatchingOptions>, RuntimeOptions, LocalModelOverrides {
  /** A registry id (see `embedkit models list`) or a path to a local model folder. Default BAAI/bge-small-en-v1.5. */
  readonly model?: string;
  /** Which weight file to run. Default "fp32". */
  readonly quantization?: Quantization;
  /** Hub revision to download. Default: the registry's. */
  readonly revision?: string;
  /** Model cache and hub settings. Default: from the environment (EMBEDKIT_CACHE, EMBEDKIT_OFFLINE, HF_ENDPOINT, HF_TOKEN). */
  readonly store?: Partial<StoreConfig>;
  /** Cut over-long inputs instead of failing. Default true. */
  readonly truncate?: boolean;
  /** Which end of an over-long input is cut. Default "right". */
  readonly truncationDirection?: TruncationDirection;
  /** Matryoshka output size for every call. Default: the model's dimension. */
  readonly dimensions?: number;
  /** Called as model files download (bytes done and total per file). */
  readonly onDownloadProgress?: (p: DownloadProgress) => void;
}

/** Options of one call (`embedAll`, `embed`, `queryEmbed`...); each overrides the model's default for that call. */
export interface EmbedCallOptions {
  /** The model prompt to prepend (`query`, `passage`, `symmetric`); omitted: the text as given. */
  readonly promptName?: PromptName;
  /** Texts per runtime call, and the size of the arrays `embed()` yields. */
  readonly batchSize?: number;
  /** Cut over-long inputs (true) or fail with `input_too_long` (false). */
  readonly truncate?: boolean;
  /** Which end of an over-long input is cut. */
  readonly truncationDirection?: TruncationDirection;
  /** Matryoshka output size: keep the first N components, then renormalize. */
  readonly dimensions?: number;
  /** L2-normalize (default: the model's convention). */
  readonly normalize?: boolean;
}

/** Options of `embedAll` / `embed` with an output precision (int8, uint8, binary, ubinary); see {@link PrecisionOptions}. */
export type EmbedOutputOptions<P extends Precision = Precision> = EmbedCallOptions &
  PrecisionOptions & {
    /** The output precision; decides the row type. */
    readonly precision: P;
  };

/** Options of `embedAll` / `embed` that give float32 vectors (the default). */
export type EmbedFloatOptions = EmbedCallOptions &
  PrecisionOptions & {
    /** float32 or omitted: Float32Array rows. */
    readonly precision?: "float32";
  };

/** What {@link TextEmbedding.embedDetailed} returns: the vectors, and per text its token count and whether it was truncated. */
export interface DetailedEmbeddings extends EncodedWindow {}

/** One text as the model's tokenizer sees it, from tokenize(); arrays indexed by token. */
export interface TokenizedText {
  /** The token ids, special and prompt tokens included, never truncated. */
  readonly ids: Int32Array;
  /**
   * Token i covers the UTF-16 code units `[offsets[2i], offsets[2i+1])` of the text given (the
   * prompt, if any, not counted): `text.slice(start, end)`. [0, 0] for special and prompt tokens.
   */
  readonly offsets: Int32Array;
  /** Per token: 0 for a token of the text, -1 for a special token ([CLS], [SEP]), -2 for a token of the prompt. */
  readonly segments: Int8Array;
}

type Input = Iterable<unknown> | AsyncIterable<unknown>;

/**
 * A text embedding model loaded for inference: create one with {@link TextEmbedding.create},
 * embed arrays or streams in input order, and `dispose()` it when done.
 */
export class TextEmbedding implements Embedder {
  readonly modelId: string;
  /** The model's facts: dimension, pooling, prompts, files (from the registry or the local folder). */
  readonly spec: ModelSpec;
  /** Which weight file runs. */
  readonly quantization: Quantization;
  /** Where the model's files were found. */
  readonly modelDir: string;
  private readonly parts: EncoderParts;
  private readonly batching: BatchingOptions;
  private readonly defaults: PerCallOptions;
  /** Set by dispose(): new calls are refused, calls already started finish first. */
  private disposing: Promise<void> | undefined;
  /** Whole-result calls (embedAll, encode, embedEncodings...) that dispose() lets finish. */
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    init: { modelId: string; spec: ModelSpec; quantization: Quantization; dir: string },
    tokenizer: TextTokenizer,
    model: OnnxModel,
    options: TextEmbeddingOptions,
  ) {
    this.modelId = init.modelId;
    this.spec = init.spec;
    this.quantization = init.quantization;
    this.modelDir = init.dir;
    this.parts = { spec: init.spec, tokenizer, model };
    this.batching = resolveBatching(options);
    this.defaults = {
      truncate: options.truncate ?? true,
      truncationDirection: options.truncationDirection ?? "right",
      dimensions: resolveDimensions(options.dimensions, init.spec.dim),
      normalize: init.spec.normalize,
    };
  }

  /** Loads a model (downloading it into the cache unless offline) and prepares the runtime. */
  static async create(options: TextEmbeddingOptions = {}): Promise<TextEmbedding> {
    resolveBatching(options); // fail on bad options before any download
    checkRuntimeOptions(options);
    const store = storeConfigFromEnv(undefined, options.store ?? {});
    const resolved = await resolveModelFiles({
      model: options.model ?? DEFAULT_MODEL,
      quantization: options.quantization ?? "fp32",
      store,
      ...(options.revision !== undefined ? { revision: options.revision } : {}),
      ...(options.onDownloadProgress ? { onProgress: options.onDownloadProgress } : {}),
      overrides: pickOverrides(options),
    });
    // The session loads in its worker while this thread loads the tokenizer.
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
    return new TextEmbedding(
      { modelId: resolved.modelId, spec: resolved.spec, quantization: resolved.quantization, dir: resolved.dir },
      tokenizer,
      model,
      options,
    );
  }

  /** Output dimension (the `dimensions` option when set, else the model's). */
  get dim(): number {
    return this.defaults.dimensions ?? this.spec.dim;
  }

  /** Most tokens the model accepts per input, special tokens included. */
  get maxTokens(): number {
    return this.spec.maxTokens;
  }

  /**
   * Streams embeddings: reads `inputs` lazily (any iterable or async iterable of strings), and
   * yields arrays of `batchSize` vectors in input order. Memory stays bounded by the window, so
   * inputs of any length can be streamed. A bad input stops the stream with a typed error after
   * every vector before it has been yielded. With `precision` int8/uint8, give `ranges` or
   * `calibration` (ranges from each batch would change from batch to batch); binary/ubinary
   * need neither. Rows are Int8Array (int8, binary) or Uint8Array (uint8, ubinary).
   */
  embed(inputs: Input, options?: EmbedFloatOptions): AsyncGenerator<Float32Array[], void, undefined>;
  embed<P extends Precision>(
    inputs: Input,
    options: EmbedOutputOptions<P>,
  ): AsyncGenerator<QuantizedRow<P>[], void, undefined>;
  async *embed(
    inputs: Input,
    options: EmbedCallOptions & PrecisionOptions = {},
  ): AsyncGenerator<QuantizedRow[], void, undefined> {
    const output = this.outputPrecision(options, { needsFixedRanges: true });
    for await (const w of this.embedWindows(inputs, options)) {
      const size = options.batchSize ?? this.batching.batchSize;
      for (let i = 0; i < w.vectors.length; i += size) yield applyPrecision(w.vectors.slice(i, i + size), output);
    }
  }

  /**
   * Embeds all texts and returns the vectors in input order. With `precision`, the rows are
   * quantized as sentence-transformers' `quantize_embeddings` does (int8/uint8: with `ranges`,
   * else the min/max of `calibration`, else of this call's own vectors, at least two).
   */
  embedAll(texts: readonly string[], options?: EmbedFloatOptions): Promise<Float32Array[]>;
  embedAll<P extends Precision>(texts: readonly string[], options: EmbedOutputOptions<P>): Promise<QuantizedRow<P>[]>;
  async embedAll(texts: readonly string[], options: EmbedCallOptions & PrecisionOptions = {}): Promise<QuantizedRow[]> {
    const output = this.outputPrecision(options, { count: Array.isArray(texts) ? texts.length : undefined });
    return applyPrecision((await this.embedDetailed(texts, options)).vectors, output);
  }

  /** Like embedAll, and also says how many tokens each text had and whether it was truncated. */
  async embedDetailed(texts: readonly string[], options: EmbedCallOptions = {}): Promise<DetailedEmbeddings> {
    this.assertLive();
    if (!Array.isArray(texts)) {
      throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "inputs must be an array of strings", { field: "inputs" });
    }
    texts.forEach((t, i) => assertTextInput(t, `inputs[${i}]`)); // fail before any work
    return this.track(async () => {
      const result: DetailedEmbeddings = { vectors: [], tokenCounts: [], truncated: [] };
      for await (const w of this.embedWindows(texts, options, { whole: true })) {
        result.vectors.push(...w.vectors);
        result.tokenCounts.push(...w.tokenCounts);
        result.truncated.push(...w.truncated);
      }
      return result;
    });
  }

  /** Embeds retrieval queries with the model's query prompt (e.g. BGE's instruction, E5's "query: "). */
  queryEmbed(text: string, options?: EmbedCallOptions): Promise<Float32Array>;
  queryEmbed(texts: readonly string[], options?: EmbedCallOptions): Promise<Float32Array[]>;
  async queryEmbed(
    input: string | readonly string[],
    options: EmbedCallOptions = {},
  ): Promise<Float32Array | Float32Array[]> {
    return this.withPrompt(input, "query", options);
  }

  /** Embeds documents with the model's passage prompt (E5's "passage: "; none for BGE). */
  passageEmbed(text: string, options?: EmbedCallOptions): Promise<Float32Array>;
  passageEmbed(texts: readonly string[], options?: EmbedCallOptions): Promise<Float32Array[]>;
  async passageEmbed(
    input: string | readonly string[],
    options: EmbedCallOptions = {},
  ): Promise<Float32Array | Float32Array[]> {
    return this.withPrompt(input, "passage", options);
  }

  /** Number of tokens of each text (special tokens included, no prompt, no truncation). */
  async tokenCount(texts: string | readonly string[]): Promise<number[]> {
    this.assertLive();
    const list = typeof texts === "string" ? [texts] : texts;
    list.forEach((t, i) => assertTextInput(t, `inputs[${i}]`));
    const enc = await this.track(() =>
      this.parts.tokenizer.encode(list, { maxTokens: this.spec.maxTokens, truncate: false }),
    );
    return enc.map((e) => e.originalLength);
  }

  /**
   * Tokenizes texts whole (no truncation, however long) with token offsets into each text as
   * given, for chunking and late chunking. With `promptName`, the prompt is tokenized in front of
   * the text, as embedding does; its tokens are marked -2 in `segments`.
   */
  async tokenize(texts: readonly string[], options: { promptName?: PromptName } = {}): Promise<TokenizedText[]> {
    this.assertLive();
    texts.forEach((t, i) => assertTextInput(t, `inputs[${i}]`));
    const prefix = promptFor(this.spec, options.promptName);
    const encodings = await this.track(() =>
      this.parts.tokenizer.encode(prefix ? texts.map((t) => prefix + t) : texts, {
        maxTokens: this.spec.maxTokens,
        truncate: false,
        offsets: true,
      }),
    );
    return encodings.map((e) => ({ ids: e.ids, ...offsetsAfterPrefix(e, prefix.length) }));
  }

  /**
   * Step 1 of 2 for callers that batch across requests (the server): validates and tokenizes
   * texts with the model's prompt, truncating or failing on over-long inputs as asked.
   * `maxTokens` may lower the model's limit (a server's --max-input-tokens); it never raises it.
   */
  async encode(texts: readonly string[], options: EmbedCallOptions & { maxTokens?: number } = {}): Promise<Encoding[]> {
    this.assertLive();
    texts.forEach((t, i) => assertTextInput(t, `inputs[${i}]`));
    const call = this.callOptions(options);
    const maxTokens = Math.min(options.maxTokens ?? this.spec.maxTokens, this.spec.maxTokens);
    const { encodings, firstTooLong } = await this.track(() => tokenizeWithPrompt(this.parts, texts, call, maxTokens));
    if (firstTooLong >= 0) {
      throw tooLongError(firstTooLong, encodings[firstTooLong]!.originalLength, maxTokens);
    }
    return encodings;
  }

  /**
   * Step 2 of 2: runs encodings (from any number of encode() calls) through the model in
   * length-sorted, token-budgeted batches; vectors come back in the order given.
   */
  async embedEncodings(encodings: readonly Encoding[], options: EmbedCallOptions = {}): Promise<Float32Array[]> {
    this.assertLive();
    const call = this.callOptions(options);
    const batching =
      options.batchSize === undefined
        ? this.batching
        : resolveBatching({ ...this.batching, batchSize: options.batchSize });
    return this.track(() => runEncodings(this.parts, encodings, call, batching));
  }

  /**
   * For request batchers (the server's): runs encodings as one runtime call, exactly as packed,
   * and returns their pooled vectors before post-processing; finish each with postProcess()
   * (embed/encoder.ts) and the request's own normalize and dimensions.
   */
  async embedPacked(encodings: readonly Encoding[]): Promise<Float32Array[]> {
    this.assertLive();
    return this.track(() => poolEncodings(this.parts, encodings, onePackedBatch(encodings.length)));
  }

  /**
   * Runs encodings (from encode()) through the model with another output head than the
   * post-processed vectors of embedEncodings(): `tokens` gives each input's real-token states
   * ([tokens, dim], special tokens included), `spans` the mean state of each token range
   * (`spans[i]` holds input i's [start, end) ranges; late chunking), `pooled` the pooled
   * vectors before normalization. Batched like embedEncodings; results in the order given.
   */
  async runHead<K extends "pooled" | "tokens" | "spans">(
    encodings: readonly Encoding[],
    head: Extract<OutputHead, { readonly kind: K }>,
  ): Promise<HeadRow[K][]> {
    this.assertLive();
    const plan = planBatches(
      encodings.map((e) => e.ids.length),
      this.batching,
    );
    return this.track(() => execute({ model: this.parts.model, encodings, plan, head }));
  }

  /**
   * Splits a text into chunks within a token budget (this model's tokens), with exact UTF-16
   * offsets: `chunk.text === text.slice(chunk.start, chunk.end)`. See {@link ChunkOptions}.
   */
  async chunk(text: string, options?: ChunkOptions): Promise<Chunk[]> {
    this.assertLive();
    return chunk(text, options, await this.chunkTokenizer());
  }

  /**
   * Chunks and embeds documents (strings or `{ id, text }` records, from any iterable or async
   * iterable), yielding per document `{ id, chunks: [{ index, text, start, end, tokens, vector }] }`
   * in input order. `chunking.strategy` "late" (the default) runs each document once through the
   * model (in macro windows when it is longer than one) and mean-pools each chunk's text tokens;
   * "naive" embeds each chunk's text on its own. Both use the model's passage prompt. A bad
   * document stops the stream with a typed error naming `documents[i]` after the documents before it.
   */
  async *embedChunks(
    documents: Iterable<unknown> | AsyncIterable<unknown>,
    options?: EmbedChunksOptions,
  ): AsyncGenerator<ChunkedDocument, void, undefined> {
    this.assertLive();
    const normalize = options?.normalize;
    const call = this.callOptions(typeof normalize === "boolean" ? { normalize } : {});
    yield* embedChunkStream(
      this,
      { post: call, batchSize: this.batching.batchSize, chunkTokenizer: await this.chunkTokenizer() },
      documents,
      options,
    );
  }

  /**
   * Late chunking of the same documents in several chunkings at once (e.g. 64, 128 and 256
   * tokens): one forward pass per document (window), every chunking's span means pooled from the
   * same token states. Yields per document `{ id, chunkings }`, `chunkings[k]` being exactly what
   * `embedChunks` with `chunking: { strategy: "late", ...options.chunkings[k] }` gives.
   */
  async *embedChunkSweep(
    documents: Iterable<unknown> | AsyncIterable<unknown>,
    options: ChunkSweepOptions,
  ): AsyncGenerator<ChunkSweepDocument, void, undefined> {
    this.assertLive();
    const call = this.callOptions({});
    yield* lateChunkSweep(
      this,
      { post: call, batchSize: this.batching.batchSize, chunkTokenizer: await this.chunkTokenizer() },
      documents,
      options,
    );
  }

  private chunkTokenizerPromise: Promise<ChunkTokenizer> | undefined;
  private chunkTokenizer(): Promise<ChunkTokenizer> {
    this.chunkTokenizerPromise ??= chunkTokenizerFor(this);
    return this.chunkTokenizerPromise;
  }

  /** The tokenizer, for token-level introspection (ids, tokens, decode). */
  get tokenizer(): TextTokenizer {
    this.assertLive();
    return this.parts.tokenizer;
  }

  /**
   * Releases the runtime sessions and the tokenizer. Calls already started finish first (a
   * stream stops at its next window); calls made from now on throw a `disposed` error.
   */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await Promise.allSettled([...this.inFlight]);
      await this.parts.model.dispose();
      this.parts.tokenizer.dispose();
    })();
    return this.disposing;
  }

  /** Runs a whole-result call so that dispose() waits for it. */
  private track<T>(work: () => Promise<T>): Promise<T> {
    const p = work();
    this.inFlight.add(p);
    const forget = (): void => void this.inFlight.delete(p);
    p.then(forget, forget);
    return p;
  }

  private async withPrompt(
    input: string | readonly string[],
    promptName: PromptName,
    options: EmbedCallOptions,
  ): Promise<Float32Array | Float32Array[]> {
    if (typeof input === "string") return (await this.embedAll([input], { ...options, promptName }))[0]!;
    return this.embedAll(input, { ...options, promptName });
  }

  /** Parses a call's precision options against its output dimension, before any work. */
  private outputPrecision(
    options: EmbedCallOptions & PrecisionOptions,
    checks: { needsFixedRanges?: boolean; count?: number | undefined },
  ): OutputPrecision {
    const dims = this.callOptions(options).dimensions;
    return resolveOutputPrecision(options, dims ?? this.spec.dim, {
      ...checks,
      truncated: dims !== undefined && dims < this.spec.dim,
    });
  }

  private assertLive(): void {
    if (this.disposing) {
      throw new EmbedkitError(
        ERROR_CODES.DISPOSED,
        `the model ${this.modelId} was disposed; create a new TextEmbedding`,
      );
    }
  }

  private callOptions(options: EmbedCallOptions): PerCallOptions & { promptName?: PromptName } {
    const call: PerCallOptions & { promptName?: PromptName } = {
      truncate: options.truncate ?? this.defaults.truncate,
      truncationDirection: options.truncationDirection ?? this.defaults.truncationDirection,
      dimensions:
        options.dimensions !== undefined
          ? resolveDimensions(options.dimensions, this.spec.dim)
          : this.defaults.dimensions,
      normalize: options.normalize ?? this.defaults.normalize,
    };
    if (options.promptName !== undefined) call.promptName = options.promptName;
    return call;
  }

  /**
   * Reads inputs window by window; validation errors are raised after earlier windows are out.
   * `whole`: the caller (embedDetailed) already checked every input and is tracked, so dispose()
   * waits for it; a stream is not tracked and stops at its next window once dispose() is called.
   */
  private async *embedWindows(
    inputs: Input,
    options: EmbedCallOptions,
    { whole }: { whole: boolean } = { whole: false },
  ): AsyncGenerator<EncodedWindow> {
    this.assertLive();
    if (
      inputs === null ||
      typeof inputs !== "object" ||
      !(Symbol.iterator in inputs || Symbol.asyncIterator in inputs)
    ) {
      throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "inputs must be an iterable of strings", { field: "inputs" });
    }
    const call = this.callOptions(options);
    const batching =
      options.batchSize === undefined
        ? this.batching
        : resolveBatching({ ...this.batching, batchSize: options.batchSize, windowSize: undefined });
    const windowSize = Math.ceil(batching.windowSize / batching.batchSize) * batching.batchSize;
    const it = toAsyncIterator(inputs);
    // Pipeline: while window k computes in the runtime, window k+1 is read and tokenized here,
    // and window k+1 starts computing before window k is handed to the consumer.
    let computing: Promise<EncodedWindow & { error?: EmbedkitError }> | undefined;
    let index = 0;
    let exhausted = false;
    let readError: unknown;
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await it.return?.();
    };
    try {
      while (!exhausted && readError === undefined) {
        const texts: string[] = [];
        try {
          while (texts.length < windowSize) {
            const r = await it.next();
            if (r.done) {
              exhausted = true;
              closed = true;
              break;
            }
            const value: unknown = r.value;
            if (!whole) assertTextInput(value, `inputs[${index}]`);
            texts.push(value as string);
            index++;
          }
        } catch (e) {
          // A bad input, or a failing input source: every vector before it is still handed out.
          readError = e;
        }
        const tokenized = texts.length > 0 ? tokenizeWindow(this.parts, texts, index - texts.length, call) : undefined;
        tokenized?.catch(() => undefined); // awaited below; a failure while the previous window is awaited is not "unhandled"
        const previous = computing ? await computing : undefined;
        computing = undefined;
        // A stream stops at its next window once dispose() is called, after the window before it.
        const disposedNow = !whole && this.disposing !== undefined;
        if (!previous?.error && tokenized && !disposedNow) {
          const window = await tokenized;
          computing = runWindow(this.parts, window, call, batching);
          computing.catch(() => undefined);
        }
        if (previous) {
          yield previous;
          if (previous.error) throw previous.error;
        }
        if (disposedNow && tokenized) this.assertLive();
      }
      if (computing) {
        const last = await computing;
        yield last;
        if (last.error) throw last.error;
      }
      if (readError !== undefined) throw readError;
    } finally {
      await close(); // the consumer stopped early, or an error ends the stream: release the source
    }
  }
}

function toAsyncIterator(inputs: Input): AsyncIterator<unknown> | Iterator<unknown> {
  return Symbol.asyncIterator in inputs
    ? (inputs as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (inputs as Iterable<unknown>)[Symbol.iterator]();
}

function pickOverrides(o: TextEmbeddingOptions): LocalModelOverrides {
  const out: { -readonly [K in keyof LocalModelOverrides]: LocalModelOverrides[K] } = {};
  if (o.pooling !== undefined) out.pooling = o.pooling;
  if (o.normalize !== undefined) out.normalize = o.normalize;
  if (o.prompts !== undefined) out.prompts = o.prompts;
  if (o.maxTokens !== undefined) out.maxTokens = o.maxTokens;
  if (o.dim !== undefined) out.dim = o.dim;
  return out;
}
