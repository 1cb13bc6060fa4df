/**
 * L5: the ONLY importer of `@lancedb/lancedb` and `apache-arrow`: a {@link ChunkStore} on a
 * LanceDB table `chunks` in a folder. One row per chunk; metadata fields are typed columns
 * `m_<field>` (added as fields appear), so filters are plain SQL conditions on them. Every
 * literal put into SQL goes through {@link sqlLiteral} (strings quoted with `'` doubled; numbers
 * finite; booleans TRUE/FALSE) and every column name is one we built from a checked identifier.
 *
 * apache-arrow is loaded with `require`, as LanceDB (CommonJS) loads it: the ESM and CommonJS
 * builds are different classes, and LanceDB checks `instanceof` on the schemas it is given.
 */
import { createRequire } from "node:module";
import type * as LanceDb from "@lancedb/lancedb";
import type * as Arrow from "apache-arrow";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import { packSignBits } from "../../pooling/quantize.js";
import {
  rowKey,
  type AnnBuildParams,
  type AnnState,
  type BitsHit,
  type BitsSearchOptions,
  type ChunkRow,
  type ChunkStore,
  type CompactResult,
  type MetadataType,
  type MetadataValue,
  type SparseChunks,
  type StoreCondition,
  type StoreHit,
  type StoreSearchOptions,
} from "./chunk-store.js";
import { BITS_COLUMN, bitsQuery, compactTable, createAnnIndex, readAnnState, tuneQuery } from "./lance-ann.js";
import { hasSparseColumns, scanSparseColumns, sparseFields, sparseFromRecord, sparseRecord } from "./lance-sparse.js";

// Loaded on first use, so `import "embedkit"` does not load LanceDB's native library.
const load = createRequire(import.meta.url);
let arrowLib: typeof Arrow | undefined;
let lanceLib: typeof LanceDb | undefined;
function libs(): { arrow: typeof Arrow; lancedb: typeof LanceDb } {
  arrowLib ??= load("apache-arrow") as typeof Arrow;
  lanceLib ??= load("@lancedb/lancedb") as typeof LanceDb;
  return { arrow: arrowLib, lancedb: lanceLib };
}

const TABLE = "chunks";
const META_PREFIX = "m_";
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Options of {@link openLanceStore}. */
export interface LanceStoreOptions {
  /** The vectors' dimension: the table is created with it, and an existing table must have it. */
  readonly dim: number;
  /** Whether rows carry sparse vectors: the table is created with the columns, and an existing one must match. */
  readonly sparse?: boolean;
  /**
   * A `bits` column of packed sign bits next to the vectors (a binary index, searched by Hamming
   * distance): the table is created with it, and an existing table must have it or not as asked.
   */
  readonly binary?: boolean;
  /**
   * Seconds between checks for commits made by other connections (other processes): 0 checks on
   * every read, undefined never (a connection then sees its own commits only).
   */
  readonly readConsistencyInterval?: number;
}

/** Whether `name` can be a metadata field (a column name we can put in SQL without quoting issues). */
export function isMetadataFieldName(name: string): boolean {
  return FIELD_NAME.test(name);
}

/** A value as an SQL literal: strings single-quoted with `'` doubled, finite numbers, TRUE/FALSE. */
export function sqlLiteral(value: MetadataValue): string {
  if (typeof value === "string") return `'${value.replace(/'/g, "''")}'`;
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (!Number.isFinite(value)) throw new Error(`sqlLiteral: ${value} is not a finite number`);
  return String(value);
}

function column(field: string): string {
  if (!FIELD_NAME.test(field)) throw new Error(`column: ${JSON.stringify(field)} is not a field name`);
  return `\`${META_PREFIX}${field}\``;
}

function inList(docIds: readonly string[]): string {
  return `doc_id IN (${docIds.map(sqlLiteral).join(", ")})`;
}

function arrowType(t: MetadataType): Arrow.DataType {
  const { arrow } = libs();
  return t === "string" ? new arrow.Utf8() : t === "number" ? new arrow.Float64() : new arrow.Bool();
}

function metadataType(t: Arrow.DataType): MetadataType | undefined {
  const { arrow } = libs();
  if (arrow.DataType.isUtf8(t)) return "string";
  if (arrow.DataType.isFloat(t)) return "number";
  if (arrow.DataType.isBool(t)) return "boolean";
  return undefined;
}

/** The metadata fields of a chunk table's schema: its `m_<field>` columns of a type we store. */
function metadataFieldsOf(schema: Arrow.Schema): Map<string, MetadataType> {
  const fields = new Map<string, MetadataType>();
  for (const f of schema.fields) {
    if (!f.name.startsWith(META_PREFIX)) continue;
    const t = metadataType(f.type);
    if (t !== undefined) fields.set(f.name.slice(META_PREFIX.length), t);
  }
  return fields;
}

function baseSchema(dim: number, sparse: boolean, binary: boolean): Arrow.Schema {
  const { arrow } = libs();
  const f = (name: string, type: Arrow.DataType, nullable = false) => new arrow.Field(name, type, nullable);
  return new arrow.Schema([
    f("row_id", new arrow.Utf8()),
    f("doc_id", new arrow.Utf8()),
    f("chunk_index", new arrow.Int32()),
    f("text", new arrow.Utf8()),
    f("start", new arrow.Int32()),
    f("end", new arrow.Int32()),
    f("hash", new arrow.Utf8()),
    f("metadata", new arrow.Utf8()),
    f("vector", new arrow.FixedSizeList(dim, new arrow.Field("item", new arrow.Float32(), true))),
    ...(sparse ? sparseFields(arrow) : []),
    ...(binary
      ? [f(BITS_COLUMN, new arrow.FixedSizeList(dim / 8, new arrow.Field("item", new arrow.Uint8(), true)))]
      : []),
  ]);
}

function storeError(what: string, dir: string, cause: unknown): EmbedkitError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new EmbedkitError(
    ERROR_CODES.INDEX_STORE_FAILED,
    `vector index at "${dir}": ${what} failed: ${reason}`,
    { path: dir, operation: what, reason },
    { cause },
  );
}

type Row = Record<string, unknown>;

class LanceStore implements ChunkStore {
  private fields: Map<string, MetadataType>;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly db: LanceDb.Connection,
    private readonly table: LanceDb.Table,
    readonly dim: number,
    fields: Map<string, MetadataType>,
    private readonly sparse: boolean,
    private readonly binary: boolean,
  ) {
    this.fields = fields;
  }

  metadataFields(): ReadonlyMap<string, MetadataType> {
    return this.fields;
  }

  async reloadMetadataFields(): Promise<ReadonlyMap<string, MetadataType>> {
    const schema = await this.run("reading the schema", () => this.table.schema());
    this.fields = metadataFieldsOf(schema);
    return this.fields;
  }

  async addMetadataFields(fields: ReadonlyMap<string, MetadataType>): Promise<void> {
    const added = [...fields].filter(([name]) => !this.fields.has(name));
    if (added.length === 0) return;
    const { arrow } = libs();
    const schema = new arrow.Schema(added.map(([n, t]) => new arrow.Field(`${META_PREFIX}${n}`, arrowType(t), true)));
    await this.run("adding metadata columns", () => this.table.addColumns(schema));
    for (const [n, t] of added) this.fields.set(n, t);
  }

  async docHashes(docIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (docIds.length === 0) return out;
    const rows = await this.run("reading hashes", () =>
      this.table.query().where(inList(docIds)).select(["doc_id", "hash"]).toArray(),
    );
    for (const r of rows as Row[]) out.set(String(r["doc_id"]), String(r["hash"]));
    return out;
  }

  async replaceDocs(docIds: readonly string[], rows: readonly ChunkRow[]): Promise<void> {
    if (docIds.length === 0) return;
    if (rows.length === 0) {
      await this.deleteDocs(docIds);
      return;
    }
    const schema = await this.run("reading the schema", () => this.table.schema());
    const data = libs().lancedb.makeArrowTable(
      rows.map((r) => this.toRecord(r)),
      { schema },
    );
    await this.run("writing chunks", () =>
      this.table
        .mergeInsert("row_id")
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .whenNotMatchedBySourceDelete({ where: inList(docIds) })
        .execute(data),
    );
  }

  async deleteDocs(docIds: readonly string[]): Promise<number> {
    if (docIds.length === 0) return 0;
    const present = await this.docHashes(docIds);
    if (present.size === 0) return 0;
    await this.run("deleting documents", () => this.table.delete(inList(docIds)));
    return present.size;
  }

  async search(vector: Float32Array, options: StoreSearchOptions): Promise<StoreHit[]> {
    let q = tuneQuery(
      this.table.vectorSearch(vector).column("vector").distanceType("cosine"),
      options.ann,
      options.exact === true,
    )
      .limit(options.limit)
      .select(["doc_id", "chunk_index", "text", "start", "end", "hash", "metadata", "_distance"]);
    const where = this.whereClause(options.where);
    if (where !== undefined) q = q.where(where);
    const rows = (await this.run("searching", () => q.toArray())) as Row[];
    return rows.map((r) => ({ ...this.fromRecord(r), distance: Number(r["_distance"]) }));
  }

  async searchBits(bits: Uint8Array, options: BitsSearchOptions): Promise<BitsHit[]> {
    if (!this.binary) throw new Error("searchBits: this store has no bits column");
    const extra = options.with === "vector" ? ["vector"] : options.with === "bits" ? [BITS_COLUMN] : [];
    let q = bitsQuery(this.table, bits, options.limit, options.below).select([
      "doc_id",
      "chunk_index",
      "text",
      "start",
      "end",
      "hash",
      "metadata",
      "_distance",
      ...extra,
    ]);
    const where = this.whereClause(options.where);
    if (where !== undefined) q = q.where(where);
    const rows = (await this.run("searching by Hamming distance", () => q.toArray())) as Row[];
    return rows.map((r) => ({
      ...this.fromRecord(r),
      hamming: Number(r["_distance"]),
      ...(options.with === "vector" ? { vector: Float32Array.from(r["vector"] as Iterable<number>) } : {}),
      ...(options.with === "bits" ? { bits: Uint8Array.from(r[BITS_COLUMN] as Iterable<number>) } : {}),
    }));
  }

  async buildAnn(params: AnnBuildParams): Promise<void> {
    const rows = await this.countChunks();
    await this.run("building the ANN index", () => createAnnIndex(libs().lancedb, this.table, params, rows));
  }

  async annState(): Promise<AnnState | undefined> {
    return this.run("reading the ANN index", () => readAnnState(this.table));
  }

  async compact(): Promise<CompactResult> {
    return this.run("compacting", () => compactTable(this.table));
  }

  async readDocs(docIds: readonly string[]): Promise<ChunkRow[]> {
    if (docIds.length === 0) return [];
    const rows = (await this.run("reading chunks", () => this.table.query().where(inList(docIds)).toArray())) as Row[];
    return rows
      .map((r) => ({
        ...this.fromRecord(r),
        vector: Float32Array.from(r["vector"] as Iterable<number>),
        ...(this.sparse ? { sparse: sparseFromRecord(r) } : {}),
      }))
      .sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : a.chunkIndex - b.chunkIndex));
  }

  async version(): Promise<number> {
    return this.run("reading the version", () => this.table.version());
  }

  async scanSparse(): Promise<SparseChunks> {
    if (!this.sparse) throw new Error("scanSparse: the store was opened without sparse vectors");
    return this.run("reading sparse vectors", () => scanSparseColumns(this.table, "row_id"));
  }

  async keysWhere(where: readonly StoreCondition[]): Promise<Set<string>> {
    let q = this.table.query().select(["row_id"]);
    const clause = this.whereClause(where);
    if (clause !== undefined) q = q.where(clause);
    const rows = (await this.run("filtering", () => q.toArray())) as Row[];
    return new Set(rows.map((r) => String(r["row_id"])));
  }

  async readKeys(keys: readonly string[]): Promise<Omit<ChunkRow, "vector">[]> {
    if (keys.length === 0) return [];
    const rows = (await this.run("reading chunks", () =>
      this.table
        .query()
        .where(`row_id IN (${keys.map(sqlLiteral).join(", ")})`)
        .select(["doc_id", "chunk_index", "text", "start", "end", "hash", "metadata"])
        .toArray(),
    )) as Row[];
    return rows.map((r) => this.fromRecord(r));
  }

  async countChunks(): Promise<number> {
    return this.run("counting chunks", () => this.table.countRows());
  }

  async countDocs(): Promise<number> {
    const rows = (await this.run("counting documents", () => this.table.query().select(["doc_id"]).toArray())) as Row[];
    return new Set(rows.map((r) => String(r["doc_id"]))).size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.table.close();
    this.db.close();
  }

  private whereClause(conditions: readonly StoreCondition[]): string | undefined {
    if (conditions.length === 0) return undefined;
    return conditions
      .map((c) =>
        c.values.length === 1
          ? `${column(c.field)} = ${sqlLiteral(c.values[0]!)}`
          : `${column(c.field)} IN (${c.values.map(sqlLiteral).join(", ")})`,
      )
      .join(" AND ");
  }

  private toRecord(r: ChunkRow): Row {
    const rec: Row = {
      row_id: rowKey(r.docId, r.chunkIndex),
      doc_id: r.docId,
      chunk_index: r.chunkIndex,
      text: r.text,
      start: r.start,
      end: r.end,
      hash: r.hash,
      metadata: JSON.stringify(r.metadata),
      vector: Array.from(r.vector),
    };
    if (this.binary) rec[BITS_COLUMN] = Array.from(packSignBits(r.vector));
    for (const name of this.fields.keys()) rec[`${META_PREFIX}${name}`] = r.metadata[name] ?? null;
    if (this.sparse) {
      if (r.sparse === undefined) throw new Error(`toRecord: chunk ${rec["row_id"] as string} has no sparse vector`);
      Object.assign(rec, sparseRecord(r.sparse));
    }
    return rec;
  }

  private fromRecord(r: Row): Omit<ChunkRow, "vector"> {
    return {
      docId: String(r["doc_id"]),
      chunkIndex: Number(r["chunk_index"]),
      text: String(r["text"]),
      start: Number(r["start"]),
      end: Number(r["end"]),
      hash: String(r["hash"]),
      metadata: JSON.parse(String(r["metadata"])) as Record<string, MetadataValue>,
    };
  }

  private async run<T>(what: string, f: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new EmbedkitError(ERROR_CODES.DISPOSED, `vector index at "${this.dir}" is closed (${what})`, {
        path: this.dir,
      });
    }
    try {
      return await f();
    } catch (e) {
      if (e instanceof EmbedkitError) throw e;
      throw storeError(what, this.dir, e);
    }
  }
}

/**
 * Opens (or creates) the chunk table in `dir`. An existing table whose vectors are not `dim` long
 * is an `index_dimension_mismatch` error.
 */
export async function openLanceStore(dir: string, options: LanceStoreOptions): Promise<ChunkStore & LanceStore> {
  const binary = options.binary === true;
  let db: LanceDb.Connection;
  let arrow: typeof Arrow;
  try {
    const lib = libs();
    arrow = lib.arrow;
    db = await lib.lancedb.connect(
      dir,
      options.readConsistencyInterval === undefined ? {} : { readConsistencyInterval: options.readConsistencyInterval },
    );
  } catch (e) {
    throw storeError("opening", dir, e);
  }
  try {
    const names = await db.tableNames();
    const table = names.includes(TABLE)
      ? await db.openTable(TABLE)
      : await db.createEmptyTable(TABLE, baseSchema(options.dim, options.sparse ?? false, binary), {
          existOk: true,
        });
    const schema = await table.schema();
    const vector = schema.fields.find((f) => f.name === "vector");
    const stored = vector && arrow.DataType.isFixedSizeList(vector.type) ? vector.type.listSize : undefined;
    if (stored !== options.dim) {
      table.close();
      throw new EmbedkitError(
        ERROR_CODES.INDEX_DIMENSION_MISMATCH,
        `vector index at "${dir}" stores ${stored ?? "no"}-dimensional vectors; the model gives ${options.dim}`,
        { path: dir, field: "dimensions", stored: stored ?? null, given: options.dim },
      );
    }
    if (hasSparseColumns(schema) !== (options.sparse ?? false)) {
      table.close();
      throw new EmbedkitError(
        ERROR_CODES.INDEX_STORE_FAILED,
        `vector index at "${dir}": the chunk table ${options.sparse ? "has no" : "has"} sparse columns, unlike the index's settings`,
        { path: dir, field: "sparse", reason: "sparse columns and settings disagree" },
      );
    }
    const hasBits = schema.fields.some((f) => f.name === BITS_COLUMN);
    if (hasBits !== binary) {
      table.close();
      throw new EmbedkitError(
        ERROR_CODES.INDEX_PRECISION_MISMATCH,
        `vector index at "${dir}" ${hasBits ? "stores" : "has no"} packed sign bits; it was opened as a ${binary ? "binary" : "float32"} index`,
        { path: dir, field: "precision", stored: hasBits ? "binary" : "float32", given: binary ? "binary" : "float32" },
      );
    }
    return new LanceStore(dir, db, table, options.dim, metadataFieldsOf(schema), options.sparse ?? false, binary);
  } catch (e) {
    db.close();
    if (e instanceof EmbedkitError) throw e;
    throw storeError("opening", dir, e);
  }
}
