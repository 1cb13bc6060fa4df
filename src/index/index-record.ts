/**
 * L5: what a record given to VectorIndex.add must be, checked once on the way in, and its content
 * hash (what tells an unchanged record from a changed one on a re-run).
 */
import { createHash } from "node:crypto";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { assertTextInput } from "../text-input.js";
import { isMetadataFieldName } from "./store/lance-store.js";
import type { MetadataType, MetadataValue } from "./store/chunk-store.js";

/** Longest record id accepted, in UTF-16 code units. */
export const MAX_ID_LENGTH = 512;

/** A record to index: its id (unique in the index), its text, and optional scalar metadata. */
export interface IndexRecord {
  /** A string, or a safe integer (stored as its decimal string). */
  readonly id: string | number;
  /** The text to chunk and embed; not empty. */
  readonly text: string;
  /** Scalar fields (string, finite number, boolean) searches can filter on. */
  readonly metadata?: Readonly<Record<string, MetadataValue>>;
}

/** A record once checked: id as a string, metadata present. */
export interface CheckedRecord {
  readonly id: string;
  readonly text: string;
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  readonly hash: string;
}

function invalid(field: string, message: string, value: unknown, extra: Record<string, unknown> = {}): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${field} ${message}, got ${describeValue(value)}`, {
    field,
    ...extra,
  });
}

export function metadataTypeOf(v: MetadataValue): MetadataType {
  return typeof v === "string" ? "string" : typeof v === "number" ? "number" : "boolean";
}

/**
 * Checks `value` as the record `field` (e.g. "records[3]"), and that its metadata types agree
 * with `fields` (the types the index already has, plus those earlier records of the batch set).
 */
export function checkRecord(value: unknown, field: string, fields: ReadonlyMap<string, MetadataType>): CheckedRecord {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid(field, "must be an object { id, text, metadata? }", value);
  }
  const r = value as Record<string, unknown>;
  const id = r["id"];
  let idText: string;
  if (typeof id === "string") {
    if (id.length === 0 || id.length > MAX_ID_LENGTH) {
      throw invalid(`${field}.id`, `must be 1 to ${MAX_ID_LENGTH} characters`, id, { limit: MAX_ID_LENGTH });
    }
    assertTextInput(id, `${field}.id`);
    idText = id;
  } else if (typeof id === "number" && Number.isSafeInteger(id)) {
    idText = String(id);
  } else {
    throw invalid(`${field}.id`, "must be a string or an integer (every record needs an id)", id);
  }
  const text = r["text"];
  assertTextInput(text, `${field}.text`);
  if (text.trim() === "") throw invalid(`${field}.text`, "must not be empty or only whitespace", text);
  const metadata: Record<string, MetadataValue> = {};
  const m = r["metadata"];
  if (m !== undefined) {
    if (m === null || typeof m !== "object" || Array.isArray(m)) {
      throw invalid(`${field}.metadata`, "must be an object of string, number or boolean fields", m);
    }
    for (const key of Object.keys(m).sort()) {
      const v = (m as Record<string, unknown>)[key];
      const f = `${field}.metadata.${key}`;
      if (!isMetadataFieldName(key)) {
        throw invalid(`${field}.metadata`, `field names must match ${"/^[A-Za-z_][A-Za-z0-9_]{0,63}$/"}`, key);
      }
      if (v === null || v === undefined) continue; // absent
      if (typeof v !== "string" && typeof v !== "boolean" && !(typeof v === "number" && Number.isFinite(v))) {
        throw invalid(f, "must be a string, a finite number or a boolean", v);
      }
      if (typeof v === "string") assertTextInput(v, f);
      const known = fields.get(key);
      if (known !== undefined && known !== metadataTypeOf(v)) {
        throw invalid(f, `must be a ${known} (the index holds "${key}" as ${known})`, v, { expected: known });
      }
      metadata[key] = v;
    }
  }
  return { id: idText, text, metadata, hash: contentHash(text, metadata) };
}

/** sha256 of the text and the metadata (keys sorted): equal for a record that did not change. */
export function contentHash(text: string, metadata: Readonly<Record<string, MetadataValue>>): string {
  const sorted = Object.keys(metadata)
    .sort()
    .map((k) => [k, metadata[k]]);
  return createHash("sha256")
    .update(JSON.stringify([text, sorted]))
    .digest("hex");
}
