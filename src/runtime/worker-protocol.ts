/**
 * L2: the messages between a session worker (onnx-worker.ts) and its owner (worker-model.ts),
 * and how a typed error crosses the thread boundary intact.
 */
import { EmbedkitError, ERROR_CODES, type ErrorCode, type ErrorDetails } from "../errors.js";
import type { HeadOutput, OutputHead } from "../pooling/head-types.js";
import type { PaddedBatch } from "../types.js";
import type { SessionOptions } from "./onnx-session.js";

/** What the worker is started with (its workerData). */
export interface WorkerInit {
  readonly path: string;
  readonly options: SessionOptions;
}

export type ToWorker =
  | { readonly type: "run"; readonly id: number; readonly batch: PaddedBatch; readonly head: OutputHead }
  | { readonly type: "dispose" };

export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: ErrorDetails;
}

export type FromWorker =
  | {
      readonly type: "ready";
      readonly inputNames: readonly string[];
      readonly outputName: string;
      readonly usesTokenTypeIds: boolean;
    }
  | { readonly type: "load-failed"; readonly error: SerializedError }
  | { readonly type: "result"; readonly id: number; readonly output: HeadOutput }
  | { readonly type: "run-failed"; readonly id: number; readonly error: SerializedError }
  | { readonly type: "disposed" };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof EmbedkitError) return { code: e.code, message: e.message, details: { ...e.details } };
  const message = e instanceof Error ? e.message : String(e);
  return { code: ERROR_CODES.RUNTIME_FAILURE, message: `ONNX Runtime failed: ${message}`, details: {} };
}

export function reviveError(e: SerializedError): EmbedkitError {
  return new EmbedkitError(e.code, e.message, e.details);
}

/** The buffer a result can hand over without a copy, or undefined when it shares its buffer. */
export function transferableBuffer(data: ArrayBufferView): ArrayBuffer | undefined {
  const buf = data.buffer;
  return buf instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buf.byteLength ? buf : undefined;
}

/** The buffers of a head's result that can be moved to the owner thread (each once). */
export function transferList(output: HeadOutput): ArrayBuffer[] {
  const arrays = Object.values(output as unknown as Record<string, unknown>).filter((v): v is ArrayBufferView =>
    ArrayBuffer.isView(v),
  );
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) {
    const buf = transferableBuffer(a);
    if (buf) buffers.add(buf);
  }
  return [...buffers];
}
