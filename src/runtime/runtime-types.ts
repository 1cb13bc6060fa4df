/**
 * L2: the runtime adapter's own vocabulary: options, the model handle (a run returns what its
 * output head made of the graph's output), and the error of a run on a disposed model.
 * Nothing here names onnxruntime types, so callers never see them.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { HeadKind, HeadOutput, OutputHead } from "../pooling/head-types.js";
import type { PaddedBatch } from "../types.js";

export interface RuntimeOptions {
  /** Threads used inside one operator (matrix multiply), per session. Default: all cores, shared among sessions. */
  readonly intraOpThreads?: number;
  /** Graph optimization level. Default "all". */
  readonly graphOptimization?: "disabled" | "basic" | "extended" | "all";
  /** Keep ONNX Runtime's CPU memory arena (faster; holds peak memory). Default true. */
  readonly memoryArena?: boolean;
  /** ONNX Runtime's memory pattern planning, which records an allocation plan per input shape. Default true. */
  readonly memoryPattern?: boolean;
  /**
   * Advanced: ONNX Runtime session config entries, passed through as given, e.g.
   * `{ "session.intra_op.allow_spinning": "0" }` (keys as in onnxruntime_session_options_config_keys.h).
   */
  readonly sessionConfig?: Readonly<Record<string, string>>;
  /**
   * Where inference runs. "worker" (default): in worker threads, so the caller's event loop
   * keeps serving (timers, HTTP, tokenizing the next batch) while a batch computes. "main": on
   * the calling thread, which blocks for the length of each batch.
   */
  readonly inferenceThread?: "worker" | "main";
  /** Independent sessions, each in its own worker thread, that run batches side by side. Default 1. */
  readonly sessions?: number;
}

export interface OnnxModel {
  readonly inputNames: readonly string[];
  readonly outputName: string;
  /** True when the graph takes token_type_ids. */
  readonly usesTokenTypeIds: boolean;
  /** How many batches can compute at once (one per session). */
  readonly sessions: number;
  /**
   * Runs one batch and applies `head` to the graph's output where the session lives, so only the
   * head's (small) result reaches the caller. Calls may overlap: the model queues them (and
   * spreads them over its sessions).
   */
  run<K extends HeadKind>(
    batch: PaddedBatch,
    head: Extract<OutputHead, { readonly kind: K }>,
  ): Promise<Extract<HeadOutput, { readonly kind: K }>>;
  dispose(): Promise<void>;
}

/** What a run on a disposed model fails with, wherever the model lives. */
export function modelDisposedError(): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.DISPOSED, "the model was disposed; create a new one");
}
