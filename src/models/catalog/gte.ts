/**
 * L1: thenlper GTE (General Text Embeddings, Alibaba DAMO) English models. Pure data.
 *
 * Facts: dim and 512-token limit from the GTE model card's table; mean pooling from its usage
 * code (`average_pool` over the attention mask) followed by normalization; no prefixes.
 * ONNX exports: Xenova/<name> (tree listings show fp32, model_quantized and fp16).
 * Not read directly: each repo's 1_Pooling/config.json.
 * expected-weights.json has hashes for koxy-ai/gte-small, a fork that is not necessarily
 * byte-identical to Xenova/gte-small, so they are not used here.
 */
import type { EmbedModelSpec } from "../spec.js";
import { STANDARD_FILES } from "./files.js";
import { NO_PROMPTS } from "./prompts.js";

export const GTE_MODELS = {
  "thenlper/gte-small": {
    task: "embed",
    description: "GTE small: English, no prefixes needed, strong for its size",
    source: { repo: "Xenova/gte-small", revision: "main" },
    dim: 384,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    prompts: NO_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["en"],
    paramsM: 33,
  },
  "thenlper/gte-base": {
    task: "embed",
    description: "GTE base: English, no prefixes needed",
    source: { repo: "Xenova/gte-base", revision: "main" },
    dim: 768,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    prompts: NO_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["en"],
    paramsM: 109,
  },
  "thenlper/gte-large": {
    task: "embed",
    description: "GTE large: English, no prefixes needed, highest GTE quality (1.34 GB fp32)",
    source: { repo: "Xenova/gte-large", revision: "main" },
    dim: 1024,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    prompts: NO_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["en"],
    paramsM: 335,
  },
} as const satisfies Record<string, EmbedModelSpec>;
