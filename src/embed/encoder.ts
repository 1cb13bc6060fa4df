/**
 * L3: the core loop shared by every public entry point: prompt -> tokenize -> check length ->
 * plan length-sorted batches -> run -> pool -> normalize -> (Matryoshka) -> vectors in input order.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { ModelSpec } from "../models/spec.js";
import { l2NormalizeInPlace, layerNormInPlace, truncateDims } from "../pooling/normalize.js";
import { poolBatch } from "../pooling/pool.js";
import type { OnnxModel } from "../runtime/onnx-model.js";
import type { TextTokenizer } from "../tokenizer/tokenizer.js";
import type { Encoding, PromptName } from "../types.js";
import type { BatchingOptions, PerCallOptions } from "./engine-options.js";
import { padBatch } from "./pad-batch.js";
import { planBatches } from "./plan-batches.js";

/** The vectors of one window of texts, plus what happened to each text. */
export interface EncodedWindow {
  readonly vectors: Float32Array[];
  /** Tokens each text had, special tokens and prompt included, before truncation. */
  readonly tokenCounts: number[];
  /** Whether each text was cut to the model's limit. */
  readonly truncated: boolean[];
}

export interface EncoderParts {
  readonly spec: ModelSpec;
  readonly tokenizer: TextTokenizer;
  readonly model: OnnxModel;
}

export function promptFor(spec: ModelSpec, name: PromptName | undefined): string {
  return name === undefined ? "" : spec.prompts[name];
}

/** Serializes runtime calls: one batch at a time uses all intra-op threads. */
export class RunQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export function tooLongError(field: string, tokens: number, maxTokens: number): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INPUT_TOO_LONG,
    `${field} has ${tokens} tokens; the model accepts at most ${maxTokens} (pass truncate: true to cut it)`,
    { field, tokens, maxTokens },
  );
}

/**
 * Prepends the prompt and tokenizes, truncating to `maxTokens` when the call allows it. Returns
 * the encodings and the index of the first one still over `maxTokens` (-1 when none): the
 * one place that decides what "too long" means, for streams and for the server's encode().
 */
export async function tokenizeWithPrompt(
  parts: EncoderParts,
  texts: readonly string[],
  call: PerCallOptions & { promptName?: PromptName },
  maxTokens: number,
): Promise<{ encodings: Encoding[]; firstTooLong: number }> {
  const prefix = promptFor(parts.spec, call.promptName);
  const encodings = await parts.tokenizer.encode(prefix ? texts.map((t) => prefix + t) : texts, {
    maxTokens,
    truncate: call.truncate,
    direction: call.truncationDirection,
  });
  return { encodings, firstTooLong: encodings.findIndex((e) => e.ids.length > maxTokens) };
}

/**
 * Embeds an already validated window. `firstIndex` is the global index of texts[0], used to name
 * inputs in errors. With truncation off, an over-long text stops the window: the texts before it
 * are returned with `error` set, so the caller can hand them out before throwing.
 */
export async function encodeWindow(
  parts: EncoderParts,
  queue: RunQueue,
  texts: readonly string[],
  firstIndex: number,
  call: PerCallOptions & { promptName?: PromptName },
  batching: BatchingOptions,
): Promise<EncodedWindow & { error?: EmbedkitError }> {
  const { encodings, firstTooLong } = await tokenizeWithPrompt(parts, texts, call, parts.spec.maxTokens);
  let kept = encodings;
  let error: EmbedkitError | undefined;
  if (firstTooLong >= 0) {
    const e = encodings[firstTooLong]!;
    error = tooLongError(`inputs[${firstIndex + firstTooLong}]`, e.originalLength, parts.spec.maxTokens);
    kept = encodings.slice(0, firstTooLong);
  }
  const vectors = await runEncodings(parts, queue, kept, call, batching);
  const window: EncodedWindow & { error?: EmbedkitError } = {
    vectors,
    tokenCounts: kept.map((e) => e.originalLength),
    truncated: kept.map((e) => e.originalLength > e.ids.length),
  };
  if (error) window.error = error;
  return window;
}

/** What happens to pooled vectors: L2 normalization and Matryoshka truncation. */
export interface PostProcessing {
  readonly normalize: boolean;
  readonly dimensions: number | undefined;
}

/** Runs encodings through the model in length-sorted batches; vectors come back in input order. */
export async function runEncodings(
  parts: EncoderParts,
  queue: RunQueue,
  encodings: readonly Encoding[],
  post: PostProcessing,
  batching: BatchingOptions,
): Promise<Float32Array[]> {
  const { dimensions, normalize } = post;
  const { spec, model } = parts;
  const out = new Array<Float32Array>(encodings.length);
  const plan = planBatches(
    encodings.map((e) => e.ids.length),
    batching,
  );
  for (const rows of plan) {
    const batch = padBatch(rows.map((i) => encodings[i]!));
    const result = await queue.run(() => model.run(batch));
    let pooled: Float32Array[];
    if (result.kind === "tokens") {
      pooled = poolBatch(result.value, batch.attentionMask, spec.pooling);
    } else {
      pooled = rows.map((_, r) => result.data.slice(r * result.hidden, (r + 1) * result.hidden));
    }
    rows.forEach((i, r) => {
      let v = pooled[r]!;
      if (spec.layerNormAfterPooling) layerNormInPlace(v);
      if (normalize) l2NormalizeInPlace(v);
      if (dimensions !== undefined && dimensions < v.length) {
        v = truncateDims(v, dimensions);
        if (normalize) l2NormalizeInPlace(v);
      }
      out[i] = v;
    });
  }
  return out;
}
