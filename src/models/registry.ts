/**
 * L1: the model table. One typed record per model; `ModelId` is derived from the keys.
 * Every model fact (pooling, prefixes, dimensions, files) lives in ./catalog/ and nowhere else.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { BGE_MODELS } from "./catalog/bge.js";
import { E5_MODELS } from "./catalog/e5.js";
import { GTE_MODELS } from "./catalog/gte.js";
import { JINA_MODELS } from "./catalog/jina.js";
import { MINILM_MODELS } from "./catalog/minilm.js";
import { NOMIC_MODELS } from "./catalog/nomic.js";
import { isSparseEncoderId } from "./sparse-registry.js";
import { RERANK_MODELS } from "./catalog/rerank.js";
import type { ModelSpec } from "./spec.js";
import { closeIds } from "./suggest.js";

/**
 * All registered models, one family file each under ./catalog/. Insertion order is the order
 * users see in `embedkit models list` and the README table. The registry test checks that no
 * family silently overrides another's id.
 */
export const MODELS = {
  ...BGE_MODELS,
  ...GTE_MODELS,
  ...E5_MODELS,
  ...MINILM_MODELS,
  ...NOMIC_MODELS,
  ...JINA_MODELS,
} as const satisfies Record<string, ModelSpec>;

/** The id of a model in the registry, e.g. `"BAAI/bge-small-en-v1.5"`. */
export type ModelId = keyof typeof MODELS;

/** The model used when none is given. */
export const DEFAULT_MODEL: ModelId = "BAAI/bge-small-en-v1.5";

/** Every registry id, in table order. */
export const MODEL_IDS = Object.keys(MODELS) as ModelId[];

/** Whether `id` names a registry model. */
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

/** The record of a registered model; a typed error naming the close matches otherwise. */
export function getModelSpec(id: string): ModelSpec {
  if (isModelId(id)) return MODELS[id];
  if (isSparseEncoderId(id) || /^(qdrant\/)?bm25$/i.test(id)) {
    throw new EmbedkitError(
      ERROR_CODES.WRONG_MODEL_TASK,
      `model "${id}" is a sparse model: it gives sparse vectors, not dense ones; load it with SparseTextEmbedding.create({ model: "${id}" })`,
      { field: "model", model: id, task: "sparse", use: "SparseTextEmbedding" },
    );
  }
  if (Object.hasOwn(RERANK_MODELS, id)) throw wrongTask(id, "rerank", "TextCrossEncoder");
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
