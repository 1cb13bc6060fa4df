/**
 * L1: the reranker table. One typed record per cross-encoder (./catalog/rerank.ts);
 * `RerankModelId` is derived from its keys. The dense table (registry.ts) stays separate.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { RERANK_MODELS } from "./catalog/rerank.js";
import { isModelId, wrongTask } from "./registry.js";
import type { RerankModelSpec } from "./spec.js";
import { closeIds } from "./suggest.js";

export { RERANK_MODELS };

/** The id of a reranker in the registry, e.g. `"Xenova/ms-marco-MiniLM-L-6-v2"`. */
export type RerankModelId = keyof typeof RERANK_MODELS;

/** Every reranker id, in table order. */
export const RERANK_MODEL_IDS = Object.keys(RERANK_MODELS) as RerankModelId[];

/** The reranker used when none is given. */
export const DEFAULT_RERANK_MODEL: RerankModelId = "Xenova/ms-marco-MiniLM-L-6-v2";

/** Whether `id` names a registry reranker. */
export function isRerankModelId(id: string): id is RerankModelId {
  return Object.hasOwn(RERANK_MODELS, id);
}

/**
 * The record of a registered reranker. An embedding model's id is a `model_task_mismatch` error
 * naming TextEmbedding; any other id is `unknown_model` with the close matches.
 */
export function getRerankSpec(id: string): RerankModelSpec {
  if (isRerankModelId(id)) return RERANK_MODELS[id];
  if (isModelId(id)) throw wrongTask(id, "embed", "TextEmbedding");
  const close = closeIds(id, RERANK_MODEL_IDS);
  throw new EmbedkitError(
    ERROR_CODES.UNKNOWN_MODEL,
    `reranker "${id}" is not in the registry${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(", ")}?)` : ""}; ` +
      `run \`embedkit models list\` for the ${RERANK_MODEL_IDS.length} supported rerankers, or pass a local folder path`,
    { model: id, suggestions: close },
  );
}
