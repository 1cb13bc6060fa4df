/**
 * LanceDB 0.31.0 (Rust core, prebuilt N-API binary): one table {id int32, vector
 * fixed_size_list<float32>[dim]} written from Arrow record batches (no per-row JS objects), then
 * an IVF_PQ index (LanceDB's default vector index) on cosine distance. Search tunes nprobes and
 * the refine factor (re-ranking refine x k PQ candidates with the stored float vectors).
 */
import * as lancedb from "@lancedb/lancedb";
import { createRequire } from "node:module";
import type {
  FixedSizeList as FixedSizeListType,
  Float32 as Float32Type,
  Schema as SchemaType,
  Table as TableType,
} from "apache-arrow";
import type { Candidate, OpenIndex, SearchSetting, VectorSet } from "../candidate.js";

// LanceDB loads apache-arrow's CommonJS build and checks `instanceof Table`; an ESM import here
// would be a second copy of the classes (the dual-package hazard), so load the same CJS module.
const {
  Field,
  FixedSizeList,
  Float32,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table: ArrowTable,
} = createRequire(import.meta.url)("apache-arrow") as typeof import("apache-arrow");

const TABLE = "vectors";
const BATCH = 20000;

function schema(dim: number): SchemaType {
  return new Schema([
    new Field("id", new Int32(), false),
    new Field("vector", new FixedSizeList(dim, new Field("item", new Float32(), true)), false),
  ]);
}

function arrowBatch(ids: Int32Array, set: VectorSet): TableType {
  const s = schema(set.dim);
  const values = makeData({ type: new Float32(), length: set.count * set.dim, data: set.data });
  const vector = makeData({
    type: s.fields[1]!.type as FixedSizeListType<Float32Type>,
    length: set.count,
    child: values,
  });
  const id = makeData({ type: new Int32(), length: set.count, data: ids });
  const struct = makeData({ type: new Struct(s.fields), length: set.count, children: [id, vector] });
  return new ArrowTable([new RecordBatch(s, struct)]);
}

function slice(set: VectorSet, from: number, to: number): VectorSet {
  return { data: set.data.subarray(from * set.dim, to * set.dim), count: to - from, dim: set.dim };
}

async function openOrCreate(dir: string, dim: number): Promise<lancedb.Table> {
  const db = await lancedb.connect(dir);
  if ((await db.tableNames()).includes(TABLE)) return db.openTable(TABLE);
  return db.createEmptyTable(TABLE, schema(dim));
}

export function partitionsFor(n: number): number {
  return Math.max(1, Math.round(Math.sqrt(n)));
}

type Kind = "ivf_pq" | "ivf_hnsw_sq";

function lancedbOf(kind: Kind): Candidate {
  const hnsw = kind === "ivf_hnsw_sq";
  return {
    name: hnsw ? "lancedb-hnsw" : "lancedb",
    pkg: "@lancedb/lancedb 0.31.0",
    indexKind: hnsw
      ? "IVF_HNSW_SQ cosine, 1 partition (LanceDB recommends few for HNSW), m 20, ef_construction 300 (defaults)"
      : "IVF_PQ cosine, sqrt(n) partitions, dim/16 sub-vectors (LanceDB's defaults)",
    offers: OFFERS,
    settings: hnsw
      ? [50, 100, 200, 400, 800].map((ef) => ({ label: `ef ${ef} refine 4`, params: { ef, refine: 4 } }))
      : PQ_SETTINGS,
    async build(dir, docs) {
      const table = await openOrCreate(dir, docs.dim);
      const ids = Int32Array.from({ length: docs.count }, (_, i) => i);
      for (let i = 0; i < docs.count; i += BATCH) {
        const j = Math.min(docs.count, i + BATCH);
        await table.add(arrowBatch(ids.subarray(i, j), slice(docs, i, j)));
      }
      await table.createIndex("vector", {
        config: hnsw
          ? lancedb.Index.hnswSq({ distanceType: "cosine", numPartitions: 1 })
          : lancedb.Index.ivfPq({
              distanceType: "cosine",
              numPartitions: partitionsFor(docs.count),
              numSubVectors: docs.dim / 16,
            }),
      });
      table.close();
    },
    open: (dir) => openSearch(dir),
    append: appendBatch,
  };
}

const OFFERS = {
  persistence: "Lance files on disk (columnar, versioned); opened lazily, not loaded whole",
  filters: "SQL where clauses on any column (prefilter by default, postfilter option)",
  deleteUpsert:
    "delete(predicate), update, mergeInsert (upsert by key); new rows are searched exactly until optimize/reindex",
  crashGuarantee:
    "each write commits a new table version atomically (manifest written last); an interrupted write leaves the previous version (Lance format docs: transactions)",
};

const PQ_SETTINGS = [
  { nprobes: 10, refine: 1 },
  { nprobes: 20, refine: 5 },
  { nprobes: 30, refine: 10 },
  { nprobes: 50, refine: 10 },
  { nprobes: 80, refine: 20 },
  { nprobes: 120, refine: 30 },
].map((p) => ({ label: `nprobes ${p.nprobes} refine ${p.refine}`, params: p }));

async function openSearch(dir: string): Promise<OpenIndex> {
  const db = await lancedb.connect(dir);
  const table = await db.openTable(TABLE);
  let params: Readonly<Record<string, number>> = { nprobes: 20, refine: 1 };
  return {
    async configure(setting: SearchSetting) {
      params = setting.params;
    },
    async searchAll(queries, k) {
      const out: Int32Array[] = [];
      for (let q = 0; q < queries.count; q++) {
        let query = table
          .vectorSearch(queries.data.subarray(q * queries.dim, (q + 1) * queries.dim))
          .distanceType("cosine")
          .refineFactor(params.refine ?? 1);
        query = params.ef !== undefined ? query.ef(params.ef) : query.nprobes(params.nprobes ?? 20);
        const rows = (await query.select(["id"]).limit(k).toArray()) as { id: number }[];
        out.push(Int32Array.from(rows, (r) => r.id));
      }
      return out;
    },
    async count() {
      return table.countRows();
    },
    async ids(below) {
      const rows = (await table.query().where(`id < ${below}`).select(["id"]).limit(below).toArray()) as {
        id: number;
      }[];
      return Int32Array.from(rows, (r) => r.id).sort();
    },
    async close() {
      table.close();
      db.close();
    },
  };
}

async function appendBatch(dir: string, ids: Int32Array, batch: VectorSet): Promise<void> {
  const table = await openOrCreate(dir, batch.dim);
  await table.add(arrowBatch(ids, batch));
  table.close();
}

/** LanceDB's default vector index (IVF_PQ), as bench/index-candidates.ts measured it. */
export const lancedbCandidate: Candidate = lancedbOf("ivf_pq");
/** LanceDB's IVF_HNSW_SQ, used directly (the kind embedkit's ANN defaults to). */
export const lancedbHnswCandidate: Candidate = lancedbOf("ivf_hnsw_sq");
