/**
 * L1: the model table. One typed record per model of every task (dense embedders, sparse
 * encoders and BM25, cross-encoder rerankers), tagged by `task`; the per-task id types
 * (`ModelId`, `SparseModelId`, `Bm25ModelId`, `RerankModelId`) are derived from its keys, and
 * the per-task tables (`MODELS`, `SPARSE_MODELS`, `RERANK_MODELS`) are views of it.
 * Every model fact (pooling, prefixes, dimensions, files) lives in ./catalog/ and nowhere else.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { BGE_MODELS } from "./catalog/bge.js";
import { BM25_CATALOG } from "./catalog/bm25.js";
import { E5_MODELS } from "./catalog/e5.js";
import { GTE_MODELS } from "./catalog/gte.js";
import { JINA_MODELS } from "./catalog/jina.js";
import { MINILM_MODELS } from "./catalog/minilm.js";
import { NOMIC_MODELS } from "./catalog/nomic.js";
import { RERANK_CATALOG } from "./catalog/rerank.js";
import { SPARSE_CATALOG } from "./catalog/sparse.js";
import type {
  ChunkingRecommendation,
  Bm25ModelSpec,
  EmbedModelSpec,
  ModelSpec,
  ModelTask,
  RegistryRecord,
  RerankModelSpec,
  SparseModelSpec,
} from "./spec.js";
import { closeIds } from "./suggest.js";

/**
 * Every registered model, one family file each under ./catalog/. Insertion order is the order
 * users see in `embedkit models list` and the README tables (dense first, the default first).
 * The registry test checks that no family silently overrides another's id.
 */
export const REGISTRY = {
  ...BGE_MODELS,
  ...GTE_MODELS,
  ...E5_MODELS,
  ...MINILM_MODELS,
  ...NOMIC_MODELS,
  ...JINA_MODELS,
  ...SPARSE_CATALOG,
  ...BM25_CATALOG,
  ...RERANK_CATALOG,
} as const satisfies Record<string, RegistryRecord>;

type Registry = typeof REGISTRY;

/** The id of a registered model of any task. */
export type RegistryId = keyof Registry;

/** The ids whose record is a `Shape` (one task's record type; sparse records by kind). */
type IdsWhere<Shape> = { [I in RegistryId]: Registry[I] extends Shape ? I : never }[RegistryId];

/** The records of the given ids, each with its literal type. */
export type RegistryView<I extends RegistryId> = { readonly [K in I]: Registry[K] };

/** The id of a dense embedding model in the registry, e.g. `"BAAI/bge-small-en-v1.5"`. */
export type ModelId = IdsWhere<EmbedModelSpec>;
/** The id of a registered SPLADE-style sparse encoder, e.g. `"prithivida/Splade_PP_en_v1"`. */
export type SparseModelId = IdsWhere<SparseModelSpec>;
/** The id of the model-free BM25 (`"bm25"`, or FastEmbed's `"Qdrant/bm25"`). */
export type Bm25ModelId = IdsWhere<Bm25ModelSpec>;
/** The id of a reranker in the registry, e.g. `"Xenova/ms-marco-MiniLM-L-6-v2"`. */
export type RerankModelId = IdsWhere<RerankModelSpec>;

/** Every registry id of every task, in table order. */
export const REGISTRY_IDS = Object.keys(REGISTRY) as RegistryId[];

/** Whether `id` names a registry model of any task (exact spelling). */
export function isRegistryId(id: string): id is RegistryId {
  return Object.hasOwn(REGISTRY, id);
}

/** The task of a registry id (`undefined` for anything else). */
export function taskOf(id: string): ModelTask | undefined {
  return isRegistryId(id) ? REGISTRY[id].task : undefined;
}

function view<I extends RegistryId>(keep: (record: RegistryRecord) => boolean): RegistryView<I> {
  return Object.fromEntries(Object.entries(REGISTRY).filter(([, r]) => keep(r))) as RegistryView<I>;
}

/** The dense embedding models (the registry's `task: "embed"` records), in table order. */
export const MODELS: RegistryView<ModelId> = view((r) => r.task === "embed");
/** The SPLADE-style sparse encoders (`task: "sparse"`, `kind: "splade"`), in table order. */
export const SPARSE_MODELS: RegistryView<SparseModelId> = view((r) => r.task === "sparse" && r.kind === "splade");
/** The model-free BM25 ids (`task: "sparse"`, `kind: "bm25"`). */
export const BM25_MODELS: RegistryView<Bm25ModelId> = view((r) => r.task === "sparse" && r.kind === "bm25");
/** The cross-encoder rerankers (`task: "rerank"`), in table order. */
export const RERANK_MODELS: RegistryView<RerankModelId> = view((r) => r.task === "rerank");

/** The model used when none is given. */
export const DEFAULT_MODEL: ModelId = "BAAI/bge-small-en-v1.5";

/** Every dense model id, in table order. */
export const MODEL_IDS = Object.keys(MODELS) as ModelId[];

/** Whether `id` names a registry dense embedding model. */
export function isModelId(id: string): id is ModelId {
  return Object.prototype.hasOwnProperty.call(MODELS, id);
}

/**
 * A registry model used where another task's model is needed (a reranker given to TextEmbedding,
 * an embedder given to TextCrossEncoder): a typed error naming the class that loads it.
 */
export function wrongTask(id: string, task: "embed" | "rerank", useClass: string): EmbedkitError {
  const what = task === "rerank" ? "a reranker (cross-encoder)" : "an embedding model";
  return new EmbedkitError(
    ERROR_CODES.WRONG_MODEL_TASK,
    `model "${id}" is ${what}, not ${task === "rerank" ? "an embedding model" : "a reranker"}; load it with ${useClass}`,
    { model: id, task, use: useClass },
  );
}

/**
 * The measured chunking recommendation of a registry model (its record's `chunking`), or undefined
 * when none was measured or the id is not an embedding model in the registry.
 */
export function chunkingRecommendation(modelId: string): ChunkingRecommendation | undefined {
  return isModelId(modelId) ? (MODELS[modelId] as EmbedModelSpec).chunking : undefined;
}

/** The BM25 id `model` names (case-insensitive), if any. */
export function bm25ModelId(model: string): Bm25ModelId | undefined {
  return (Object.keys(BM25_MODELS) as Bm25ModelId[]).find((m) => m.toLowerCase() === model.toLowerCase());
}

/** The record of a registered model; a typed error naming the close matches otherwise. */
export function getModelSpec(id: string): ModelSpec {
  if (isModelId(id)) return MODELS[id];
  if (taskOf(id) === "sparse" || bm25ModelId(id) !== undefined) {
    throw new EmbedkitError(
      ERROR_CODES.WRONG_MODEL_TASK,
      `model "${id}" is a sparse model: it gives sparse vectors, not dense ones; load it with SparseTextEmbedding.create({ model: "${id}" })`,
      { field: "model", model: id, task: "sparse", use: "SparseTextEmbedding" },
    );
  }
  if (taskOf(id) === "rerank") throw wrongTask(id, "rerank", "TextCrossEncoder");
  const close = suggestModels(id);
  throw new EmbedkitError(
    ERROR_CODES.UNKNOWN_MODEL,
    `model "${id}" is not in the registry${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(", ")}?)` : ""}; ` +
      `run \`embedkit models list\` for the ${MODEL_IDS.length} supported models, or pass a local folder path`,
    { model: id, suggestions: close },
  );
}

/** Registry ids close to a mistyped one: the name part within a few edits, or containing it (4+ chars). */
export function suggestModels(id: string): ModelId[] {
  return closeIds(id, MODEL_IDS);
}
