/**
 * L1: Jina AI jina-embeddings-v2 English models. Pure data.
 *
 * Facts: small 512 dims / 33M params, base 768 dims / 137M params, 8192 tokens (ALiBi; trained
 * at 512 and extrapolated), Apache-2.0, no prefixes (model cards, MTEB's jina_models.py). The
 * cards say to apply mean pooling; their example then L2-normalizes.
 * ONNX: the original jinaai repos keep model.onnx at the repo root (not onnx/model.onnx), and
 * its commit message says it was exported "with mean pooling", i.e. it outputs pooled vectors,
 * not token embeddings. We use the Xenova/<name> exports, which follow the standard layout
 * (onnx/model.onnx, model_quantized.onnx, model_fp16.onnx) and output token embeddings like
 * every other model here. UNCONFIRMED: the exact output tensor names of these exports.
 */
import type { EmbedModelSpec } from "../spec.js";
import { STANDARD_FILES } from "./files.js";
import { NO_PROMPTS } from "./prompts.js";

export const JINA_MODELS = {
  "jinaai/jina-embeddings-v2-small-en": {
    task: "embed",
    description: "jina-embeddings-v2 small English: 8192-token context, small and fast",
    source: { repo: "Xenova/jina-embeddings-v2-small-en", revision: "main" },
    dim: 512,
    maxTokens: 8192,
    pooling: "mean",
    normalize: true,
    prompts: NO_PROMPTS,
    files: STANDARD_FILES,
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 33,
  },
  "jinaai/jina-embeddings-v2-base-en": {
    task: "embed",
    description: "jina-embeddings-v2 base English: 8192-token context",
    source: { repo: "Xenova/jina-embeddings-v2-base-en", revision: "main" },
    dim: 768,
    maxTokens: 8192,
    pooling: "mean",
    normalize: true,
    prompts: NO_PROMPTS,
    files: STANDARD_FILES,
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 137,
  },
} as const satisfies Record<string, EmbedModelSpec>;
