/**
 * L5: a search filter as callers write it (`{ lang: "en", year: { $in: [2024, 2025] } }`),
 * checked against the metadata fields the index holds and turned into store conditions. Values
 * never become SQL here; the store quotes them.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import type { MetadataType, MetadataValue, StoreCondition } from "./store/chunk-store.js";
import { metadataTypeOf } from "./index-record.js";

/** Most values one `$in` may list. */
export const MAX_IN_VALUES = 1000;

/** Equality on a field, or membership in a list of values. */
export type FilterValue =
  | MetadataValue
  | {
      /** The field equals one of these values. */
      readonly $in: readonly MetadataValue[];
    };

/** Metadata conditions, all of which a hit satisfies. */
export type MetadataFilter = Readonly<Record<string, FilterValue>>;

function bad(field: string, message: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} ${message}, got ${describeValue(value)}`, {
    field,
    value: typeof value === "object" && value !== null ? describeValue(value) : value,
  });
}

function checkValue(field: string, v: unknown, type: MetadataType): MetadataValue {
  const ok = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
  if (!ok || metadataTypeOf(v as MetadataValue) !== type) {
    throw bad(field, `must be a ${type} (the field's type in this index)`, v);
  }
  return v as MetadataValue;
}

/** The store conditions of `filter`, or a typed error naming the field that is unknown or wrong. */
export function parseFilter(filter: unknown, fields: ReadonlyMap<string, MetadataType>): StoreCondition[] {
  if (filter === undefined) return [];
  if (filter === null || typeof filter !== "object" || Array.isArray(filter)) {
    throw bad("filter", 'must be an object like { lang: "en" }', filter);
  }
  const out: StoreCondition[] = [];
  for (const [name, v] of Object.entries(filter as Record<string, unknown>)) {
    const type = fields.get(name);
    if (type === undefined) {
      const known = [...fields.keys()];
      throw new EmbedkitError(
        ERROR_CODES.UNKNOWN_FILTER_FIELD,
        `filter.${name}: the index has no metadata field "${name}" (it has ${known.length ? known.map((k) => `"${k}"`).join(", ") : "none"})`,
        { field: `filter.${name}`, name, known },
      );
    }
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const list = (v as { $in?: unknown }).$in;
      if (keys.length !== 1 || keys[0] !== "$in" || !Array.isArray(list)) {
        throw bad(`filter.${name}`, "must be a value or { $in: [values] }", v);
      }
      if (list.length === 0 || list.length > MAX_IN_VALUES) {
        throw bad(`filter.${name}.$in`, `must list 1 to ${MAX_IN_VALUES} values`, list);
      }
      out.push({ field: name, values: list.map((x: unknown, i) => checkValue(`filter.${name}.$in[${i}]`, x, type)) });
      continue;
    }
    out.push({ field: name, values: [checkValue(`filter.${name}`, v, type)] });
  }
  return out;
}
