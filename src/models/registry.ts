/**
 * L1: the model table. One typed record per model; `ModelId` is derived from the keys.
 * Every model fact (pooling, prefixes, dimensions, files) lives here and nowhere else.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { ModelSpec } from "./spec.js";

const NO_PROMPTS = { query: "", passage: "", symmetric: "" } as const;
const BGE_EN_QUERY = "Represent this sentence for searching relevant passages: ";
const E5_PROMPTS = { query: "query: ", passage: "passage: ", symmetric: "query: " } as const;

export const MODELS = {
  "BAAI/bge-small-en-v1.5": {
    description: "BGE small English v1.5: strong, fast default for English retrieval and similarity",
    source: { repo: "Xenova/bge-small-en-v1.5", revision: "main" },
    dim: 384,
    maxTokens: 512,
    pooling: "cls",
    normalize: true,
    prompts: { query: BGE_EN_QUERY, passage: "", symmetric: "" },
    files: {
      tokenizer: { path: "tokenizer.json" },
      config: { path: "config.json" },
      onnx: {
        fp32: {
          path: "onnx/model.onnx",
          size: 133093490,
          sha256: "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35",
        },
        int8: {
          path: "onnx/model_quantized.onnx",
          size: 34014426,
          sha256: "6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4",
        },
      },
    },
    license: "MIT",
    languages: ["en"],
    paramsM: 33,
  },
  "BAAI/bge-small-zh-v1.5": {
    description: "BGE small Chinese v1.5",
    source: { repo: "Xenova/bge-small-zh-v1.5", revision: "main" },
    dim: 512,
    maxTokens: 512,
    pooling: "cls",
    normalize: true,
    prompts: { query: "为这个句子生成表示以用于检索相关文章：", passage: "", symmetric: "" },
    files: {
      tokenizer: { path: "tokenizer.json" },
      config: { path: "config.json" },
      onnx: {
        fp32: { path: "onnx/model.onnx" },
        int8: { path: "onnx/model_quantized.onnx" },
      },
    },
    license: "MIT",
    languages: ["zh"],
    paramsM: 24,
  },
  "intfloat/e5-small-v2": {
    description: "E5 small v2: English, needs 'query: '/'passage: ' prefixes",
    source: { repo: "Xenova/e5-small-v2", revision: "main" },
    dim: 384,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    prompts: E5_PROMPTS,
    files: {
      tokenizer: { path: "tokenizer.json" },
      config: { path: "config.json" },
      onnx: {
        fp32: {
          path: "onnx/model.onnx",
          size: 133093467,
          sha256: "b2a43b66f7f9b6f29643a21340ad7c03d2d91e6bd5d43429a77799a9ee880eb0",
        },
        int8: {
          path: "onnx/model_quantized.onnx",
          size: 34014367,
          sha256: "7d9092cb25f2bd1c023b7e8d2aa459044a02030ac880e5a59fdaf27af69f1ded",
        },
      },
    },
    license: "MIT",
    languages: ["en"],
    paramsM: 33,
  },
  "sentence-transformers/all-MiniLM-L6-v2": {
    description: "all-MiniLM-L6-v2: tiny and fast English sentence embeddings",
    source: { repo: "Xenova/all-MiniLM-L6-v2", revision: "main" },
    dim: 384,
    maxTokens: 256,
    pooling: "mean",
    normalize: true,
    prompts: NO_PROMPTS,
    files: {
      tokenizer: { path: "tokenizer.json" },
      config: { path: "config.json" },
      onnx: {
        fp32: {
          path: "onnx/model.onnx",
          size: 90387606,
          sha256: "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
        },
        int8: {
          path: "onnx/model_quantized.onnx",
          size: 22972370,
          sha256: "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1",
        },
      },
    },
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 23,
  },
} as const satisfies Record<string, ModelSpec>;

export type ModelId = keyof typeof MODELS;

export const DEFAULT_MODEL: ModelId = "BAAI/bge-small-en-v1.5";

export const MODEL_IDS = Object.keys(MODELS) as ModelId[];

export function isModelId(id: string): id is ModelId {
  return Object.prototype.hasOwnProperty.call(MODELS, id);
}

/** The record of a registered model; a typed error naming the close matches otherwise. */
export function getModelSpec(id: string): ModelSpec {
  if (isModelId(id)) return MODELS[id];
  const needle = id.toLowerCase().split("/").pop() ?? id.toLowerCase();
  const close = MODEL_IDS.filter((m) => m.toLowerCase().includes(needle) || needle.includes(m.toLowerCase().split("/")[1] ?? ""));
  throw new EmbedkitError(
    ERROR_CODES.UNKNOWN_MODEL,
    `model "${id}" is not in the registry${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(", ")}?)` : ""}; ` +
      `run \`embedkit models list\` for the ${MODEL_IDS.length} supported models, or pass a local folder path`,
    { model: id, suggestions: close },
  );
}
