/**
 * L2: turns a sparse model name into files on disk: a registry id of the sparse table (looked up
 * in the cache, downloaded when absent unless offline, as dense models are), or a local folder
 * holding a masked-language-model export (config.json `architectures` *ForMaskedLM, tokenizer.json,
 * model.onnx or onnx/model.onnx, and idf.json for a doc-only model).
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { isModelId } from "../models/registry.js";
import { bm25ModelId, getSparseSpec, isSparseEncoderId } from "../models/sparse-registry.js";
import type { SparseModelSpec } from "../models/spec.js";
import type { Quantization } from "../types.js";
import { cachedFilePath } from "./cache-layout.js";
import { readJsonObject } from "./read-json-file.js";
import { resolveCachedFiles, type ResolveRequest } from "./resolve.js";

/** A sparse model's facts and the paths of its files. */
export interface ResolvedSparseModel {
  /** Registry id, or the absolute folder path of a local model. */
  readonly modelId: string;
  readonly spec: SparseModelSpec;
  readonly onnxPath: string;
  readonly tokenizerPath: string;
  /** Doc-only models: the query weight table. */
  readonly idfPath?: string;
  readonly dir: string;
  readonly quantization: Quantization;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function wrongTaskDense(model: string): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.WRONG_MODEL_TASK,
    `model "${model}" is a dense embedding model, not a sparse one; load it with TextEmbedding.create({ model: "${model}" })`,
    { field: "model", model, task: "embed", use: "TextEmbedding" },
  );
}

const ONNX_NAMES: Readonly<Record<Quantization, readonly string[]>> = {
  fp32: ["model.onnx", "onnx/model.onnx"],
  int8: ["model_quantized.onnx", "onnx/model_quantized.onnx"],
  fp16: ["model_fp16.onnx", "onnx/model_fp16.onnx"],
};

function positiveInt(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}

/** A local SPLADE folder: its facts from config.json, its files by their usual names. */
export async function resolveLocalSparseModel(
  folderGiven: string,
  quantization: Quantization,
): Promise<ResolvedSparseModel> {
  const folder = resolve(folderGiven);
  const missing = (what: string): EmbedkitError =>
    new EmbedkitError(ERROR_CODES.MODEL_FILE_MISSING, `the model folder "${folder}" has no ${what}`, {
      folder,
      looked_for: what,
    });
  const config = await readJsonObject(join(folder, "config.json"));
  if (config === undefined) throw missing("config.json (needed to tell a sparse masked-LM model)");
  const architectures = Array.isArray(config["architectures"]) ? config["architectures"].map(String) : [];
  if (!architectures.some((a) => a.endsWith("ForMaskedLM"))) {
    throw new EmbedkitError(
      ERROR_CODES.WRONG_MODEL_TASK,
      `the model in "${folder}" is not a sparse (masked-LM) model: config.json architectures is ${JSON.stringify(architectures)}, ` +
        "a SPLADE model has a *ForMaskedLM architecture; load a dense model with TextEmbedding.create",
      { field: "model", folder, architectures, use: "TextEmbedding" },
    );
  }
  let onnxRel: string | undefined;
  for (const c of ONNX_NAMES[quantization]) {
    if (await isFile(join(folder, ...c.split("/")))) {
      onnxRel = c;
      break;
    }
  }
  if (onnxRel === undefined) throw missing(`${ONNX_NAMES[quantization].join(" or ")} (the ${quantization} ONNX file)`);
  if (!(await isFile(join(folder, "tokenizer.json")))) throw missing("tokenizer.json");
  const vocabSize = positiveInt(config["vocab_size"]);
  const maxTokens = positiveInt(config["max_position_embeddings"]);
  if (vocabSize === undefined || maxTokens === undefined) {
    throw new EmbedkitError(
      ERROR_CODES.MODEL_FILE_MISSING,
      `config.json in "${folder}" needs positive integers vocab_size and max_position_embeddings; got ${String(config["vocab_size"])} and ${String(config["max_position_embeddings"])}`,
      { folder, field: "config.json" },
    );
  }
  const hasIdf = await isFile(join(folder, "idf.json"));
  const spec: SparseModelSpec = {
    task: "sparse",
    kind: "splade",
    description: `custom sparse model from ${folder}`,
    source: { repo: folder, revision: "local" },
    files: {
      tokenizer: { path: "tokenizer.json" },
      ...(hasIdf ? { idf: { path: "idf.json" } } : {}),
      onnx: { fp32: { path: ONNX_NAMES.fp32[0]! }, [quantization]: { path: onnxRel } },
    },
    maxTokens,
    vocabSize,
    queryEncoder: hasIdf ? "idf" : "model",
    license: "unknown",
    languages: [],
    paramsM: 0,
  };
  return {
    modelId: folder,
    spec,
    onnxPath: join(folder, ...onnxRel.split("/")),
    tokenizerPath: join(folder, "tokenizer.json"),
    ...(hasIdf ? { idfPath: join(folder, "idf.json") } : {}),
    dir: folder,
    quantization,
  };
}

/** A sparse registry id or local folder -> its files; dense ids are a typed error naming TextEmbedding. */
export async function resolveSparseModelFiles(request: ResolveRequest): Promise<ResolvedSparseModel> {
  const quantization = request.quantization ?? "fp32";
  const model = request.model;
  if (!isSparseEncoderId(model)) {
    if (await isDirectory(model)) return resolveLocalSparseModel(model, quantization);
    if (isModelId(model)) throw wrongTaskDense(model);
    getSparseSpec(model); // throws UNKNOWN_MODEL naming the sparse models
  }
  const spec = getSparseSpec(model);
  const idf = spec.files.idf;
  const files = await resolveCachedFiles({
    ...request,
    modelId: model,
    quantization,
    record: spec,
    ...(idf ? { extra: [idf] } : {}),
  });
  return {
    modelId: model,
    spec,
    ...files,
    ...(idf ? { idfPath: cachedFilePath(files.dir, idf.path) } : {}),
    quantization,
  };
}

/**
 * Whether `model` names a sparse model: a sparse registry id, "bm25", or a folder whose
 * config.json architecture is *ForMaskedLM. For edges (the CLI, the server) that pick the engine.
 */
export async function isSparseModelName(model: string): Promise<boolean> {
  if (isSparseEncoderId(model) || bm25ModelId(model) !== undefined) return true;
  if (isModelId(model) || !(await isDirectory(model))) return false;
  const config = await readJsonObject(join(model, "config.json"));
  const architectures = Array.isArray(config?.["architectures"]) ? (config["architectures"] as unknown[]) : [];
  return architectures.some((a) => String(a).endsWith("ForMaskedLM"));
}
