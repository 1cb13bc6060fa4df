/**
 * L1: the model store's view of the registry: every id that has files (dense embedders, SPLADE
 * encoders, rerankers; BM25 has none), each with where it lives on the hub and its files. Pure
 * data lookups.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { MODELS, RERANK_MODELS, SPARSE_MODELS } from "./registry.js";
import type { HubRecord } from "./spec.js";
import { closeIds } from "./suggest.js";

const RECORDS: Readonly<Record<string, HubRecord>> = { ...MODELS, ...SPARSE_MODELS, ...RERANK_MODELS };

/** Every registry id with files, in registry order (dense first). */
export const HUB_MODEL_IDS: readonly string[] = Object.keys(RECORDS);

/** Whether `id` names a registry model of any task. */
export function isHubModelId(id: string): boolean {
  return Object.hasOwn(RECORDS, id);
}

/** The hub facts of a registry model of any task; `unknown_model` with close matches otherwise. */
export function getHubRecord(id: string): HubRecord {
  const record = isHubModelId(id) ? RECORDS[id] : undefined;
  if (record !== undefined) return record;
  const close = closeIds(id, HUB_MODEL_IDS);
  throw new EmbedkitError(
    ERROR_CODES.UNKNOWN_MODEL,
    `model "${id}" is not in the registry${close.length ? ` (did you mean ${close.map((c) => `"${c}"`).join(", ")}?)` : ""}; ` +
      "run `embedkit models list` for the supported models",
    { model: id, suggestions: close },
  );
}
