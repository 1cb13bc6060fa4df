/**
 * The public library surface of embedkit. Never exports server/ or cli/.
 */
export { TextEmbedding } from "./embed/text-embedding.js";
export type { TextEmbeddingOptions, EmbedCallOptions, DetailedEmbeddings } from "./embed/text-embedding.js";
export { EmbedkitError, ERROR_CODES, InputTooLongError, isEmbedkitError } from "./errors.js";
export type { ErrorCode, InputTooLongDetails } from "./errors.js";
export {
  MODELS,
  MODEL_IDS,
  DEFAULT_MODEL,
  getModelSpec,
  isModelId,
  chunkingRecommendation,
} from "./models/registry.js";
export type { ModelId } from "./models/registry.js";
export type { ModelSpec, ModelFile, ModelPrompts, ChunkingRecommendation } from "./models/spec.js";
export type { Embedder, Pooling, PromptName, Quantization, SparseVector, TruncationDirection } from "./types.js";
export type { HeadRow, OutputHead, ScoreActivation, TokenSpan, TokenStates } from "./pooling/head-types.js";
export { cosineSimilarity } from "./pooling/normalize.js";
export { storeConfigFromEnv } from "./config/schema.js";
export type { StoreConfig } from "./config/schema.js";
export type { TokenizedText } from "./embed/text-embedding.js";
export { chunk, chunkDocuments } from "./chunking/chunk.js";
export { chunkTokenizerFor } from "./embed/chunk-tokenizer.js";
export type { ChunkingModel } from "./embed/chunk-tokenizer.js";
export type {
  ChunkStrategy,
  ChunkDocumentInput,
  ChunkDocumentRecord,
  ChunkedDocument,
  EmbedChunkingOptions,
  EmbedChunksOptions,
  EmbeddedChunk,
} from "./embed/embed-chunks.js";
export type { MacroWindowSetting } from "./embed/late-chunk.js";
export type { ChunkSweepOptions, ChunkSweepDocument } from "./embed/late-chunk-sweep.js";
export type {
  Chunk,
  ChunkBy,
  ChunkOptions,
  ChunkSpan,
  ChunkTokenizer,
  DocumentTokens,
} from "./chunking/chunk-types.js";
export { submitJob } from "./jobs/submit-job.js";
export type { SubmitJobOptions, SubmittedJob } from "./jobs/submit-job.js";
export { runWorker } from "./jobs/run-worker.js";
export type { RunWorkerOptions, WorkerHandle } from "./jobs/run-worker.js";
export { getJobStatus, retryFailedUnits, cancelJob } from "./jobs/job-status.js";
export type { JobStatus, FailedUnit } from "./jobs/job-status.js";
export type { JobChunking, SinkFormat } from "./jobs/job-spec.js";
export { parseNpy } from "./jobs/npy-shard.js";
export type { NpyMatrix } from "./jobs/npy-shard.js";
export { SparseTextEmbedding } from "./sparse/sparse-text-embedding.js";
export type { SparseTextEmbeddingOptions, SparseCallOptions } from "./sparse/sparse-text-embedding.js";
export { sparseDot } from "./sparse/sparse-vector.js";
export { SPARSE_MODEL_IDS } from "./models/sparse-registry.js";
export type { SparseTerm } from "./sparse/splade-backend.js";
export { SPARSE_MODELS, getSparseSpec } from "./models/sparse-registry.js";
export type { SparseModelId } from "./models/sparse-registry.js";
export type { SparseModelSpec } from "./models/spec.js";
export { Bm25Index } from "./sparse/bm25-index.js";
export type { Bm25IndexOptions, Bm25Hit, Bm25SearchOptions, DocumentId } from "./sparse/bm25-index.js";
export { Bm25Analyzer } from "./sparse/bm25-analyzer.js";
export type { Bm25AnalyzerOptions } from "./sparse/bm25-analyzer.js";
export { fuse, normalizeScores, FUSION_METHODS, SCORE_NORMALIZATIONS } from "./search/index.js";
export type { FuseOptions, FusionMethod, ScoreNormalization, Hit, HitId } from "./search/index.js";
export { TextCrossEncoder } from "./rerank/text-cross-encoder.js";
export type { TextCrossEncoderOptions, EncodePairsOptions } from "./rerank/text-cross-encoder.js";
export type { RerankOptions, RerankPairsOptions, RerankResult } from "./rerank/rerank-input.js";
export { RERANK_MODEL_IDS, DEFAULT_RERANK_MODEL, getRerankSpec } from "./models/rerank-registry.js";
export type { RerankModelId } from "./models/rerank-registry.js";
export type { RerankModelSpec, RerankActivation } from "./models/spec.js";
export { PgVectorSink } from "./sinks/postgres/pg-vector-sink.js";
export type { PgVectorSinkOptions, PgVectorSearchOptions, PgVectorHit } from "./sinks/postgres/pg-vector-sink.js";
export type {
  SinkRow,
  SinkDocument,
  SinkHit,
  SinkPlace,
  SinkSettings,
  DocumentSink,
  SearchableSink,
} from "./sinks/document-sink.js";
export type { HnswOptions } from "./sinks/postgres/sink-schema.js";
export type { MetadataFilter as PgMetadataFilter, MetadataFilter as SinkMetadataFilter } from "./sinks/sink-checks.js";
export { ChromaSink } from "./sinks/chroma/chroma-sink.js";
export type { ChromaSinkOptions, ChromaSearchOptions, ChromaCollectionRef } from "./sinks/chroma/chroma-sink.js";
export type { PgTableOptions } from "./sinks/postgres/pg-vector-sink.js";
export type { PgTableInfo, PgHnswInfo } from "./sinks/postgres/table-info.js";
export { ingest } from "./sinks/ingest.js";
export type { IngestOptions, IngestResult, SinkRecord } from "./sinks/ingest.js";
export { VectorIndex } from "./index/vector-index.js";
export { MAX_TOP_K } from "./index/vector-index-options.js";
export type {
  VectorIndexOptions,
  AddOptions,
  AddResult,
  DeleteResult,
  SearchOptions,
  IndexHit,
} from "./index/vector-index-options.js";
export type { IndexInfo } from "./index/index-info.js";
export type { IndexRecord } from "./index/index-record.js";
export type { IndexSettings, IndexChunking, IndexChunkStrategy, IndexSparse } from "./index/index-settings.js";
export { SEARCH_MODES, type SearchMode } from "./index/search-mode.js";
export type { MetadataFilter, FilterValue } from "./index/metadata-filter.js";
export type { MetadataValue, MetadataType } from "./index/store/chunk-store.js";
export type { OptimizeOptions, OptimizeResult, AnnInfo } from "./index/optimize-index.js";
export { ANN_TYPES, INDEX_PRECISIONS } from "./index/ann-options.js";
export type { AnnType, AnnOptions, AnnSearchOptions, IndexPrecision, RescoreWith } from "./index/ann-options.js";
export {
  PRECISIONS,
  quantizeEmbeddings,
  calibrationRanges,
  bytesPerVector,
  packSignBits,
  unpackSignBits,
} from "./pooling/quantize.js";
export type { Precision, QuantizedRow, QuantizationRanges, RangesInput, QuantizeOptions } from "./pooling/quantize.js";
export {
  quantizedSearch,
  hammingDistance,
  integerDot,
  floatIntegerDot,
  DEFAULT_RESCORE_MULTIPLIER,
} from "./search/index.js";
export type { QuantizedCorpus, QuantizedSearchOptions } from "./search/index.js";
export type { EmbedOutputOptions, EmbedFloatOptions } from "./embed/text-embedding.js";
export type { PrecisionOptions } from "./embed/output-precision.js";
