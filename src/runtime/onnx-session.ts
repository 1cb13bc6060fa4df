/**
 * L2: the only module that imports onnxruntime-node. Opens one session on the current thread and
 * exposes our own small interface: typed arrays in, typed arrays out, explicit dispose(). A run
 * blocks this thread for the length of the batch; onnx-model.ts usually puts it in a worker.
 */
import * as ort from "onnxruntime-node";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { modelDisposedError, type ModelOutput, type OnnxModel, type RuntimeOptions } from "./runtime-types.js";

const TOKEN_OUTPUT_NAMES = ["last_hidden_state", "token_embeddings", "hidden_states", "output_0"];
const POOLED_OUTPUT_NAMES = ["sentence_embedding", "pooler_output", "embeddings", "text_embeds"];

function pickOutput(session: ort.InferenceSession): { name: string; kind: "tokens" | "pooled" } {
  const meta = new Map<string, number | undefined>();
  for (const m of session.outputMetadata) {
    meta.set(m.name, m.isTensor ? m.shape.length : undefined);
  }
  for (const n of TOKEN_OUTPUT_NAMES)
    if (meta.get(n) === 3 || (meta.has(n) && meta.get(n) === undefined)) return { name: n, kind: "tokens" };
  for (const [n, rank] of meta) if (rank === 3) return { name: n, kind: "tokens" };
  for (const n of POOLED_OUTPUT_NAMES) if (meta.has(n)) return { name: n, kind: "pooled" };
  for (const [n, rank] of meta) if (rank === 2) return { name: n, kind: "pooled" };
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
  const output = pickOutput(session);
  let disposed = false;

  return {
    inputNames,
    outputName: output.name,
    usesTokenTypeIds,
    sessions: 1,
    async run(batch): Promise<ModelOutput> {
      if (disposed) throw modelDisposedError();
      const dims = [batch.batchSize, batch.seqLen];
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor("int64", batch.inputIds, dims),
        attention_mask: new ort.Tensor("int64", batch.attentionMask, dims),
      };
      if (usesTokenTypeIds) feeds["token_type_ids"] = new ort.Tensor("int64", batch.tokenTypeIds, dims);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run(feeds, [output.name]);
      } catch (cause) {
        throw new EmbedkitError(
          ERROR_CODES.RUNTIME_FAILURE,
          `ONNX Runtime failed on a batch of ${batch.batchSize}×${batch.seqLen} tokens: ${(cause as Error).message}`,
          { batchSize: batch.batchSize, seqLen: batch.seqLen },
          { cause },
        );
      }
      const t = result[output.name] as ort.Tensor;
      const data = t.data as Float32Array;
      if (output.kind === "tokens") {
        const hidden = t.dims[2] ?? 0;
        return { kind: "tokens", value: { data, batchSize: batch.batchSize, seqLen: batch.seqLen, hidden } };
      }
      return { kind: "pooled", data, batchSize: batch.batchSize, hidden: t.dims[1] ?? 0 };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}
