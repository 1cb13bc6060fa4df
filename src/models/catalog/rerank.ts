/**
 * L1: cross-encoder rerankers. Pure data.
 *
 * Facts, from the model cards and the ONNX exports' file lists (FastEmbed's and transformers.js'
 * catalogues name the same repositories and files). None of these weights could be downloaded
 * on the machines this was written on, so no size or sha256 is claimed for them: the store
 * records the hashes of what it downloads. maxTokens is the model's position limit (512 for the
 * BERT/XLM-R models; JinaBERT uses ALiBi and its cards give 8,192). The activation is what
 * sentence-transformers' CrossEncoder applies to a one-label model (sigmoid); pass
 * `raw_scores` / `activation: "none"` for the logit.
 *
 * The last record is the project's test model (`../shared/models/stsb-minilm-l6-cross-encoder`,
 * trained on the STS Benchmark from all-MiniLM-L6-v2 weights); it is not on the hub, and its
 * hashes are the ones its SHA256SUMS publishes.
 */
import type { RerankModelSpec } from "../spec.js";
import { CONFIG_JSON, ONNX_FP32, ONNX_INT8, TOKENIZER_JSON } from "./files.js";

const XENOVA_FILES = { tokenizer: TOKENIZER_JSON, config: CONFIG_JSON, onnx: { fp32: ONNX_FP32, int8: ONNX_INT8 } };

export const RERANK_CATALOG = {
  "Xenova/ms-marco-MiniLM-L-6-v2": {
    task: "rerank",
    description: "ms-marco-MiniLM-L-6-v2: small, fast English passage reranker (MS MARCO)",
    source: { repo: "Xenova/ms-marco-MiniLM-L-6-v2", revision: "main" },
    maxTokens: 512,
    activation: "sigmoid",
    files: XENOVA_FILES,
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 23,
  },
  "Xenova/ms-marco-MiniLM-L-12-v2": {
    task: "rerank",
    description: "ms-marco-MiniLM-L-12-v2: English passage reranker (MS MARCO), 12 layers",
    source: { repo: "Xenova/ms-marco-MiniLM-L-12-v2", revision: "main" },
    maxTokens: 512,
    activation: "sigmoid",
    files: XENOVA_FILES,
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 33,
  },
  "BAAI/bge-reranker-base": {
    task: "rerank",
    description: "bge-reranker-base: English and Chinese reranker (XLM-RoBERTa base)",
    source: { repo: "Xenova/bge-reranker-base", revision: "main" },
    maxTokens: 512,
    activation: "sigmoid",
    files: XENOVA_FILES,
    license: "MIT",
    languages: ["en", "zh"],
    paramsM: 278,
  },
  "jinaai/jina-reranker-v1-tiny-en": {
    task: "rerank",
    description: "jina-reranker-v1-tiny-en: tiny English reranker (JinaBERT, long inputs)",
    source: { repo: "jinaai/jina-reranker-v1-tiny-en", revision: "main" },
    maxTokens: 8192,
    activation: "sigmoid",
    files: XENOVA_FILES,
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 33,
  },
  "jinaai/jina-reranker-v1-turbo-en": {
    task: "rerank",
    description: "jina-reranker-v1-turbo-en: fast English reranker (JinaBERT, long inputs)",
    source: { repo: "jinaai/jina-reranker-v1-turbo-en", revision: "main" },
    maxTokens: 8192,
    activation: "sigmoid",
    files: XENOVA_FILES,
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 38,
  },
  "embedkit-test/stsb-minilm-l6-cross-encoder": {
    task: "rerank",
    description: "test model: STS Benchmark cross-encoder from all-MiniLM-L6-v2 (not on the hub)",
    source: { repo: "embedkit-test/stsb-minilm-l6-cross-encoder", revision: "main" },
    maxTokens: 512,
    activation: "sigmoid",
    files: {
      tokenizer: {
        ...TOKENIZER_JSON,
        size: 711649,
        sha256: "2fc687b11de0bc1b3d8348f92e3b49ef1089a621506c7661fbf3248fcd54947e",
      },
      config: CONFIG_JSON,
      onnx: {
        fp32: {
          ...ONNX_FP32,
          size: 90964641,
          sha256: "bc3281219ad688dfce9650620b83b1f83b19a8d7f464285a5b743d365e82f752",
        },
      },
    },
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 23,
  },
} as const satisfies Record<string, RerankModelSpec>;
