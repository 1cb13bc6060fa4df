/**
 * L6: what /embed and /v1/embeddings share: the server's input limits -> tokenize (off the
 * inference path) -> the request batcher (engine/batcher.ts) -> the engine's one post-processing
 * step with the request's own normalize and Matryoshka dimensions.
 *
 * Documented choices:
 * - An empty input list and an empty string are refused (422 `empty`), as TEI does; a
 *   whitespace-only string is embedded.
 * - Token-id inputs (/v1 only) are used as given: they must include the model's special tokens,
 *   every id must be in the vocabulary, and over-long id lists are refused, never cut.
 * - The batch runs un-normalized at full dimension; each request then gets its own
 *   normalization and dimensions, so requests with different options share inference calls.
 */
import { postProcess } from "../embed/encoder.js";
import {
  applyPrecision,
  resolveOutputPrecision,
  type PrecisionOptions,
  type QuantizedRow,
} from "../embed/output-precision.js";
import type { TextEmbedding } from "../embed/text-embedding.js";
import type { Batcher } from "../engine/batcher.js";
import { EmbedkitError, ERROR_CODES, InputTooLongError } from "../errors.js";
import type { Encoding, PromptName, TruncationDirection } from "../types.js";
import type { Permit } from "./admission.js";
import { SERVER_ERROR_CODES, ServerError } from "./http-errors.js";

export interface InputLimits {
  readonly maxClientBatchSize: number;
  readonly maxInputChars: number;
  /** Tokens per input, special tokens included (at most the model's limit). */
  readonly maxInputTokens: number;
}

export type EmbedInputs = { readonly texts: readonly string[] } | { readonly ids: readonly (readonly number[])[] };

export interface EmbedJob {
  readonly inputs: EmbedInputs;
  /** How inputs are named in errors: "inputs" (TEI) or "input" (OpenAI). */
  readonly field: string;
  readonly truncate: boolean;
  readonly truncationDirection: TruncationDirection;
  readonly promptName?: PromptName | undefined;
  readonly normalize: boolean;
  readonly dimensions?: number | undefined;
  /** Output precision (embedkit extension): int8/uint8/binary/ubinary rows instead of float32. */
  readonly precision?: PrecisionOptions | undefined;
  /** Appended to the over-long error, e.g. how to allow truncation on this route. */
  readonly tooLongHint?: string;
}

/** Filled in while a request is handled; becomes timing headers, the log line and metrics. */
export interface Timings {
  tokenizationMs?: number;
  queueMs?: number;
  inferenceMs?: number;
  inputs?: number;
  tokens?: number;
  characters?: number;
}

export interface JobContext {
  readonly signal: AbortSignal;
  readonly permit: Permit;
  readonly timings: Timings;
}

/** The precision fields of a request body (both APIs), as the engine's options; undefined: float32. */
export function precisionOf(body: {
  readonly precision?: PrecisionOptions["precision"] | null | undefined;
  readonly ranges?: { readonly min: readonly number[]; readonly max: readonly number[] } | null | undefined;
}): PrecisionOptions | undefined {
  if (body.precision == null && body.ranges == null) return undefined;
  return {
    ...(body.precision != null ? { precision: body.precision } : {}),
    ...(body.ranges != null ? { ranges: body.ranges } : {}),
  };
}

export function clientClosed(): ServerError {
  return new ServerError(
    SERVER_ERROR_CODES.CLIENT_CLOSED,
    "the client closed the connection before the answer was ready",
  );
}

/** The checks every text-taking route makes before any work: count, emptiness, size. */
export function checkTexts(texts: readonly string[], field: string, limits: InputLimits): void {
  checkCount(texts.length, field, limits);
  texts.forEach((t, i) => {
    if (t.length === 0) {
      throw new ServerError(
        SERVER_ERROR_CODES.EMPTY_INPUT,
        `\`${field}[${i}]\` is an empty string; send text to embed`,
        { field: `${field}[${i}]` },
      );
    }
    if (t.length > limits.maxInputChars) {
      throw new ServerError(
        SERVER_ERROR_CODES.INPUT_TOO_LARGE,
        `\`${field}[${i}]\` has ${t.length} characters; the limit is ${limits.maxInputChars} (--max-input-chars)`,
        { field: `${field}[${i}]`, characters: t.length, limit: limits.maxInputChars },
      );
    }
  });
}

function checkCount(n: number, field: string, limits: InputLimits): void {
  if (n === 0)
    throw new ServerError(SERVER_ERROR_CODES.EMPTY_INPUT, `\`${field}\` is empty; send at least one input`, { field });
  if (n > limits.maxClientBatchSize) {
    throw new EmbedkitError(
      ERROR_CODES.TOO_MANY_INPUTS,
      `\`${field}\` holds ${n} inputs; the limit is ${limits.maxClientBatchSize} per request (--max-client-batch-size)`,
      { field, count: n, limit: limits.maxClientBatchSize },
    );
  }
}

/** Checks token ids against the vocabulary; `field` names the list, e.g. "ids[2]". */
export function checkIds(ids: readonly number[], field: string, vocabSize: number): void {
  const bad = ids.findIndex((id) => id >= vocabSize);
  if (bad >= 0) {
    throw new ServerError(
      SERVER_ERROR_CODES.INVALID_REQUEST,
      `\`${field}[${bad}]\` is token id ${ids[bad]}; the model's vocabulary has ids 0 to ${vocabSize - 1}`,
      { field: `${field}[${bad}]` },
    );
  }
}

export interface EmbedOutcome {
  /** Float32Array rows, or Int8Array / Uint8Array rows with a precision. */
  readonly vectors: QuantizedRow[];
  /** Tokens each input was run with (after truncation, special tokens and prompt included). */
  readonly tokenCounts: number[];
}

export class EmbedService {
  constructor(
    private readonly model: TextEmbedding,
    /** Runs packed rows with model.embedPacked: pooled vectors, post-processed here per request. */
    private readonly batcher: Batcher<Float32Array>,
    readonly limits: InputLimits,
    /** Inputs of requests whose client went away before they were queued. */
    private readonly onDropped: (inputs: number) => void = () => undefined,
  ) {}

  async embed(job: EmbedJob, ctx: JobContext): Promise<EmbedOutcome> {
    const { field } = job;
    const count = "texts" in job.inputs ? job.inputs.texts.length : job.inputs.ids.length;
    checkCount(count, field, this.limits);
    if ("texts" in job.inputs) checkTexts(job.inputs.texts, field, this.limits);
    if (job.dimensions !== undefined && job.dimensions > this.model.spec.dim) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `\`dimensions\` must be from 1 to ${this.model.spec.dim} (the model's dimension), got ${job.dimensions}`,
        { field: "dimensions", value: job.dimensions, max: this.model.spec.dim },
      );
    }
    const dim = job.dimensions ?? this.model.spec.dim;
    const output = resolveOutputPrecision(job.precision ?? {}, dim, {
      count,
      truncated: dim < this.model.spec.dim,
    });
    ctx.permit.addInputs(count);
    if (ctx.signal.aborted) {
      this.onDropped(count);
      throw clientClosed();
    }

    const arrived = this.batcher.expect();
    let encodings: Encoding[];
    const t0 = performance.now();
    try {
      encodings = await this.encode(job);
    } catch (e) {
      arrived();
      throw e;
    }
    ctx.timings.tokenizationMs = performance.now() - t0;
    if (ctx.signal.aborted) {
      arrived();
      this.onDropped(count);
      throw clientClosed();
    }
    const pending = this.batcher.submit(encodings, ctx.signal, clientClosed);
    arrived();
    const result = await pending;
    ctx.timings.queueMs = result.queueMs;
    ctx.timings.inferenceMs = result.inferenceMs;
    const tokenCounts = encodings.map((e) => e.ids.length);
    ctx.timings.inputs = count;
    ctx.timings.tokens = tokenCounts.reduce((a, b) => a + b, 0);
    if ("texts" in job.inputs) ctx.timings.characters = job.inputs.texts.reduce((a, t) => a + t.length, 0);
    const post = { normalize: job.normalize, dimensions: job.dimensions };
    const vectors = result.outputs.map((v) => postProcess(v, this.model.spec, post));
    return { vectors: applyPrecision(vectors, output), tokenCounts };
  }

  private async encode(job: EmbedJob): Promise<Encoding[]> {
    const { field } = job;
    const maxTokens = this.limits.maxInputTokens;
    if ("ids" in job.inputs) {
      const vocab = this.model.tokenizer.vocabSize;
      return job.inputs.ids.map((ids, i) => {
        const name = `${field}[${i}]`;
        if (ids.length === 0)
          throw new ServerError(SERVER_ERROR_CODES.EMPTY_INPUT, `\`${name}\` is an empty list of token ids`, {
            field: name,
          });
        checkIds(ids, name, vocab);
        if (ids.length > maxTokens)
          throw tooLong(field, i, ids.length, maxTokens, "token-id inputs are never truncated");
        return { ids: Int32Array.from(ids), typeIds: new Int32Array(ids.length), originalLength: ids.length };
      });
    }
    try {
      return await this.model.encode(job.inputs.texts, {
        truncate: job.truncate,
        truncationDirection: job.truncationDirection,
        maxTokens,
        ...(job.promptName !== undefined ? { promptName: job.promptName } : {}),
      });
    } catch (e) {
      if (e instanceof InputTooLongError) {
        throw tooLong(field, e.details.index, e.details.tokens, maxTokens, job.tooLongHint);
      }
      throw e;
    }
  }
}

/** `list[index]` has more than maxTokens tokens. */
function tooLong(list: string, index: number, tokens: number, maxTokens: number, hint?: string): InputTooLongError {
  const field = `${list}[${index}]`;
  return new InputTooLongError(
    `\`${field}\` has ${tokens} tokens; the limit is ${maxTokens}${hint ? ` (${hint})` : ""}`,
    { field, index, tokens, maxTokens },
  );
}
