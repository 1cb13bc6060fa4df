/**
 * L5: what `embedkit index info postgres://...` reports of a sink table, read with plain
 * catalogue queries and nothing created: the settings row (model, dimension), row and document
 * counts, the HNSW index over `embedding` (from pg_index / pg_am, with its reloptions) and the
 * table's size on disk (`pg_total_relation_size`: heap, TOAST and every index).
 */
import type { SqlRunner } from "./pg-session.js";
import { readSinkSettings, type TableName } from "./sink-schema.js";

/** The HNSW index over a sink table's vectors. */
export interface PgHnswInfo {
  /** The index's name. */
  readonly name: string;
  /** Links per node (`m`), as built; pgvector's default 16 when the index was built without it. */
  readonly m: number;
  /** Candidate list size while building (`ef_construction`); pgvector's default 64 when not given. */
  readonly efConstruction: number;
}

/** What {@link PgVectorSink.tableInfo} reports of a sink table. */
export interface PgTableInfo {
  /** The table's name. */
  readonly table: string;
  /** The model id the table's vectors come from (its settings row). */
  readonly model: string;
  /** The vectors' dimension (its settings row). */
  readonly dimension: number;
  /** Distinct documents (records) stored. */
  readonly records: number;
  /** Rows (chunks) stored. */
  readonly chunks: number;
  /** The cosine HNSW index, or null when the table has none (searches scan every row, exactly). */
  readonly hnsw: PgHnswInfo | null;
  /** `pg_total_relation_size` of the table: its heap, TOAST and indexes, in bytes. */
  readonly bytesOnDisk: number;
}

/** The table's info, or undefined when the database holds no sink table of that name. */
export async function readTableInfo(db: SqlRunner, table: TableName): Promise<PgTableInfo | undefined> {
  const settings = await readSinkSettings(db, table);
  if (settings === undefined) return undefined;
  const [counts] = await db.query<{ rows: number; documents: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT doc_id)::int AS documents FROM ${table.sql}`,
  );
  const [size] = await db.query<{ bytes: string }>("SELECT pg_total_relation_size($1::regclass)::text AS bytes", [
    table.sql,
  ]);
  const [hnsw] = await db.query<{ name: string; options: string[] | null }>(
    `SELECT c.relname AS name, c.reloptions AS options
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
      WHERE i.indrelid = $1::regclass AND a.amname = 'hnsw'
      ORDER BY c.relname LIMIT 1`,
    [table.sql],
  );
  return {
    table: table.name,
    model: settings.model,
    dimension: settings.dimension,
    records: counts?.documents ?? 0,
    chunks: counts?.rows ?? 0,
    hnsw: hnsw === undefined ? null : hnswInfo(hnsw.name, hnsw.options ?? []),
    bytesOnDisk: Number(size?.bytes ?? 0),
  };
}

/** pgvector's build options from `reloptions` (`{m=16,ef_construction=64}`), defaults where unset. */
function hnswInfo(name: string, options: readonly string[]): PgHnswInfo {
  const get = (key: string, fallback: number): number => {
    const found = options.find((o) => o.startsWith(`${key}=`));
    return found === undefined ? fallback : Number(found.slice(key.length + 1));
  };
  return { name, m: get("m", 16), efConstruction: get("ef_construction", 64) };
}
