/**
 * L5: values the Postgres sink sends as parameters, checked first: a vector as pgvector's text
 * form (`[x,y,...]`, each float32 printed so it parses back to the same float32), and a metadata
 * equality filter as a flat JSON object of scalars (sent as jsonb for `metadata @> $n`).
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../../errors.js";

/** Metadata equality filter: every key must equal the given scalar. */
export type MetadataFilter = Readonly<Record<string, string | number | boolean | null>>;

/** pgvector's text form of a vector of exactly `dimension` finite numbers. */
export function vectorLiteral(vector: unknown, dimension: number, field: string): string {
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
      `${field} has ${v.length} numbers; the sink's table holds vectors of dimension ${dimension}`,
      { field, dimension, given: v.length },
    );
  }
  const parts: string[] = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${field}[${i}] must be a finite number; got ${describeValue(x)}`,
        { field: `${field}[${i}]`, value: describeValue(x) },
      );
    }
    parts[i] = String(x);
  }
  return `[${parts.join(",")}]`;
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
