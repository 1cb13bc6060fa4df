/**
 * L5: the checks every database sink makes before anything is sent: options in range, ids
 * present, vectors of the sink's dimension with finite numbers, and metadata equality filters
 * as a flat object of scalars. Each failure is a typed EmbedkitError naming the field.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";

/** Metadata equality filter: every key must equal the given scalar. */
export type MetadataFilter = Readonly<Record<string, string | number | boolean | null>>;

/** An `invalid_option` naming `field`, what it must be and the value given. */
export function invalidOption(field: string, expected: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be ${expected}; got ${describeValue(value)}`, {
    field,
    value: describeValue(value),
  });
}

/** An `invalid_input` naming `field`, what it must be and the value given. */
export function invalidInput(field: string, expected: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${field} must be ${expected}; got ${describeValue(value)}`, {
    field,
    value: describeValue(value),
  });
}

/** An integer option in 1..max, else `invalid_option` naming it and the limit. */
export function positiveInt(field: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must be an integer in 1..${max}; got ${describeValue(value)}`,
      { field, limit: max, value: describeValue(value) },
    );
  }
  return value;
}

/** A non-empty string id, else `invalid_input` naming it. */
export function checkId(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) throw invalidInput(field, "a non-empty string", value);
  return value;
}

/** The vector's numbers, checked: a Float32Array (or array) of exactly `dimension` finite numbers. */
export function checkVector(vector: unknown, dimension: number, field: string): ArrayLike<number> {
  if (!(vector instanceof Float32Array) && !Array.isArray(vector)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_INPUT,
      `${field} must be a Float32Array of ${dimension} numbers; got ${describeValue(vector)}`,
      { field, dimension, value: describeValue(vector) },
    );
  }
  const v = vector as ArrayLike<unknown>;
  if (v.length !== dimension) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_INPUT,
      `${field} has ${v.length} numbers; the sink holds vectors of dimension ${dimension}`,
      { field, dimension, given: v.length },
    );
  }
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${field}[${i}] must be a finite number; got ${describeValue(x)}`,
        { field: `${field}[${i}]`, value: describeValue(x) },
      );
    }
  }
  return v as ArrayLike<number>;
}

/** A row's fields other than ids and vector, checked: offsets (null when absent), text, metadata object. */
export function checkRowFields(
  r: {
    readonly chunkIndex: unknown;
    readonly text: unknown;
    readonly start?: unknown;
    readonly end?: unknown;
    readonly metadata?: unknown;
  },
  field: string,
): { start: number | null; end: number | null; text: string; metadata: Readonly<Record<string, unknown>> } {
  const offset = (name: "start" | "end"): number | null => {
    const v = r[name];
    if (v === undefined) return null;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw invalidInput(`${field}.${name}`, "an integer >= 0", v);
    }
    return v;
  };
  if (typeof r.chunkIndex !== "number" || !Number.isInteger(r.chunkIndex) || r.chunkIndex < 0) {
    throw invalidInput(`${field}.chunkIndex`, "an integer >= 0", r.chunkIndex);
  }
  if (typeof r.text !== "string") throw invalidInput(`${field}.text`, "a string", r.text);
  const metadata = r.metadata ?? {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw invalidInput(`${field}.metadata`, "a JSON object", metadata);
  }
  return { start: offset("start"), end: offset("end"), text: r.text, metadata: metadata as Record<string, unknown> };
}

/** A filter checked to be a flat object of scalars (nested objects or arrays are refused). */
export function parseFilter(filter: unknown): MetadataFilter {
  if (filter === undefined) return {};
  if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `filter must be an object of metadata field -> value; got ${describeValue(filter)}`,
      { field: "filter", value: describeValue(filter) },
    );
  }
  for (const [key, value] of Object.entries(filter)) {
    const ok =
      value === null ||
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value));
    if (key.length === 0 || !ok) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `filter.${key} must be a string, finite number, boolean or null (equality on a metadata field); got ${describeValue(value)}`,
        { field: `filter.${key}`, value: describeValue(value) },
      );
    }
  }
  return filter as MetadataFilter;
}
