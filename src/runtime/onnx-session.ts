/**
 * L2: the only module that imports onnxruntime-node. Opens one session on the current thread and
 * exposes our own small interface: typed arrays in, a head's result out, explicit dispose(). A run
 * blocks this thread for the length of the batch; onnx-model.ts usually puts it in a worker.
 */
import * as ort from "onnxruntime-node";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { applyHead } from "../pooling/output-head.js";
import { modelDisposedError, type OnnxModel, type RuntimeOptions } from "./runtime-types.js";

const TOKEN_OUTPUT_NAMES = ["last_hidden_state", "token_embeddings", "hidden_states", "output_0"];
const POOLED_OUTPUT_NAMES = ["sentence_embedding", "pooler_output", "embeddings", "text_embeds"];

/** The output a run reads: token states (rank 3) if the graph has them, else pooled vectors (rank 2). */
function pickOutput(session: ort.InferenceSession): string {
  const meta = new Map<string, number | undefined>();
  for (const m of session.outputMetadata) {
    meta.set(m.name, m.isTensor ? m.shape.length : undefined);
  }
  for (const n of TOKEN_OUTPUT_NAMES) if (meta.get(n) === 3 || (meta.has(n) && meta.get(n) === undefined)) return n;
  for (const [n, rank] of meta) if (rank === 3) return n;
  for (const n of POOLED_OUTPUT_NAMES) if (meta.has(n)) return n;
  for (const [n, rank] of meta) if (rank === 2) return n;
  throw new EmbedkitError(
    ERROR_CODES.RUNTIME_FAILURE,
    `the model's outputs (${session.outputNames.join(", ")}) hold neither token embeddings (rank 3) nor sentence embeddings (rank 2)`,
    { outputs: session.outputNames },
  );
}

export type SessionOptions = Pick<
  RuntimeOptions,
  "intraOpThreads" | "graphOptimization" | "memoryArena" | "memoryPattern" | "sessionConfig"
>;

/** "session.intra_op.allow_spinning": "0" -> { session: { intra_op: { allow_spinning: "0" } } }, ORT's `extra` shape. */
function nestConfig(entries: Readonly<Record<string, string>>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) {
    const parts = key.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      node = (typeof child === "object" && child !== null ? child : (node[part] = {})) as Record<string, unknown>;
    }
    node[parts.at(-1)!] = value;
  }
  return root;
}

export async function openOnnxSession(path: string, options: SessionOptions = {}): Promise<OnnxModel> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      executionProviders: ["cpu"],
      intraOpNumThreads: options.intraOpThreads ?? 0,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: options.graphOptimization ?? "all",
      enableCpuMemArena: options.memoryArena ?? true,
      enableMemPattern: options.memoryPattern ?? true,
      ...(options.sessionConfig ? { extra: nestConfig(options.sessionConfig) } : {}),
    });
  } catch (cause) {
    const msg = (cause as Error).message ?? String(cause);
    throw new EmbedkitError(
      /protobuf|parse|invalid|corrupt|load model/i.test(msg)
        ? ERROR_CODES.MODEL_FILE_CORRUPT
        : ERROR_CODES.RUNTIME_FAILURE,
      `ONNX Runtime could not load ${path}: ${msg}`,
      { path },
      { cause },
    );
  }
  const inputNames = [...session.inputNames];
  for (const required of ["input_ids", "attention_mask"]) {
    if (!inputNames.includes(required)) {
      await session.release();
      throw new EmbedkitError(
        ERROR_CODES.RUNTIME_FAILURE,
        `the model at ${path} has inputs (${inputNames.join(", ")}) but embedkit needs "${required}"`,
        { path, inputs: inputNames },
      );
    }
  }
  const usesTokenTypeIds = inputNames.includes("token_type_ids");
  const outputName = pickOutput(session);
  let disposed = false;

  return {
    inputNames,
    outputName,
    usesTokenTypeIds,
    sessions: 1,
    async run(batch, head) {
      if (disposed) throw modelDisposedError();
      const dims = [batch.batchSize, batch.seqLen];
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor("int64", batch.inputIds, dims),
        attention_mask: new ort.Tensor("int64", batch.attentionMask, dims),
      };
      if (usesTokenTypeIds) feeds["token_type_ids"] = new ort.Tensor("int64", batch.tokenTypeIds, dims);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run(feeds, [outputName]);
      } catch (cause) {
        throw new EmbedkitError(
          ERROR_CODES.RUNTIME_FAILURE,
          `ONNX Runtime failed on a batch of ${batch.batchSize}×${batch.seqLen} tokens: ${(cause as Error).message}`,
          { batchSize: batch.batchSize, seqLen: batch.seqLen },
          { cause },
        );
      }
      const t = result[outputName] as ort.Tensor;
      // The head reads the tensor where it is; only its result leaves this function.
      return applyHead({ data: t.data as Float32Array, dims: t.dims }, batch.attentionMask, head);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}
