/**
 * PGlite 0.4.6 (Postgres compiled to WebAssembly, in-process) with its bundled pgvector
 * extension: a table (id int primary key, embedding vector(dim)), multi-row INSERTs of text
 * vector literals, then an HNSW index (vector_cosine_ops, m 16, ef_construction 64: pgvector's
 * defaults). Search tunes hnsw.ef_search. The data folder is on the host file system (NODEFS).
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import type { Candidate, OpenIndex, SearchSetting, VectorSet } from "../candidate.js";

const ROWS_PER_INSERT = 500;

function literal(v: Float32Array): string {
  let s = "[";
  for (let j = 0; j < v.length; j++) s += (j > 0 ? "," : "") + (v[j] as number).toPrecision(9);
  return `${s}]`;
}

async function openDb(dir: string, dim: number): Promise<PGlite> {
  const db = await PGlite.create({ dataDir: dir, extensions: { vector } });
  await db.exec(
    `CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE IF NOT EXISTS items (id integer PRIMARY KEY, embedding vector(${dim}) NOT NULL);`,
  );
  return db;
}

async function insertRows(db: PGlite, ids: Int32Array, set: VectorSet): Promise<void> {
  for (let i = 0; i < set.count; i += ROWS_PER_INSERT) {
    const j = Math.min(set.count, i + ROWS_PER_INSERT);
    const values: string[] = [];
    for (let r = i; r < j; r++) {
      values.push(`(${ids[r]}, '${literal(set.data.subarray(r * set.dim, (r + 1) * set.dim))}')`);
    }
    await db.exec(`INSERT INTO items (id, embedding) VALUES ${values.join(",")}`);
  }
}

export const pgliteCandidate: Candidate = {
  name: "pglite+pgvector",
  pkg: "@electric-sql/pglite 0.4.6 (pgvector bundled)",
  indexKind: "pgvector HNSW vector_cosine_ops, m 16, ef_construction 64",
  offers: {
    persistence: "a Postgres data folder (WAL, checkpoints); opens in place",
    filters: "SQL WHERE on any column (HNSW post-filters; iterative scans in pgvector 0.8)",
    deleteUpsert: "SQL DELETE / INSERT ... ON CONFLICT DO UPDATE, transactional",
    crashGuarantee:
      "Postgres WAL: a committed transaction survives, an uncommitted one is rolled back at the next start (PostgreSQL docs: WAL reliability); PGlite runs it single-user in WASM",
  },
  settings: [16, 32, 40, 64, 100, 200, 400].map((ef) => ({ label: `ef_search ${ef}`, params: { ef } })),
  async build(dir, docs) {
    const db = await openDb(dir, docs.dim);
    await insertRows(
      db,
      Int32Array.from({ length: docs.count }, (_, i) => i),
      docs,
    );
    await db.exec("SET maintenance_work_mem = '512MB'");
    await db.exec(
      "CREATE INDEX items_hnsw ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)",
    );
    await db.close();
  },
  async open(dir, dim): Promise<OpenIndex> {
    const db = await openDb(dir, dim);
    return {
      async configure(setting: SearchSetting) {
        await db.exec(`SET hnsw.ef_search = ${setting.params.ef ?? 40}`);
      },
      async searchAll(queries, k) {
        const out: Int32Array[] = [];
        for (let q = 0; q < queries.count; q++) {
          const res = await db.query<{ id: number }>(
            `SELECT id FROM items ORDER BY embedding <=> $1::vector LIMIT ${k}`,
            [literal(queries.data.subarray(q * dim, (q + 1) * dim))],
          );
          out.push(Int32Array.from(res.rows, (r) => r.id));
        }
        return out;
      },
      async count() {
        const res = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM items");
        return res.rows[0]?.n ?? 0;
      },
      async ids(below) {
        const res = await db.query<{ id: number }>(`SELECT id FROM items WHERE id < ${below} ORDER BY id`);
        return Int32Array.from(res.rows, (r) => r.id);
      },
      async close() {
        await db.close();
      },
    };
  },
  async append(dir, ids, batch) {
    // One transaction per batch, as an ingest would commit it.
    const db = appendDb ?? (appendDb = await openDb(dir, batch.dim));
    await db.exec("BEGIN");
    await insertRows(db, ids, batch);
    await db.exec("COMMIT");
  },
};

let appendDb: PGlite | undefined;
