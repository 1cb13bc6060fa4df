/**
 * L2: the runtime adapter's entry point. Loads an ONNX model into sessions in worker threads (the
 * default) or on the calling thread; either way callers get the same small OnnxModel interface.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { OnnxModel, RuntimeOptions } from "./runtime-types.js";
import { loadInWorkers } from "./worker-model.js";

export type { OnnxModel, RuntimeOptions } from "./runtime-types.js";

const MAX_SESSIONS = 64;

function invalid(field: string, expected: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be ${expected}, got ${JSON.stringify(value)}`, {
    field,
    value,
  });
}

/** Checks the runtime options before anything is loaded. */
export function checkRuntimeOptions(options: RuntimeOptions): void {
  const { inferenceThread, sessions, intraOpThreads, sessionConfig } = options;
  if (inferenceThread !== undefined && inferenceThread !== "worker" && inferenceThread !== "main") {
    throw invalid("inferenceThread", '"worker" or "main"', inferenceThread);
  }
  if (sessions !== undefined && (!Number.isInteger(sessions) || sessions < 1 || sessions > MAX_SESSIONS)) {
    throw invalid("sessions", `an integer from 1 to ${MAX_SESSIONS}`, sessions);
  }
  if (inferenceThread === "main" && sessions !== undefined && sessions > 1) {
    throw invalid("sessions", '1 when inferenceThread is "main" (extra sessions need worker threads)', sessions);
  }
  if (
    intraOpThreads !== undefined &&
    (!Number.isInteger(intraOpThreads) || intraOpThreads < 0 || intraOpThreads > 1024)
  ) {
    throw invalid("intraOpThreads", "an integer from 0 (all cores) to 1024", intraOpThreads);
  }
  if (sessionConfig !== undefined) {
    const ok =
      typeof sessionConfig === "object" &&
      sessionConfig !== null &&
      Object.entries(sessionConfig).every(([k, v]) => /^[\w-]+(\.[\w-]+)+$/.test(k) && typeof v === "string");
    if (!ok)
      throw invalid(
        "sessionConfig",
        'an object of dotted keys to string values, e.g. {"session.x": "1"}',
        sessionConfig,
      );
  }
}

export async function loadOnnxModel(path: string, options: RuntimeOptions = {}): Promise<OnnxModel> {
  checkRuntimeOptions(options);
  const {
    inferenceThread = "worker",
    sessions = 1,
    intraOpThreads,
    graphOptimization,
    memoryArena,
    memoryPattern,
    sessionConfig,
  } = options;
  const session = {
    ...(intraOpThreads !== undefined ? { intraOpThreads } : {}),
    ...(sessionConfig !== undefined ? { sessionConfig } : {}),
    ...(graphOptimization !== undefined ? { graphOptimization } : {}),
    ...(memoryArena !== undefined ? { memoryArena } : {}),
    ...(memoryPattern !== undefined ? { memoryPattern } : {}),
  };
  if (inferenceThread === "main") {
    // Imported on demand: in the default placement only the worker loads onnxruntime-node.
    const { openOnnxSession } = await import("./onnx-session.js");
    return openOnnxSession(path, session);
  }
  return loadInWorkers(path, sessions, session);
}
