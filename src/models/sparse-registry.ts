/**
 * L1: lookups of the registry's sparse models (src/models/registry.ts): SPLADE-style encoders
 * with model files (`kind: "splade"`) and the model-free BM25 (`kind: "bm25"`).
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { BM25_MODELS, SPARSE_MODELS, type SparseModelId } from "./registry.js";
import type { SparseModelSpec } from "./spec.js";

export { SPARSE_MODELS, BM25_MODELS, bm25ModelId } from "./registry.js";
export type { SparseModelId, Bm25ModelId } from "./registry.js";

/** Every sparse encoder id (SPLADE-style, with files), in table order. */
export const SPARSE_ENCODER_IDS = Object.keys(SPARSE_MODELS) as SparseModelId[];

/** Every sparse model id SparseTextEmbedding knows: BM25 and the registered SPLADE encoders. */
export const SPARSE_MODEL_IDS: readonly string[] = [...Object.keys(BM25_MODELS), ...SPARSE_ENCODER_IDS];

/** Whether `id` names a registered sparse encoder (exact spelling). */
export function isSparseEncoderId(id: string): id is SparseModelId {
  return Object.prototype.hasOwnProperty.call(SPARSE_MODELS, id);
}

/** The record of a registered sparse encoder; a typed `unknown_model` error otherwise. */
export function getSparseSpec(id: string): SparseModelSpec {
  if (isSparseEncoderId(id)) return SPARSE_MODELS[id];
  throw new EmbedkitError(
    ERROR_CODES.UNKNOWN_MODEL,
    `sparse model "${id}" is not in the registry; sparse encoders: ${SPARSE_ENCODER_IDS.join(", ")} (or "bm25", or a local folder)`,
    { field: "model", model: id, allowed: SPARSE_ENCODER_IDS },
  );
}
