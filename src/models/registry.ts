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
import type { ModelSpec } from "./spec.js";

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
  const close = suggestModels(id);
  throw new EmbedkitError(
    ERROR_CODES.UNKNOWN_MODEL,
    `model "${id}" is not in the registry${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(", ")}?)` : ""}; ` +
      `run \`embedkit models list\` for the ${MODEL_IDS.length} supported models, or pass a local folder path`,
    { model: id, suggestions: close },
  );
}

/** Edit distance between two short strings (model names), for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Registry ids close to a mistyped one: the name part within a few edits, or containing it (4+ chars). */
export function suggestModels(id: string): ModelId[] {
  const needle = (id.toLowerCase().split("/").pop() ?? "").trim();
  if (needle.length === 0) return [];
  return MODEL_IDS.filter((m) => {
    const name = m.toLowerCase().split("/")[1] ?? "";
    return (
      editDistance(needle, name) <= Math.max(2, Math.floor(name.length / 6)) ||
      (needle.length >= 4 && name.includes(needle))
    );
  });
}
