/**
 * Orama 3 (pure JavaScript, no native code): a schema {id string, embedding vector[dim]}; its
 * vector search is a flat scan of every stored vector (trees/vector.ts), keeping the hits above
 * a similarity threshold (default 0.8), so the threshold is the knob. Persistence is Orama's
 * save()/load() of the whole database as plain data, written here as one JSON file.
 */
import { count, create, insertMultiple, load, save, search, type AnyOrama, type RawData } from "@orama/orama";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Candidate, OpenIndex, SearchSetting, VectorSet } from "../candidate.js";

const FILE = "orama.json";

function makeDb(dim: number): AnyOrama {
  return create({ schema: { id: "string", embedding: `vector[${dim}]` } as const }) as AnyOrama;
}

async function insertAll(db: AnyOrama, ids: Int32Array, set: VectorSet): Promise<void> {
  const docs = Array.from({ length: set.count }, (_, i) => ({
    id: String(ids[i]), // Orama document ids are strings
    embedding: Array.from(set.data.subarray(i * set.dim, (i + 1) * set.dim)),
  }));
  await insertMultiple(db, docs, 1000);
}

function persist(db: AnyOrama, dir: string): void {
  writeFileSync(join(dir, FILE), JSON.stringify(save(db)));
}

function restore(dir: string, dim: number): AnyOrama {
  const db = makeDb(dim);
  load(db, JSON.parse(readFileSync(join(dir, FILE), "utf8")) as RawData);
  return db;
}

let appending: AnyOrama | undefined;

export const oramaCandidate: Candidate = {
  name: "orama",
  pkg: "@orama/orama 3.1.18",
  indexKind: "flat scan (cosine, JavaScript), similarity threshold",
  offers: {
    persistence: "save()/load() of the whole database as plain data (the file format is the caller's)",
    filters: "where clauses on schema fields, facets, full-text + hybrid",
    deleteUpsert: "remove / update / upsert by document id",
    crashGuarantee: "none: in-memory; durability is whatever the caller does with save()",
  },
  settings: [0.5, 0.3, 0.0].map((s) => ({ label: `similarity >= ${s}`, params: { similarity: s } })),
  async build(dir, docs) {
    const db = makeDb(docs.dim);
    await insertAll(
      db,
      Int32Array.from({ length: docs.count }, (_, i) => i),
      docs,
    );
    persist(db, dir);
  },
  async open(dir, dim): Promise<OpenIndex> {
    const db = restore(dir, dim);
    let similarity = 0.5;
    return {
      async configure(setting: SearchSetting) {
        similarity = setting.params.similarity ?? 0.5;
      },
      async searchAll(queries, k) {
        const out: Int32Array[] = [];
        for (let q = 0; q < queries.count; q++) {
          const res = await search(db, {
            mode: "vector",
            vector: { value: Array.from(queries.data.subarray(q * dim, (q + 1) * dim)), property: "embedding" },
            similarity,
            limit: k,
            includeVectors: false,
          });
          out.push(Int32Array.from(res.hits, (h) => Number(h.id)));
        }
        return out;
      },
      async count() {
        return count(db);
      },
      async ids(below) {
        const docs = (save(db) as { docs: { docs: Record<string, { id: string }> } }).docs.docs;
        return Int32Array.from(
          Object.values(docs)
            .map((d) => Number(d.id))
            .filter((id) => id < below),
        ).sort();
      },
      async close() {},
    };
  },
  async append(dir, ids, batch) {
    if (appending === undefined) appending = existsSync(join(dir, FILE)) ? restore(dir, batch.dim) : makeDb(batch.dim);
    await insertAll(appending, ids, batch);
    persist(appending, dir);
  },
};
