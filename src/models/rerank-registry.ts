/**
 * L1: lookups of the registry's cross-encoder rerankers (`task: "rerank"` records of
 * src/models/registry.ts; the facts are in ./catalog/rerank.ts).
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { isModelId, RERANK_MODELS, wrongTask, type RerankModelId } from "./registry.js";
import type { RerankModelSpec } from "./spec.js";
import { closeIds } from "./suggest.js";

export { RERANK_MODELS };
export type { RerankModelId };

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
