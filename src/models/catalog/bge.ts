/**
 * L1: BAAI BGE v1.5 models. Pure data.
 *
 * Facts: dim, 512-token limit, CLS pooling and normalized output from the BGE model cards
 * (their usage code takes `model_output[0][:, 0]` then normalizes) and MTEB's model metadata.
 * ONNX exports: Xenova/<name> (tree listings: onnx/model.onnx, model_quantized.onnx,
 * model_fp16.onnx). Not read directly: each repo's 1_Pooling/config.json.
 */
import type { EmbedModelSpec } from "../spec.js";
import { CONFIG_JSON, ONNX_FP16, ONNX_FP32, ONNX_INT8, STANDARD_FILES, TOKENIZER_JSON } from "./files.js";
import { BGE_EN_PROMPTS, BGE_ZH_PROMPTS } from "./prompts.js";

export const BGE_MODELS = {
  "BAAI/bge-small-en-v1.5": {
    task: "embed",
    description: "BGE small English v1.5: strong, fast default for English retrieval and similarity",
    source: { repo: "Xenova/bge-small-en-v1.5", revision: "main" },
    dim: 384,
    maxTokens: 512,
    pooling: "cls",
    normalize: true,
    mtebNormalize: false,
    prompts: BGE_EN_PROMPTS,
    // Measured by bench/chunked-retrieval-sweep.ts (README "Naive vs late chunking").
    chunking: {
      strategy: "naive",
      by: "sentences",
      size: 128,
      evidence:
        "XQuAD (48 articles, 1,190 questions): naive ahead of late at every size (chunk nDCG@10 +0.10 to +0.21); QMSum (8 meetings, 39 queries): late ahead at every size (+0.02 to +0.05), so prefer late for long transcripts whose passages depend on context",
    },
    files: {
      tokenizer: TOKENIZER_JSON,
      config: CONFIG_JSON,
      // PROVENANCE (unconfirmed): these two size/sha256 pairs come from langchain4j's bundled
      // resources (expected-weights.json: "langchain4j export" / "langchain4j own quantization"),
      // not from a pointer in Xenova/bge-small-en-v1.5. The sizes fit a Xenova-style export of
      // this architecture, but byte identity with the hub files has not been confirmed.
      onnx: {
        fp32: {
          ...ONNX_FP32,
          size: 133093490,
          sha256: "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35",
        },
        int8: {
          ...ONNX_INT8,
          size: 34014426,
          sha256: "6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4",
        },
        fp16: ONNX_FP16,
      },
    },
    license: "MIT",
    languages: ["en"],
    paramsM: 33,
  },
  "BAAI/bge-base-en-v1.5": {
    task: "embed",
    description: "BGE base English v1.5: higher quality than small at about 3x the compute",
    source: { repo: "Xenova/bge-base-en-v1.5", revision: "main" },
    dim: 768,
    maxTokens: 512,
    pooling: "cls",
    normalize: true,
    mtebNormalize: false,
    prompts: BGE_EN_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["en"],
    paramsM: 109,
  },
  "BAAI/bge-large-en-v1.5": {
    task: "embed",
    description: "BGE large English v1.5: best BGE quality, slowest (1.34 GB fp32)",
    source: { repo: "Xenova/bge-large-en-v1.5", revision: "main" },
    dim: 1024,
    maxTokens: 512,
    pooling: "cls",
    normalize: true,
    mtebNormalize: false,
    prompts: BGE_EN_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["en"],
    paramsM: 335,
  },
  "BAAI/bge-small-zh-v1.5": {
    task: "embed",
    description: "BGE small Chinese v1.5",
    source: { repo: "Xenova/bge-small-zh-v1.5", revision: "main" },
    dim: 512,
    maxTokens: 512,
    pooling: "cls",
    normalize: true,
    mtebNormalize: false,
    prompts: BGE_ZH_PROMPTS,
    files: STANDARD_FILES,
    license: "MIT",
    languages: ["zh"],
    paramsM: 24,
  },
} as const satisfies Record<string, EmbedModelSpec>;
