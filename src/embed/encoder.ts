/**
 * L3: the dense-embedding path shared by every public entry point: prompt -> tokenize -> check
 * length -> plan length-sorted batches -> the batch executor with the pooled head -> post-process
 * (normalize, Matryoshka) -> vectors in input order.
 */
import { InputTooLongError, type EmbedkitError } from "../errors.js";
import type { ModelSpec } from "../models/spec.js";
import { l2NormalizeInPlace, layerNormInPlace, truncateDims } from "../pooling/normalize.js";
import { execute } from "../engine/execute.js";
import { planBatches } from "../engine/plan-batches.js";
import type { OnnxModel } from "../runtime/onnx-model.js";
import type { TextTokenizer } from "../tokenizer/tokenizer.js";
import type { Encoding, PromptName } from "../types.js";
import { assertFinite } from "./assert-finite.js";
import type { BatchingOptions, PerCallOptions } from "./engine-options.js";

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

/** inputs[index] has more than maxTokens tokens. */
export function tooLongError(index: number, tokens: number, maxTokens: number): InputTooLongError {
  const field = `inputs[${index}]`;
  return new InputTooLongError(
    `${field} has ${tokens} tokens; the model accepts at most ${maxTokens} (pass truncate: true to cut it)`,
    { field, index, tokens, maxTokens },
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

/** A window of texts after tokenization, cut before its first over-long text (if any). */
export interface TokenizedWindow {
  readonly encodings: Encoding[];
  /** Global index of encodings[0], to name inputs in errors. */
  readonly firstIndex: number;
  /** Set when truncation is off and a text is too long: the window holds only the texts before it. */
  readonly error?: EmbedkitError;
}

/**
 * Tokenizes an already validated window. `firstIndex` is the global index of texts[0], used to
 * name inputs in errors. With truncation off, an over-long text ends the window there.
 */
export async function tokenizeWindow(
  parts: EncoderParts,
  texts: readonly string[],
  firstIndex: number,
  call: PerCallOptions & { promptName?: PromptName },
): Promise<TokenizedWindow> {
  const { encodings, firstTooLong } = await tokenizeWithPrompt(parts, texts, call, parts.spec.maxTokens);
  if (firstTooLong < 0) return { encodings, firstIndex };
  const e = encodings[firstTooLong]!;
  return {
    encodings: encodings.slice(0, firstTooLong),
    firstIndex,
    error: tooLongError(firstIndex + firstTooLong, e.originalLength, parts.spec.maxTokens),
  };
}

/** Embeds a tokenized window; its error (if any) is passed on for the caller to raise after the vectors. */
export async function runWindow(
  parts: EncoderParts,
  window: TokenizedWindow,
  post: PostProcessing,
  batching: BatchingOptions,
): Promise<EncodedWindow & { error?: EmbedkitError }> {
  const kept = window.encodings;
  const vectors = await runEncodings(parts, kept, post, batching, window.firstIndex);
  const out: EncodedWindow & { error?: EmbedkitError } = {
    vectors,
    tokenCounts: kept.map((e) => e.originalLength),
    truncated: kept.map((e) => e.originalLength > e.ids.length),
  };
  if (window.error) out.error = window.error;
  return out;
}

/** What happens to pooled vectors: L2 normalization and Matryoshka truncation. */
export interface PostProcessing {
  readonly normalize: boolean;
  readonly dimensions: number | undefined;
}

/**
 * Runs encodings through the model in length-sorted batches; vectors come back in input order,
 * post-processed. `firstIndex` is the global index of encodings[0], used to name an input whose
 * vector is not finite.
 */
export async function runEncodings(
  parts: EncoderParts,
  encodings: readonly Encoding[],
  post: PostProcessing,
  batching: BatchingOptions,
  firstIndex = 0,
): Promise<Float32Array[]> {
  const pooled = await poolEncodings(
    parts,
    encodings,
    planBatches(
      encodings.map((e) => e.ids.length),
      batching,
    ),
  );
  const out = pooled.map((v) => postProcess(v, parts.spec, post));
  out.forEach((v, i) => assertFinite(v, firstIndex + i)); // names the first bad input
  return out;
}

/** Pooled vectors of encodings, before post-processing, run as `plan` says. */
export function poolEncodings(
  parts: EncoderParts,
  encodings: readonly Encoding[],
  plan: readonly (readonly number[])[],
): Promise<Float32Array[]> {
  return execute({ model: parts.model, encodings, plan, head: { kind: "pooled", pooling: parts.spec.pooling } });
}

/**
 * The one post-processing step of pooled vectors, for the library and the server alike: the
 * model's layer norm (nomic), then L2 normalization and Matryoshka truncation (renormalized).
 * Works in place when it can; returns the vector to use.
 */
export function postProcess(pooled: Float32Array, spec: ModelSpec, post: PostProcessing): Float32Array {
  let v = pooled;
  if (spec.layerNormAfterPooling) layerNormInPlace(v);
  if (post.normalize) l2NormalizeInPlace(v);
  if (post.dimensions !== undefined && post.dimensions < v.length) {
    v = truncateDims(v, post.dimensions);
    if (post.normalize) l2NormalizeInPlace(v);
  }
  return v;
}
