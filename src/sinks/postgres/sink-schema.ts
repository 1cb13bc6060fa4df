/**
 * L5: the SQL of the Postgres sink's schema, standard Postgres plus pgvector (nothing PGlite
 * specific): the table name validated and quoted, the pgvector extension checked, the table and
 * the settings row created on first open and compared on every later open.
 *
 * The settings live in one table `embedkit_sinks` (one row per sink table: model id, dimension),
 * so a table written by one model is never searched or extended with another model's vectors.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../../errors.js";
import type { SinkSettings } from "../document-sink.js";
import type { SqlRunner, SqlSession } from "./pg-session.js";

export type { SinkSettings } from "../document-sink.js";

/** Longest table name: 63 is Postgres' limit, less room for the index names derived from it. */
export const MAX_TABLE_NAME = 40;
const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;
export const SETTINGS_TABLE = "embedkit_sinks";

/** A table name we made sure is a plain lower-case identifier, double-quoted for SQL. */
export interface TableName {
  readonly name: string;
  readonly sql: string;
}

export function parseTableName(value: unknown): TableName {
  if (
    typeof value !== "string" ||
    !TABLE_NAME.test(value) ||
    value.length > MAX_TABLE_NAME ||
    value === SETTINGS_TABLE
  ) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `table must be a lower-case identifier ([a-z_][a-z0-9_]*, at most ${MAX_TABLE_NAME} characters, not ${SETTINGS_TABLE}); got ${describeValue(value)}`,
      { field: "table", limit: MAX_TABLE_NAME, value: typeof value === "string" ? value : describeValue(value) },
    );
  }
  return { name: value, sql: `"${value}"` };
}

/** Makes sure pgvector is installed in the database: installs it if allowed, else a typed error. */
export async function ensureVectorExtension(db: SqlSession): Promise<string> {
  const has = async () =>
    (await db.query<{ extversion: string }>("SELECT extversion FROM pg_extension WHERE extname = 'vector'"))[0];
  const found = await has();
  if (found) return found.extversion;
  try {
    await db.query("CREATE EXTENSION IF NOT EXISTS vector");
  } catch (cause) {
    const server =
      cause instanceof EmbedkitError ? String(cause.details["serverMessage"] ?? cause.message) : String(cause);
    throw new EmbedkitError(
      ERROR_CODES.VECTOR_EXTENSION_MISSING,
      `the database at ${db.target.host}:${db.target.port} has no pgvector extension and CREATE EXTENSION vector failed: ${server}; install pgvector on the server and run CREATE EXTENSION vector as a user allowed to`,
      { host: db.target.host, port: db.target.port, serverMessage: server },
      { cause },
    );
  }
  return (await has())?.extversion ?? "unknown";
}

/**
 * The model and dimension the sink table was created with, or undefined when the database holds
 * no such sink table yet; reads only (nothing is created).
 */
export async function readSinkSettings(db: SqlRunner, table: TableName): Promise<SinkSettings | undefined> {
  const [found] = await db.query<{ t: string | null }>("SELECT to_regclass($1)::text AS t", [SETTINGS_TABLE]);
  if (!found?.t) return undefined;
  const rows = await db.query<{ model: string; dimension: number }>(
    `SELECT model, dimension FROM ${SETTINGS_TABLE} WHERE table_name = $1`,
    [table.name],
  );
  const row = rows[0];
  return row ? { model: row.model, dimension: row.dimension } : undefined;
}

function mismatch(table: TableName, field: "model" | "dimension", stored: SinkSettings, given: SinkSettings) {
  return new EmbedkitError(
    ERROR_CODES.SINK_SETTINGS_MISMATCH,
    `table ${table.name} holds vectors of ${stored.model} (dimension ${stored.dimension}); it was opened with ${field} ${String(given[field])}; use another table or the same ${field}`,
    { field, table: table.name, stored: stored[field], given: given[field] },
  );
}

/**
 * Creates the settings table, and the sink table with its settings row on first use (in one
 * transaction: a table without settings is never left behind); on later opens compares them.
 */
export async function ensureSinkTable(db: SqlSession, table: TableName, given: SinkSettings): Promise<void> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${SETTINGS_TABLE} (table_name text PRIMARY KEY, model text NOT NULL, dimension integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  const compare = async (q: SqlRunner): Promise<boolean> => {
    const rows = await q.query<{ model: string; dimension: number }>(
      `SELECT model, dimension FROM ${SETTINGS_TABLE} WHERE table_name = $1`,
      [table.name],
    );
    const stored = rows[0];
    if (!stored) return false;
    if (stored.model !== given.model) throw mismatch(table, "model", stored, given);
    if (stored.dimension !== given.dimension) throw mismatch(table, "dimension", stored, given);
    return true;
  };
  try {
    await db.transaction(async (tx) => {
      if (await compare(tx)) return;
      await createSinkTable(tx, table, given);
    });
  } catch (e) {
    // Another process created the same table at the same moment: its settings decide.
    const raced = e instanceof EmbedkitError && ["42P07", "23505"].includes(String(e.details["sqlstate"]));
    if (!raced || !(await compare(db))) throw e;
  }
}

async function createSinkTable(tx: SqlRunner, table: TableName, given: SinkSettings): Promise<void> {
  await createTable(tx, table, given.dimension);
  await tx.query(`INSERT INTO ${SETTINGS_TABLE} (table_name, model, dimension) VALUES ($1, $2, $3)`, [
    table.name,
    given.model,
    given.dimension,
  ]);
}

/** Plain CREATE TABLE (no IF NOT EXISTS): a table of that name that is not ours is a database_error, not adopted. */
async function createTable(tx: SqlRunner, table: TableName, dimension: number): Promise<void> {
  await tx.query(
    `CREATE TABLE ${table.sql} (
      id text PRIMARY KEY,
      doc_id text NOT NULL,
      chunk_index integer NOT NULL,
      text text NOT NULL,
      start_offset integer,
      end_offset integer,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      content_hash text NOT NULL,
      embedding vector(${dimension}) NOT NULL
    )`,
  );
  await tx.query(`CREATE INDEX "${table.name}_doc_id_idx" ON ${table.sql} (doc_id)`);
}

/** HNSW index options (pgvector's defaults: m 16, ef_construction 64). */
export interface HnswOptions {
  /** Links per node, 2..100. */
  readonly m?: number;
  /** Candidate list size while building, at least 2 * m, at most 1000. */
  readonly efConstruction?: number;
}

function intOption(field: string, value: number | undefined, min: number, max: number, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must be an integer in ${min}..${max}; got ${describeValue(v)}`,
      { field, min, max, value: v },
    );
  }
  return v;
}

/** The statement building the cosine HNSW index; its integers are checked, so they may be inlined. */
export function hnswIndexSql(table: TableName, options: HnswOptions = {}): string {
  const m = intOption("hnsw.m", options.m, 2, 100, 16);
  const ef = intOption("hnsw.efConstruction", options.efConstruction, 2 * m, 1000, Math.max(64, 2 * m));
  return `CREATE INDEX IF NOT EXISTS "${table.name}_embedding_hnsw" ON ${table.sql} USING hnsw (embedding vector_cosine_ops) WITH (m = ${m}, ef_construction = ${ef})`;
}
