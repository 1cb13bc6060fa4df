/**
 * L1: intfloat E5 v2 (English) and multilingual E5 models. Pure data.
 *
 * Facts: dim, parameter counts, MIT license from MTEB's e5_models.py and the model cards;
 * mean pooling (`average_pool` in the cards' usage code) then normalization. The cards require
 * "query: "/"passage: " and say to use "query: " for symmetric tasks.
 * maxTokens: 512 for all. For the multilingual base/large (XLM-RoBERTa) config.json says
 * max_position_embeddings 514, but two positions are reserved for the padding offset, so 512
 * tokens (special tokens included) is the real limit.
 * ONNX exports: Xenova/<name> (tree listings show fp32, model_quantized and fp16).
 * Not read directly: each repo's 1_Pooling/config.json.
 */
import type { EmbedModelSpec } from "../spec.js";
import { CONFIG_JSON, ONNX_FP16, ONNX_FP32, ONNX_INT8, STANDARD_FILES, TOKENIZER_JSON } from "./files.js";
import { E5_PROMPTS } from "./prompts.js";

export const E5_MODELS = {
  "intfloat/e5-small-v2": {
    task: "embed",
    description: "E5 small v2: English, needs 'query: '/'passage: ' prefixes",
    source: { repo: "Xenova/e5-small-v2", revision: "main" },
    dim: 384,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    mtebNormalize: false,
    prompts: E5_PROMPTS,
    // Measured by bench/chunked-retrieval-sweep.ts (README "Naive vs late chunking").
    chunking: {
      strategy: "naive",
      by: "sentences",
      size: 128,
      evidence:
        "XQuAD (48 articles, 1,190 questions): naive ahead of late at every size (chunk nDCG@10 +0.09 to +0.19); QMSum (8 meetings, 39 queries): late ahead at every size (+0.05 to +0.07), so prefer late for long transcripts whose passages depend on context",
    },
    files: {
      tokenizer: TOKENIZER_JSON,
      config: CONFIG_JSON,
      // PROVENANCE (unconfirmed): these size/sha256 pairs come from langchain4j's bundled
      // resources (expected-weights.json), not from a pointer in Xenova/e5-small-v2; byte
      // identity with the hub files has not been confirmed.
      onnx: {
        fp32: {
          ...ONNX_FP32,
          size: 133093467,
          sha256: "b2a43b66f7f9b6f29643a21340ad7c03d2d91e6bd5d43429a77799a9ee880eb0",
        },
        int8: {
          ...ONNX_INT8,
          size: 34014367,
          sha256: "7d9092cb25f2bd1c023b7e8d2aa459044a02030ac880e5a59fdaf27af69f1ded",
        },
        fp16: ONNX_FP16,
      },
    },
    license: "MIT",
    languages: ["en"],
    paramsM: 33,
  },
  "intfloat/e5-base-v2": {
    task: "embed",
    description: "E5 base v2: English, needs 'query: '/'passage: ' prefixes",
    source: { repo: "Xenova/e5-base-v2", revision: "main" },
    dim: 768,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    mtebNormalize: false,
    prompts: E5_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["en"],
    paramsM: 109,
  },
  "intfloat/e5-large-v2": {
    task: "embed",
    description: "E5 large v2: English, needs 'query: '/'passage: ' prefixes (1.34 GB fp32)",
    source: { repo: "Xenova/e5-large-v2", revision: "main" },
    dim: 1024,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    mtebNormalize: false,
    prompts: E5_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["en"],
    paramsM: 335,
  },
  "intfloat/multilingual-e5-small": {
    task: "embed",
    description: "Multilingual E5 small: about 100 languages, needs 'query: '/'passage: ' prefixes",
    source: { repo: "Xenova/multilingual-e5-small", revision: "main" },
    dim: 384,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    mtebNormalize: false,
    prompts: E5_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["multilingual"],
    paramsM: 118,
  },
  "intfloat/multilingual-e5-base": {
    task: "embed",
    description: "Multilingual E5 base: about 100 languages, needs 'query: '/'passage: ' prefixes",
    source: { repo: "Xenova/multilingual-e5-base", revision: "main" },
    dim: 768,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    mtebNormalize: false,
    prompts: E5_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["multilingual"],
    paramsM: 278,
  },
  "intfloat/multilingual-e5-large": {
    task: "embed",
    description: "Multilingual E5 large: best multilingual quality here; fp32 is 2.24 GB in two files",
    source: { repo: "Xenova/multilingual-e5-large", revision: "main" },
    dim: 1024,
    maxTokens: 512,
    pooling: "mean",
    normalize: true,
    mtebNormalize: false,
    prompts: E5_PROMPTS,
    files: {
      tokenizer: TOKENIZER_JSON,
      config: CONFIG_JSON,
      onnx: {
        // Over protobuf's 2 GB limit: the graph is a 546 kB model.onnx whose weights are in
        // model.onnx_data next to it. fp16 (1.12 GB) and int8 (562 MB) are single files.
        fp32: { ...ONNX_FP32, externalData: { path: "onnx/model.onnx_data" } },
        int8: ONNX_INT8,
        fp16: ONNX_FP16,
      },
    },
    license: "MIT",
    languages: ["multilingual"],
    paramsM: 560,
  },
} as const satisfies Record<string, EmbedModelSpec>;
