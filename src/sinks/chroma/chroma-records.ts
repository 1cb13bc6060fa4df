/**
 * L5: rows as Chroma records and back. A row's own fields (document id, chunk index, offsets,
 * content hash, the document's row count) travel in reserved `embedkit:` metadata keys next to
 * the row's metadata, which Chroma keeps flat: strings, finite numbers and booleans only. A
 * metadata equality filter becomes a Chroma `where` (`$and` of equalities).
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../../errors.js";
import type { SinkHit, SinkRow } from "../document-sink.js";
import { checkId, checkRowFields, checkVector, invalidInput, parseFilter } from "../sink-checks.js";
import type { Json } from "./chroma-http.js";

/** Reserved metadata keys of a record (user metadata may not use the prefix). */
export const RESERVED_PREFIX = "embedkit:";
export const DOC_KEY = "embedkit:doc_id";
const CHUNK_KEY = "embedkit:chunk";
const START_KEY = "embedkit:start";
const END_KEY = "embedkit:end";
export const HASH_KEY = "embedkit:hash";
/** How many rows the document has: a document with fewer stored is incomplete and is written again. */
export const ROWS_KEY = "embedkit:rows";

type Scalar = string | number | boolean;

/** A record as Chroma's add/upsert takes it (one element of each parallel array). */
export interface ChromaRecord {
  readonly id: string;
  readonly embedding: number[];
  readonly document: string;
  readonly metadata: Record<string, Scalar>;
}

/** The checked Chroma record of a row (`rows` = how many rows its document has). */
export function toRecord(r: SinkRow, field: string, dimension: number, rows: number): ChromaRecord {
  const { start, end, text, metadata: meta } = checkRowFields(r, field);
  const metadata: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (key.startsWith(RESERVED_PREFIX) || key.startsWith("#") || key.length === 0) {
      throw invalidInput(
        `${field}.metadata.${key}`,
        `a key not empty and not starting with "${RESERVED_PREFIX}" or "#"`,
        key,
      );
    }
    const ok =
      typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
    if (!ok) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${field}.metadata.${key} must be a string, finite number or boolean (Chroma keeps metadata flat; no null, object or array); got ${describeValue(value)}`,
        { field: `${field}.metadata.${key}`, value: describeValue(value) },
      );
    }
    metadata[key] = value;
  }
  metadata[DOC_KEY] = checkId(`${field}.docId`, r.docId);
  metadata[CHUNK_KEY] = r.chunkIndex;
  if (start !== null) metadata[START_KEY] = start;
  if (end !== null) metadata[END_KEY] = end;
  metadata[HASH_KEY] = r.contentHash ?? "";
  metadata[ROWS_KEY] = rows;
  return {
    id: checkId(`${field}.id`, r.id),
    embedding: Array.from(checkVector(r.embedding, dimension, `${field}.embedding`)),
    document: text,
    metadata,
  };
}

/** The body of an add/upsert of these records. */
export function recordsBody(records: readonly ChromaRecord[]): Record<string, unknown> {
  return {
    ids: records.map((r) => r.id),
    embeddings: records.map((r) => r.embedding),
    documents: records.map((r) => r.document),
    metadatas: records.map((r) => r.metadata),
  };
}

/** A hit from one result of a query (`distance` is Chroma's cosine distance). */
export function toHit(id: string, document: Json, metadata: Json, distance: number): SinkHit {
  const m = metadata !== null && typeof metadata === "object" && !Array.isArray(metadata) ? metadata : {};
  const user: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) if (!k.startsWith(RESERVED_PREFIX)) user[k] = v;
  const num = (k: string): number | null => (typeof m[k] === "number" ? m[k] : null);
  return {
    id,
    docId: typeof m[DOC_KEY] === "string" ? m[DOC_KEY] : id,
    chunkIndex: num(CHUNK_KEY) ?? 0,
    text: typeof document === "string" ? document : "",
    start: num(START_KEY),
    end: num(END_KEY),
    metadata: user,
    score: 1 - distance,
  };
}

/**
 * The Chroma `where` of a metadata equality filter (undefined for none). Chroma cannot match a
 * null (it stores none), and the sink's own keys are not user metadata: both are refused.
 */
export function whereOf(filter: unknown): Record<string, unknown> | undefined {
  const f = parseFilter(filter);
  const terms = Object.entries(f).map(([key, value]) => {
    if (value === null || key.startsWith(RESERVED_PREFIX) || key.startsWith("#") || key.startsWith("$")) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `filter.${key} must be a string, finite number or boolean on a user metadata key (Chroma stores no null; keys starting with "${RESERVED_PREFIX}", "#" or "$" are not metadata); got ${describeValue(value)}`,
        { field: `filter.${key}`, value: describeValue(value) },
      );
    }
    return { [key]: { $eq: value } };
  });
  if (terms.length === 0) return undefined;
  return terms.length === 1 ? terms[0] : { $and: terms };
}
