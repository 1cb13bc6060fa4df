/**
 * L3: the core loop shared by every public entry point: prompt -> tokenize -> check length ->
 * plan length-sorted batches -> run -> pool -> normalize -> (Matryoshka) -> vectors in input order.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { ModelSpec } from "../models/spec.js";
import { l2NormalizeInPlace, layerNormInPlace, truncateDims } from "../pooling/normalize.js";
import { poolBatch } from "../pooling/pool.js";
import type { ModelOutput, OnnxModel } from "../runtime/onnx-model.js";
import type { TextTokenizer } from "../tokenizer/tokenizer.js";
import type { Encoding, PaddedBatch, PromptName } from "../types.js";
import type { BatchingOptions, PerCallOptions } from "./engine-options.js";
import { padBatch } from "./pad-batch.js";
import { planBatches } from "./plan-batches.js";

/** The vectors of one window of texts, plus what happened to each text. */
export interface EncodedWindow {
  /** One vector per text, in input order. */
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

/** A window of texts after tokenization, cut before its first over-long text (if any). */
export interface TokenizedWindow {
  readonly encodings: Encoding[];
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
  if (firstTooLong < 0) return { encodings };
  const e = encodings[firstTooLong]!;
  return {
    encodings: encodings.slice(0, firstTooLong),
    error: tooLongError(`inputs[${firstIndex + firstTooLong}]`, e.originalLength, parts.spec.maxTokens),
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
  const vectors = await runEncodings(parts, kept, post, batching);
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
 * Runs encodings through the model in length-sorted batches; vectors come back in input order.
 * One batch more than the model has sessions is kept in flight, so a session never waits for
 * this thread to pool the previous batch and pad the next one.
 */
export async function runEncodings(
  parts: EncoderParts,
  encodings: readonly Encoding[],
  post: PostProcessing,
  batching: BatchingOptions,
): Promise<Float32Array[]> {
  const { spec, model } = parts;
  const out = new Array<Float32Array>(encodings.length);
  const plan = planBatches(
    encodings.map((e) => e.ids.length),
    batching,
  );
  const inFlight: { rows: number[]; batch: PaddedBatch; result: Promise<ModelOutput> }[] = [];
  let next = 0;
  const submit = (): void => {
    const rows = plan[next++]!;
    const batch = padBatch(rows.map((i) => encodings[i]!));
    const result = model.run(batch);
    result.catch(() => undefined); // awaited below in order; this only keeps a later failure from being "unhandled"
    inFlight.push({ rows, batch, result });
  };
  while (next < plan.length && inFlight.length <= model.sessions) submit();
  while (inFlight.length > 0) {
    const { rows, batch, result } = inFlight.shift()!;
    const output = await result;
    if (next < plan.length) submit();
    const pooled =
      output.kind === "tokens"
        ? poolBatch(output.value, batch.attentionMask, spec.pooling)
        : rows.map((_, r) => output.data.slice(r * output.hidden, (r + 1) * output.hidden));
    rows.forEach((i, r) => {
      out[i] = postProcess(pooled[r]!, spec, post);
    });
  }
  return out;
}

function postProcess(pooled: Float32Array, spec: ModelSpec, post: PostProcessing): Float32Array {
  let v = pooled;
  if (spec.layerNormAfterPooling) layerNormInPlace(v);
  if (post.normalize) l2NormalizeInPlace(v);
  if (post.dimensions !== undefined && post.dimensions < v.length) {
    v = truncateDims(v, post.dimensions);
    if (post.normalize) l2NormalizeInPlace(v);
  }
  return v;
}
