/**
 * L5: what VectorIndex.open and search check before they touch anything: an existing index's
 * settings against the options given (model, dimension, chunking, sparse side), and the option
 * values themselves; each failure a typed error naming the field, the stored and the given value.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { checkIndexModel, sameChunking, type IndexChunking, type IndexSettings } from "./index-settings.js";
import type { MetadataType, MetadataValue } from "./store/chunk-store.js";
import { DEFAULT_READ_CONSISTENCY_INTERVAL } from "./vector-index-options.js";

/** `value` as a boolean, else `invalid_option` naming `field`. */
export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be true or false, got ${describeValue(value)}`, {
      field,
      value: typeof value === "object" ? describeValue(value) : value,
    });
  }
  return value;
}

/** readConsistencyInterval as LanceDB takes it: seconds, or undefined for never (`null`); default 0. */
export function parseInterval(value: unknown): number | undefined {
  if (value === undefined) return DEFAULT_READ_CONSISTENCY_INTERVAL;
  if (value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 86_400) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `readConsistencyInterval must be a number of seconds from 0 to 86400, or null, got ${describeValue(value)}`,
      {
        field: "readConsistencyInterval",
        value: typeof value === "number" ? value : describeValue(value),
        min: 0,
        max: 86_400,
      },
    );
  }
  return value;
}

/** The metadata type a value gives its field. */
export function typeOfValue(v: MetadataValue): MetadataType {
  return typeof v === "string" ? "string" : typeof v === "number" ? "number" : "boolean";
}

/** `index_dimension_mismatch`: the index at `dir` stores `stored`-dimensional vectors, `given` was asked for. */
export function dimensionMismatch(dir: string, stored: number, given: number): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INDEX_DIMENSION_MISMATCH,
    `vector index at "${dir}" stores ${stored}-dimensional vectors; dimensions ${given} was asked for`,
    { path: dir, field: "dimensions", stored, given },
  );
}

/** An existing index's settings against the model, dimensions and chunking given (each undefined: not given). */
export function checkAgainst(
  dir: string,
  stored: IndexSettings,
  model: string | undefined,
  dimensions: number | undefined,
  chunking: IndexChunking | undefined,
): void {
  checkIndexModel(dir, stored, model);
  if (dimensions !== undefined && dimensions !== stored.dimension)
    throw dimensionMismatch(dir, stored.dimension, dimensions);
  if (chunking !== undefined && !sameChunking(chunking, stored.chunking)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `chunking ${JSON.stringify(chunking)} differs from the index's ${JSON.stringify(stored.chunking)} ("${dir}"); chunking is fixed when an index is created`,
      { path: dir, field: "chunking", stored: stored.chunking, given: chunking },
    );
  }
}

/** An existing index's sparse side against the one given. */
export function checkSparse(dir: string, stored: IndexSettings, sparse: string): void {
  if (sparse !== stored.sparse) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `sparse "${sparse}" differs from the index's "${stored.sparse}" ("${dir}"); the sparse side is fixed when an index is created`,
      { path: dir, field: "sparse", stored: stored.sparse, given: sparse },
    );
  }
}
