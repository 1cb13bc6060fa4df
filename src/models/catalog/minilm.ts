/**
 * L1: sentence-transformers all-MiniLM models. Pure data.
 *
 * Facts: 384 dims, mean pooling then normalization (model cards' usage code), no prefixes,
 * Apache-2.0. maxTokens is sentence_bert_config.json's max_seq_length, the length the model
 * was trained with and what sentence-transformers truncates to:
 *  - L6: 256 (card: "input text longer than 256 word pieces is truncated").
 *  - L12: 128. UNCONFIRMED against the original repo: seen in copies of its
 *    sentence_bert_config.json (a ct2 duplicate and fine-tunes derived from it); the L12 card
 *    prose says 256 (copied from L6) and max_position_embeddings is 512.
 * ONNX exports: Xenova/<name>.
 */
import type { EmbedModelSpec } from "../spec.js";
import { CONFIG_JSON, ONNX_FP16, ONNX_FP32, ONNX_INT8, STANDARD_FILES, TOKENIZER_JSON } from "./files.js";
import { NO_PROMPTS } from "./prompts.js";

export const MINILM_MODELS = {
  "sentence-transformers/all-MiniLM-L6-v2": {
    task: "embed",
    description: "all-MiniLM-L6-v2: tiny and fast English sentence embeddings",
    source: { repo: "Xenova/all-MiniLM-L6-v2", revision: "main" },
    dim: 384,
    maxTokens: 256,
    pooling: "mean",
    normalize: true,
    prompts: NO_PROMPTS,
    // Measured by bench/chunked-retrieval-sweep.ts (README "Naive vs late chunking").
    chunking: {
      strategy: "late",
      by: "tokens",
      size: 254,
      evidence:
        "XQuAD (48 articles): late ties naive at 254 tokens (+0.001 chunk nDCG@10), behind at smaller sizes; QMSum (8 meetings, 39 queries): late ahead at every size (+0.02 to +0.05)",
    },
    files: {
      tokenizer: TOKENIZER_JSON,
      config: CONFIG_JSON,
      // LFS pointers of Xenova/all-MiniLM-L6-v2 (expected-weights.json, GitHub mirror
      // Xyntopia/all-MiniLM-L6-v2 @ 48a5a37).
      onnx: {
        fp32: {
          ...ONNX_FP32,
          size: 90387606,
          sha256: "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
        },
        int8: {
          ...ONNX_INT8,
          size: 22972370,
          sha256: "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1",
        },
        fp16: {
          ...ONNX_FP16,
          size: 45297825,
          sha256: "2cdb5e58291813b6d6e248ed69010100246821a367fa17b1b81ae9483744533d",
        },
      },
    },
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 23,
  },
  "sentence-transformers/all-MiniLM-L12-v2": {
    task: "embed",
    description: "all-MiniLM-L12-v2: small English sentence embeddings, 128-token inputs",
    source: { repo: "Xenova/all-MiniLM-L12-v2", revision: "main" },
    dim: 384,
    maxTokens: 128,
    pooling: "mean",
    normalize: true,
    prompts: NO_PROMPTS,
    files: STANDARD_FILES,
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 33,
  },
} as const satisfies Record<string, EmbedModelSpec>;
