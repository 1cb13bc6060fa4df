/**
 * L1: the sparse model table (SPLADE-style encoders with model files). `SparseModelId` is
 * derived from its keys. The model-free "bm25" is not here: it has no files, and
 * sparse/sparse-backend.ts resolves it before this table is asked.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { SPARSE_CATALOG } from "./catalog/sparse.js";
import type { SparseModelSpec } from "./spec.js";

/** All registered sparse encoders (./catalog/sparse.ts), in the order `embedkit models list` shows them. */
export const SPARSE_MODELS = { ...SPARSE_CATALOG } as const satisfies Record<string, SparseModelSpec>;

/** The id of a registered sparse encoder, e.g. `"prithivida/Splade_PP_en_v1"`. */
export type SparseModelId = keyof typeof SPARSE_MODELS;

/** Every sparse encoder id, in table order. */
export const SPARSE_ENCODER_IDS = Object.keys(SPARSE_MODELS) as SparseModelId[];

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
