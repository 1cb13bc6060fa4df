/**
 * L5: the Chroma collection a sink writes to: its name checked against Chroma's rule, created on
 * first open in cosine space with the model id and dimension in its metadata, and compared on
 * every later open, so a collection written by one model is never searched or extended with
 * another model's vectors (the same contract as the Postgres sink's settings table).
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../../errors.js";
import type { SinkSettings } from "../document-sink.js";
import type { ChromaHttp, Json } from "./chroma-http.js";

/** Chroma's rule for collection names (3..512 characters). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9]$/;
export const MAX_COLLECTION_NAME = 512;

/** Collection metadata keys the sink owns. */
export const MODEL_KEY = "embedkit:model";
export const DIMENSION_KEY = "embedkit:dimension";

/** Where collections live on the server: Chroma's tenant and database. */
export interface ChromaNamespace {
  readonly tenant: string;
  readonly database: string;
}

/** A collection as the sink uses it: its id (requests name it) and name (messages do). */
export interface OpenedCollection {
  readonly id: string;
  readonly name: string;
}

/** The collection name, checked against Chroma's rule before anything is sent. */
export function parseCollectionName(value: unknown): string {
  if (
    typeof value !== "string" ||
    value.length < 3 ||
    value.length > MAX_COLLECTION_NAME ||
    !NAME.test(value) ||
    value.includes("..")
  ) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `collection must be 3..${MAX_COLLECTION_NAME} characters of [a-zA-Z0-9._-], starting and ending with a letter or digit, without ".."; got ${describeValue(value)}`,
      {
        field: "collection",
        limit: MAX_COLLECTION_NAME,
        value: typeof value === "string" ? value : describeValue(value),
      },
    );
  }
  return value;
}

const collectionsPath = (ns: ChromaNamespace) =>
  `/tenants/${encodeURIComponent(ns.tenant)}/databases/${encodeURIComponent(ns.database)}/collections`;

type JsonObject = { [key: string]: Json };
const asObject = (v: Json | undefined): JsonObject =>
  v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v) ? v : {};

function settingsOf(metadata: JsonObject): SinkSettings | undefined {
  const model = metadata[MODEL_KEY];
  const dimension = metadata[DIMENSION_KEY];
  return typeof model === "string" && typeof dimension === "number" ? { model, dimension } : undefined;
}

/** The settings of an existing collection; undefined when there is no such collection (nothing is created). */
export async function readSinkSettings(
  http: ChromaHttp,
  ns: ChromaNamespace,
  name: string,
): Promise<SinkSettings | undefined> {
  const r = await http.request({
    method: "GET",
    path: `${collectionsPath(ns)}/${encodeURIComponent(name)}`,
    what: `reading collection ${name}`,
    accept: [404],
  });
  if (r.status === 404) return undefined;
  return settingsOf(asObject(asObject(r.body)["metadata"]));
}

function mismatch(name: string, field: "model" | "dimension", stored: SinkSettings, given: SinkSettings) {
  return new EmbedkitError(
    ERROR_CODES.SINK_SETTINGS_MISMATCH,
    `collection ${name} holds vectors of ${stored.model} (dimension ${stored.dimension}); it was opened with ${field} ${String(given[field])}; use another collection or the same ${field}`,
    { field, collection: name, stored: stored[field], given: given[field] },
  );
}

/**
 * Creates the collection (cosine space, the settings in its metadata) or gets it if it exists
 * (`get_or_create`, so two processes opening it at once agree), then compares its settings: a
 * collection of another model or dimension, or one the sink did not create (no settings, or not
 * cosine), is `sink_settings_mismatch` and is left as it is.
 */
export async function ensureCollection(
  http: ChromaHttp,
  ns: ChromaNamespace,
  name: string,
  given: SinkSettings,
): Promise<OpenedCollection> {
  const r = await http.request({
    method: "POST",
    path: collectionsPath(ns),
    body: {
      name,
      metadata: { "hnsw:space": "cosine", [MODEL_KEY]: given.model, [DIMENSION_KEY]: given.dimension },
      get_or_create: true,
    },
    what: `creating or getting collection ${name}`,
  });
  const body = asObject(r.body);
  const id = body["id"];
  if (typeof id !== "string") {
    throw new EmbedkitError(
      ERROR_CODES.DATABASE_ERROR,
      `the Chroma server at ${http.server.host}:${http.server.port} answered creating collection ${name} without a collection id`,
      { host: http.server.host, port: http.server.port },
    );
  }
  const metadata = asObject(body["metadata"]);
  const stored = settingsOf(metadata);
  const space = asObject(asObject(body["configuration_json"])["hnsw"])["space"] ?? metadata["hnsw:space"];
  if (!stored || space !== "cosine") {
    throw new EmbedkitError(
      ERROR_CODES.SINK_SETTINGS_MISMATCH,
      `collection ${name} exists but was not created by this sink (${stored ? `its space is ${String(space)}, not cosine` : `no ${MODEL_KEY} and ${DIMENSION_KEY} in its metadata`}); use another collection`,
      {
        field: stored ? "space" : "model",
        collection: name,
        stored: stored ? String(space) : null,
        given: stored ? "cosine" : given.model,
      },
    );
  }
  if (stored.model !== given.model) throw mismatch(name, "model", stored, given);
  if (stored.dimension !== given.dimension) throw mismatch(name, "dimension", stored, given);
  return { id, name };
}
