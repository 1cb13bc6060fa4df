/**
 * L1: what a model is, as pure data. No IO.
 */
import type { Pooling, Quantization } from "../types.js";

/** One file in a hub repository. `size`/`sha256` are the published values when known. */
export interface ModelFile {
  /** Path inside the hub repository, e.g. "onnx/model.onnx". */
  readonly path: string;
  /** Published size in bytes. */
  readonly size?: number;
  /** Published sha256, lowercase hex. */
  readonly sha256?: string;
  /**
   * ONNX external-data file that must sit next to `path` (same folder, this exact name), used
   * when a graph is over protobuf's 2 GB limit (e.g. "onnx/model.onnx_data").
   */
  readonly externalData?: ModelFile;
}

/** Where a model's ONNX export lives on the hub. */
export interface ModelSource {
  /** Hub repository holding the ONNX export and tokenizer, e.g. "Xenova/bge-small-en-v1.5". */
  readonly repo: string;
  /** Git revision (branch, tag or commit). */
  readonly revision: string;
}

/** The instruction/prefix conventions of a model. Empty string means no prefix. */
export interface ModelPrompts {
  /** Prepended to retrieval queries (E5 "query: ", BGE's instruction). */
  readonly query: string;
  /** Prepended to passages/documents (E5 "passage: "). */
  readonly passage: string;
  /** Prepended to symmetric tasks (STS, classification, clustering), e.g. E5 uses "query: ". */
  readonly symmetric: string;
}

/** What a model is for: dense vectors, sparse vectors, or scoring pairs (a cross-encoder). */
export type ModelTask = "embed" | "sparse" | "rerank";

/**
 * A measured chunking choice for one model, from the chunked-retrieval sweep
 * (bench/chunked-retrieval-sweep.ts; the README's "Naive vs late chunking" table). Chunk-level
 * nDCG@10 is compared within one chunk size (naive vs late), since larger chunks make fewer,
 * easier candidates.
 */
export interface ChunkingRecommendation {
  /** "late": one pass per document, span means; "naive": each chunk embedded alone. */
  readonly strategy: "late" | "naive";
  /** Splitter of the recommended configuration. */
  readonly by: "tokens" | "sentences";
  /** Most tokens per chunk. */
  readonly size: number;
  /** The measurement behind it, in one line. */
  readonly evidence: string;
}

/** Everything embedkit needs to know about a model: one record of the registry (or read from a local folder). */
export interface ModelSpec {
  /** The task tag: registry records carry it (a spec read from a local folder may not). */
  readonly task?: "embed";
  /** One line a user reads in `embedkit models list`. */
  readonly description: string;
  /** Where the ONNX export lives on the hub. */
  readonly source: ModelSource;
  /** Output dimension. */
  readonly dim: number;
  /** Maximum number of tokens per input, special tokens included. */
  readonly maxTokens: number;
  /** How token vectors become one vector (CLS, mean, last token). */
  readonly pooling: Pooling;
  /** Whether the published embeddings are L2-normalized. */
  readonly normalize: boolean;
  /**
   * Apply a parameter-free layer norm (mean 0, variance 1 over the hidden dimension, eps 1e-5)
   * to the pooled vector, before Matryoshka truncation and L2 normalization (nomic v1.5).
   */
  readonly layerNormAfterPooling?: boolean;
  /** The query/passage/symmetric prefixes or instructions. */
  readonly prompts: ModelPrompts;
  /**
   * Whether the model's published MTEB scores were computed on L2-normalized embeddings, when
   * that differs from `normalize`: BGE's and E5's own evaluation scripts did not normalize, which
   * changes classification results (cosine-based tasks are unaffected). `embedkit eval` follows it.
   */
  readonly mtebNormalize?: boolean;
  /** Matryoshka dimensions the model was trained for (truncate, then renormalize). */
  readonly matryoshkaDims?: readonly number[];
  /** How to chunk long documents for this model, where measured (registry records only). */
  readonly chunking?: ChunkingRecommendation;
  /** Files: the tokenizer and one ONNX file per available quantization. fp32 is required. */
  readonly files: {
    /** `tokenizer.json`. */
    readonly tokenizer: ModelFile;
    /** `config.json`, when the model needs it. */
    readonly config?: ModelFile;
    /** The ONNX graph per quantization. */
    readonly onnx: Readonly<Partial<Record<Quantization, ModelFile>>> & {
      /** Every model has an fp32 graph. */
      readonly fp32: ModelFile;
    };
  };
  /** SPDX license id of the weights. */
  readonly license: string;
  /** Languages, as ISO 639-1 codes, or ["multilingual"]. */
  readonly languages: readonly string[];
  /** Approximate parameter count in millions. */
  readonly paramsM: number;
}

/**
 * A sparse (SPLADE-style) encoder: a masked-language-model graph whose `[batch, seq, vocab]`
 * logits become one vocabulary-sized sparse vector per text (max over tokens of
 * log(1 + relu(logit))). One record of the sparse table (or read from a local folder).
 */
export interface SparseModelSpec {
  /** The task tag: this record is for SparseTextEmbedding. */
  readonly task: "sparse";
  /** Which sparse model: a SPLADE-style encoder with model files (BM25 is a `Bm25ModelSpec`). */
  readonly kind: "splade";
  /** One line a user reads in `embedkit models list`. */
  readonly description: string;
  /** Where the ONNX export lives on the hub. */
  readonly source: ModelSource;
  /** Files: the tokenizer, the IDF table of doc-only models, one ONNX file per quantization. */
  readonly files: {
    /** `tokenizer.json`. */
    readonly tokenizer: ModelFile;
    /** `config.json`, when published. */
    readonly config?: ModelFile;
    /** Doc-only models: the token -> query weight table (`idf.json`). */
    readonly idf?: ModelFile;
    /** The ONNX graph per quantization. */
    readonly onnx: Readonly<Partial<Record<Quantization, ModelFile>>> & {
      /** Every model has an fp32 graph. */
      readonly fp32: ModelFile;
    };
  };
  /** Maximum number of tokens per input, special tokens included. */
  readonly maxTokens: number;
  /** Size of the output vocabulary (the logits' last dimension); sparse indices are below it. */
  readonly vocabSize: number;
  /**
   * How queries become vectors: "model" runs the encoder as for documents; "idf" (OpenSearch
   * doc-only encoders) tokenizes the query and weights each distinct token by `files.idf`.
   */
  readonly queryEncoder: "model" | "idf";
  /** SPDX license id of the weights. */
  readonly license: string;
  /** Languages, as ISO 639-1 codes, or ["multilingual"]. */
  readonly languages: readonly string[];
  /** Approximate parameter count in millions. */
  readonly paramsM: number;
}

/**
 * BM25 as a sparse model: term weights computed in TypeScript, no model files (FastEmbed's
 * `Qdrant/bm25`, English). One record of the registry per accepted id.
 */
export interface Bm25ModelSpec {
  /** The task tag: this record is for SparseTextEmbedding. */
  readonly task: "sparse";
  /** Which sparse model: model-free BM25. */
  readonly kind: "bm25";
  /** One line a user reads in `embedkit models list`. */
  readonly description: string;
  /** Languages, as ISO 639-1 codes. */
  readonly languages: readonly string[];
}

/** How a cross-encoder's logit becomes its score: sigmoid into (0, 1), or the raw logit. */
export type RerankActivation = "sigmoid" | "none";

/**
 * A cross-encoder (reranker): one record of the rerank table (or read from a local folder). The
 * model reads `[CLS] query [SEP] document [SEP]` and gives one logit per pair; `files` has the
 * same layout as a dense model's, so the model store handles both.
 */
export interface RerankModelSpec {
  /** Tags the record as a reranker (a dense {@link ModelSpec} has no `task`). */
  readonly task: "rerank";
  /** One line a user reads in `embedkit models list`. */
  readonly description: string;
  /** Where the ONNX export lives on the hub. */
  readonly source: ModelSource;
  /** Maximum number of tokens per pair, special tokens included. */
  readonly maxTokens: number;
  /** What is applied to logits[:, 0]: sigmoid, or none (raw logit). */
  readonly activation: RerankActivation;
  /** Files: the tokenizer and one ONNX file per available quantization. fp32 is required. */
  readonly files: ModelSpec["files"];
  /** SPDX license id of the weights. */
  readonly license: string;
  /** Languages, as ISO 639-1 codes, or ["multilingual"]. */
  readonly languages: readonly string[];
  /** Approximate parameter count in millions. */
  readonly paramsM: number;
}

/** A dense registry record: a {@link ModelSpec} with its task tag. */
export type EmbedModelSpec = ModelSpec & { readonly task: "embed" };

/** One record of the registry, whatever its task (the `task` tag, then `kind` for sparse models, tell them apart). */
export type RegistryRecord = EmbedModelSpec | SparseModelSpec | Bm25ModelSpec | RerankModelSpec;

/** What the model store needs of any registry record, whatever its task: where it lives and its files. */
export type HubRecord = Pick<ModelSpec, "source" | "files">;
