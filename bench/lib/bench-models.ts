/**
 * The model configurations the benchmarks run, and the BERT architecture of each (used to write
 * the minimal config.json the peers need, and to count FLOPs per token). Pooling and the token
 * limit come from embedkit's registry, so every peer is told the same facts embedkit uses.
 */
import { getModelSpec, type Quantization } from "../../src/index.js";

export interface BertArchitecture {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly vocab: number;
  readonly maxPositions: number;
}

/**
 * Architectures the ONNX exports imply (embedding table 30522 x 384, 12 or 6 encoder layers of
 * 12 heads, FFN 1536). The embedkit cache holds no config.json, so these are written for the
 * peers that need one.
 */
export const ARCHITECTURES: Readonly<Record<string, BertArchitecture>> = {
  "BAAI/bge-small-en-v1.5": { hidden: 384, layers: 12, heads: 12, intermediate: 1536, vocab: 30522, maxPositions: 512 },
  "sentence-transformers/all-MiniLM-L6-v2": {
    hidden: 384,
    layers: 6,
    heads: 12,
    intermediate: 1536,
    vocab: 30522,
    maxPositions: 512,
  },
};

export interface BenchModel {
  /** Label in tables, e.g. "bge-small-en-v1.5 int8". */
  readonly label: string;
  readonly id: string;
  readonly quantization: Extract<Quantization, "fp32" | "int8">;
  /** ONNX file inside the model folder. */
  readonly onnx: string;
  readonly pooling: "cls" | "mean";
  readonly maxTokens: number;
  readonly arch: BertArchitecture;
}

/** Parses "org/name" or "org/name:int8" (default fp32). */
export function benchModel(ref: string): BenchModel {
  const [id = "", q = "fp32"] = ref.split(":");
  if (q !== "fp32" && q !== "int8") throw new Error(`quantization must be fp32 or int8, got "${q}" in "${ref}"`);
  const arch = ARCHITECTURES[id];
  if (!arch) throw new Error(`no benchmark architecture for "${id}"; known: ${Object.keys(ARCHITECTURES).join(", ")}`);
  const spec = getModelSpec(id);
  if (spec.pooling !== "cls" && spec.pooling !== "mean")
    throw new Error(`${id}: pooling ${spec.pooling} not benchmarked`);
  return {
    label: `${id.split("/")[1]} ${q}`,
    id,
    quantization: q,
    onnx: q === "int8" ? "onnx/model_quantized.onnx" : "onnx/model.onnx",
    pooling: spec.pooling,
    maxTokens: spec.maxTokens,
    arch,
  };
}

export const DEFAULT_COMPARE_MODELS = [
  "BAAI/bge-small-en-v1.5",
  "BAAI/bge-small-en-v1.5:int8",
  "sentence-transformers/all-MiniLM-L6-v2",
];
