/**
 * L5: PgVectorSink, chunk vectors in a Postgres table with pgvector, over the real wire protocol
 * (node-postgres). The SQL is standard Postgres + pgvector, so a Postgres server with pgvector
 * takes it unchanged; the tests run it against PGlite's pgvector served on loopback.
 *
 * Writes are batched multi-row `INSERT ... ON CONFLICT (id) DO UPDATE`; replacing documents
 * deletes and re-inserts all their chunks in one transaction, so a killed ingest leaves whole
 * documents only. Every value travels as a parameter; only the validated table name and checked
 * integers are ever part of a statement's text.
 */
import { parseDatabaseUrl } from "./database-url.js";
import { openSqlSession, type SqlRunner, type SqlSession } from "./pg-session.js";
import {
  ensureSinkTable,
  ensureVectorExtension,
  hnswIndexSql,
  parseTableName,
  readSinkSettings,
  type HnswOptions,
  type SinkSettings,
  type TableName,
} from "./sink-schema.js";
import { vectorLiteral } from "./sink-values.js";
import { readTableInfo, type PgTableInfo } from "./table-info.js";
import type { DocumentSink, SinkDocument, SinkHit, SinkPlace, SinkRow } from "../document-sink.js";
import {
  checkId,
  checkRowFields,
  invalidInput,
  invalidOption,
  parseFilter,
  positiveInt,
  type MetadataFilter,
} from "../sink-checks.js";

export type { SinkDocument, SinkRow } from "../document-sink.js";

/** Options of {@link PgVectorSink.open}. */
export interface PgVectorSinkOptions {
  /** `postgres://user:password@host:port/database` (libpq's URL form; `?sslmode=` etc. are passed to node-postgres). */
  readonly url: string;
  /** Table of the chunks: a lower-case identifier; created on first open. */
  readonly table: string;
  /** Model id the vectors come from; stored with the table and checked on every open. */
  readonly model: string;
  /** Vector dimension; stored with the table and checked on every open. */
  readonly dimension: number;
  /** Give up connecting (and logging in) after this many milliseconds. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** Rows per multi-row INSERT. Default 500 (9 parameters a row, under Postgres' 65535). */
  readonly batchRows?: number;
}

/** Where {@link PgVectorSink.tableSettings} and {@link PgVectorSink.tableInfo} read: a table of a database. */
export interface PgTableOptions {
  /** As {@link PgVectorSinkOptions.url}. */
  readonly url: string;
  /** As {@link PgVectorSinkOptions.table}. */
  readonly table: string;
  /** As {@link PgVectorSinkOptions.connectTimeoutMs}. */
  readonly connectTimeoutMs?: number;
}

/** Options of {@link PgVectorSink.search}. */
export interface PgVectorSearchOptions {
  /** How many hits, 1..10000. Default 10. */
  readonly topK?: number;
  /** Metadata equality: every key must equal (jsonb containment, `metadata @> filter`). */
  readonly filter?: MetadataFilter;
  /** pgvector's `hnsw.ef_search` for this query (1..1000); default the server's (40). */
  readonly efSearch?: number;
}

/** A search hit of {@link PgVectorSink.search} (the shape every sink returns). */
export type PgVectorHit = SinkHit;

const COLUMNS = "id, doc_id, chunk_index, text, start_offset, end_offset, metadata, content_hash, embedding";
const PER_ROW = 9;

/**
 * Chunk vectors in Postgres with pgvector: `open()` it with a URL, a table, the model and its
 * dimension; upsert rows or replace whole documents; search by cosine similarity with metadata
 * filters; build an HNSW index; `close()` when done. Use {@link ingest} to embed records into it.
 */
export class PgVectorSink implements DocumentSink {
  /** The model id the table holds vectors of. */
  readonly model: string;
  /** The vector dimension of the table. */
  readonly dimension: number;
  /** The table name. */
  readonly table: string;
  /** pgvector's version on the server. */
  readonly vectorVersion: string;
  /** The table, as messages name it (`table docs`). */
  readonly place: SinkPlace;
  private readonly tableSql: string;
  private readonly batchRows: number;

  private constructor(
    private readonly db: SqlSession,
    table: TableName,
    settings: { model: string; dimension: number; batchRows: number; vectorVersion: string },
  ) {
    this.table = table.name;
    this.place = { kind: "table", name: table.name };
    this.tableSql = table.sql;
    this.model = settings.model;
    this.dimension = settings.dimension;
    this.batchRows = settings.batchRows;
    this.vectorVersion = settings.vectorVersion;
  }

  /**
   * Connects, makes sure pgvector is installed (`CREATE EXTENSION IF NOT EXISTS vector`), creates
   * the table on first use and checks its model and dimension on later ones.
   * @throws EmbedkitError `invalid_option` (bad url, table, dimension), `database_unreachable`,
   * `database_error`, `vector_extension_missing`, `sink_settings_mismatch`.
   */
  static async open(options: PgVectorSinkOptions): Promise<PgVectorSink> {
    const target = parseDatabaseUrl(options.url);
    const table = parseTableName(options.table);
    if (typeof options.model !== "string" || options.model.length === 0) {
      throw invalidOption("model", "a non-empty model id", options.model);
    }
    const dimension = positiveInt("dimension", options.dimension, 16000);
    const timeout = positiveInt("connectTimeoutMs", options.connectTimeoutMs ?? 10_000, 600_000);
    const batchRows = positiveInt("batchRows", options.batchRows ?? 500, Math.floor(65535 / PER_ROW));
    const db = await openSqlSession(options.url, target, timeout);
    try {
      const vectorVersion = await ensureVectorExtension(db);
      await ensureSinkTable(db, table, { model: options.model, dimension });
      return new PgVectorSink(db, table, { model: options.model, dimension, batchRows, vectorVersion });
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  /**
   * The model and dimension an existing sink table holds (undefined when the database has no
   * such sink table yet), read without creating anything: for callers that default to the
   * table's model (`embedkit search postgres://...`).
   * @throws EmbedkitError `invalid_option` (bad url or table), `database_unreachable`, `database_error`.
   */
  static async tableSettings(options: PgTableOptions): Promise<SinkSettings | undefined> {
    return PgVectorSink.readOnly(options, (db, table) => readSinkSettings(db, table));
  }

  /**
   * What a sink table holds (undefined when the database has no such sink table): its model and
   * dimension, record and chunk counts, HNSW index and size on disk, read without creating
   * anything and without the model (`embedkit index info postgres://...`).
   * @throws EmbedkitError `invalid_option` (bad url or table), `database_unreachable`, `database_error`.
   */
  static async tableInfo(options: PgTableOptions): Promise<PgTableInfo | undefined> {
    return PgVectorSink.readOnly(options, (db, table) => readTableInfo(db, table));
  }

  /** Connects without installing or creating anything, runs `read`, and closes. */
  private static async readOnly<T>(
    options: PgTableOptions,
    read: (db: SqlSession, table: TableName) => Promise<T>,
  ): Promise<T> {
    const target = parseDatabaseUrl(options.url);
    const table = parseTableName(options.table);
    const timeout = positiveInt("connectTimeoutMs", options.connectTimeoutMs ?? 10_000, 600_000);
    const db = await openSqlSession(options.url, target, timeout);
    try {
      return await read(db, table);
    } finally {
      await db.close();
    }
  }

  /** Inserts or updates rows by id, in one transaction. */
  async upsert(rows: readonly SinkRow[]): Promise<void> {
    const values = rows.map((r, i) => this.rowValues(r, `rows[${i}]`));
    await this.db.transaction((tx) => this.insertRows(tx, values));
  }

  /**
   * Replaces documents: all rows of each `docId` are deleted and the given rows inserted, all in
   * one transaction (a document is never left half-written).
   */
  async replaceDocuments(documents: readonly SinkDocument[]): Promise<void> {
    const values = documents.flatMap((d, i) =>
      d.rows.map((r, j) => {
        if (r.docId !== d.docId) {
          throw invalidInput(
            `documents[${i}].rows[${j}].docId`,
            `the document's id ${JSON.stringify(d.docId)}`,
            r.docId,
          );
        }
        return this.rowValues(r, `documents[${i}].rows[${j}]`);
      }),
    );
    const ids = documents.map((d, i) => checkId(`documents[${i}].docId`, d.docId));
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${this.tableSql} WHERE doc_id = ANY($1::text[])`, [ids]);
      await this.insertRows(tx, values);
    });
  }

  /** Deletes every row of the given documents; returns how many rows went. */
  async deleteDocuments(docIds: readonly string[]): Promise<number> {
    return (await this.deleteDocumentsCounted(docIds)).rows;
  }

  /**
   * Deletes every row of the given documents in one statement, and says how many rows went and
   * how many of the documents were there (`embedkit index rm postgres://...`).
   */
  async deleteDocumentsCounted(docIds: readonly string[]): Promise<{
    /** Rows (chunks) deleted. */
    rows: number;
    /** Distinct documents among `docIds` that had rows (the others were not in the table). */
    documents: number;
  }> {
    const ids = docIds.map((d, i) => checkId(`docIds[${i}]`, d));
    const rows = await this.db.query<{ doc_id: string }>(
      `DELETE FROM ${this.tableSql} WHERE doc_id = ANY($1::text[]) RETURNING doc_id`,
      [ids],
    );
    return { rows: rows.length, documents: new Set(rows.map((r) => r.doc_id)).size };
  }

  /** The stored content hash of each given document that is present. */
  async documentHashes(docIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.query<{ doc_id: string; content_hash: string }>(
      `SELECT DISTINCT doc_id, content_hash FROM ${this.tableSql} WHERE doc_id = ANY($1::text[])`,
      [docIds],
    );
    return new Map(rows.map((r) => [r.doc_id, r.content_hash]));
  }

  /** Row and document counts. */
  async count(): Promise<{
    /** Rows (chunks) in the table. */
    rows: number;
    /** Distinct documents. */
    documents: number;
  }> {
    const [r] = await this.db.query<{ rows: number; documents: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT doc_id)::int AS documents FROM ${this.tableSql}`,
    );
    return { rows: r?.rows ?? 0, documents: r?.documents ?? 0 };
  }

  /** Builds the cosine HNSW index (`USING hnsw (embedding vector_cosine_ops)`) if it is not there. */
  async createHnswIndex(options: HnswOptions = {}): Promise<void> {
    await this.db.query(hnswIndexSql({ name: this.table, sql: this.tableSql }, options));
  }

  /**
   * The `topK` rows nearest to `vector` by cosine distance, best first; with `filter`, only rows
   * whose metadata holds every key with an equal value. With an HNSW index the search is
   * approximate (pgvector filters after the index scan, so a selective filter may return fewer).
   */
  async search(vector: Float32Array, options: PgVectorSearchOptions = {}): Promise<PgVectorHit[]> {
    const query = vectorLiteral(vector, this.dimension, "vector");
    const topK = positiveInt("topK", options.topK ?? 10, 10_000);
    const filter = parseFilter(options.filter);
    const ef = options.efSearch === undefined ? undefined : positiveInt("efSearch", options.efSearch, 1000);
    const sql = `SELECT id, doc_id, chunk_index, text, start_offset, end_offset, metadata,
        1 - (embedding <=> $1::vector) AS score
      FROM ${this.tableSql} WHERE metadata @> $2::jsonb
      ORDER BY embedding <=> $1::vector LIMIT $3`;
    const params = [query, JSON.stringify(filter), topK];
    const rows = await this.db.transaction(async (tx) => {
      if (ef !== undefined) await tx.query(`SET LOCAL hnsw.ef_search = ${ef}`);
      return tx.query(sql, params);
    });
    return rows.map((r) => ({
      id: r["id"] as string,
      docId: r["doc_id"] as string,
      chunkIndex: r["chunk_index"] as number,
      text: r["text"] as string,
      start: r["start_offset"] as number | null,
      end: r["end_offset"] as number | null,
      metadata: r["metadata"] as Record<string, unknown>,
      score: Number(r["score"]),
    }));
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.db.close();
  }

  private rowValues(r: SinkRow, field: string): unknown[] {
    const { start, end, text, metadata } = checkRowFields(r, field);
    return [
      checkId(`${field}.id`, r.id),
      checkId(`${field}.docId`, r.docId),
      r.chunkIndex,
      text,
      start,
      end,
      JSON.stringify(metadata),
      r.contentHash ?? "",
      vectorLiteral(r.embedding, this.dimension, `${field}.embedding`),
    ];
  }

  private async insertRows(tx: SqlRunner, values: readonly unknown[][]): Promise<void> {
    for (let at = 0; at < values.length; at += this.batchRows) {
      const batch = values.slice(at, at + this.batchRows);
      const tuples = batch.map((_, i) => {
        const p = (k: number) => `$${i * PER_ROW + k}`;
        return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::jsonb, ${p(8)}, ${p(9)}::vector)`;
      });
      await tx.query(
        `INSERT INTO ${this.tableSql} (${COLUMNS}) VALUES ${tuples.join(", ")}
         ON CONFLICT (id) DO UPDATE SET doc_id = EXCLUDED.doc_id, chunk_index = EXCLUDED.chunk_index,
           text = EXCLUDED.text, start_offset = EXCLUDED.start_offset, end_offset = EXCLUDED.end_offset,
           metadata = EXCLUDED.metadata, content_hash = EXCLUDED.content_hash, embedding = EXCLUDED.embedding`,
        batch.flat(),
      );
    }
  }
}
