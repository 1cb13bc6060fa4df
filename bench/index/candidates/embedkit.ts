/**
 * embedkit's own index path, from vectors (no model: the bench's vectors are precomputed): the
 * store adapter VectorIndex writes through (src/index/store/lance-store.ts: one row per chunk
 * with id, offsets, hash, JSON metadata; written by mergeInsert in batches of 10,000 records per
 * commit, VectorIndex.add's largest batchSize), then VectorIndex.optimize's path
 * (optimizeIndex: compaction, the ANN build), searched by searchChunks, the function
 * VectorIndex.search calls after embedding the query. So the figures are the index's own,
 * without the query embedding. Variants: the ANN kinds (float32) and the binary precision
 * (Hamming first pass, rescored against the float32 vectors).
 */
import type { AnnType } from "../../../src/index/ann-options.js";
import { searchChunks } from "../../../src/index/chunk-search.js";
import { annInfo, optimizeIndex } from "../../../src/index/optimize-index.js";
import type { ChunkRow, ChunkStore } from "../../../src/index/store/chunk-store.js";
import { openLanceStore } from "../../../src/index/store/lance-store.js";
import { row, type Candidate, type OpenIndex, type SearchSetting, type VectorSet } from "../candidate.js";

const BATCH = 10_000;

function rows(set: VectorSet, ids: Int32Array): ChunkRow[] {
  return Array.from(ids, (id, i) => ({
    docId: String(id),
    chunkIndex: 0,
    text: "",
    start: 0,
    end: 0,
    hash: "",
    metadata: {},
    vector: row(set, i),
  }));
}

async function write(store: ChunkStore, ids: Int32Array, set: VectorSet): Promise<void> {
  for (let i = 0; i < set.count; i += BATCH) {
    const j = Math.min(set.count, i + BATCH);
    const part = rows(
      { data: set.data.subarray(i * set.dim, j * set.dim), count: j - i, dim: set.dim },
      ids.subarray(i, j),
    );
    await store.replaceDocs(
      part.map((r) => r.docId),
      part,
    );
  }
}

/** The settings: "defaults" first (the knobs VectorIndex.search uses when none is given), then costlier ones. */
function settingsFor(type: AnnType | "binary"): SearchSetting[] {
  const s = (label: string, params: Record<string, number>): SearchSetting => ({ label, params });
  if (type === "binary")
    return [
      s("rescore 4 (default)", { rescore: 4 }),
      s("rescore 8", { rescore: 8 }),
      s("rescore 16", { rescore: 16 }),
      s("rescore 32", { rescore: 32 }),
    ];
  if (type === "ivf_hnsw_sq") {
    return [
      s("defaults", {}),
      s("ef 200 refine 4", { ef: 200, refineFactor: 4 }),
      s("ef 400 refine 8", { ef: 400, refineFactor: 8 }),
      s("ef 800 refine 16", { ef: 800, refineFactor: 16 }),
    ];
  }
  return [
    s("defaults", {}),
    s("nprobes 40 refine 10", { nprobes: 40, refineFactor: 10 }),
    s("nprobes 80 refine 20", { nprobes: 80, refineFactor: 20 }),
    s("nprobes 160 refine 30", { nprobes: 160, refineFactor: 30 }),
  ];
}

function embedkitCandidate(type: AnnType | "binary"): Candidate {
  const binary = type === "binary";
  return {
    name: binary ? "embedkit-binary" : `embedkit-${type.replace(/_/g, "-")}`,
    pkg: "embedkit VectorIndex store (LanceDB 0.31.0)",
    indexKind: binary
      ? "binary precision: LanceDB Hamming scan over packed sign bits, rescore x N against float32"
      : `VectorIndex.optimize({ ann: { type: "${type}" } }) (default partitions), cosine`,
    offers: {
      persistence: "LanceDB table + embedkit-index.json",
      filters: "metadata columns, SQL where (prefilter)",
      deleteUpsert: "whole records by id (mergeInsert)",
      crashGuarantee: "tested in tests/integration/vector-index-reliability.test.ts",
    },
    settings: settingsFor(type),
    async build(dir, docs) {
      const store = await openLanceStore(dir, { dim: docs.dim, binary });
      try {
        await write(
          store,
          Int32Array.from({ length: docs.count }, (_, i) => i),
          docs,
        );
        await optimizeIndex(dir, store, binary ? {} : { ann: { type } });
      } finally {
        store.close();
      }
    },
    async open(dir, dim): Promise<OpenIndex> {
      const store = await openLanceStore(dir, { dim, binary });
      const ann = binary ? undefined : ((await annInfo(dir, store)) ?? undefined);
      let params: Readonly<Record<string, number>> = {};
      return {
        async configure(setting) {
          params = setting.params;
        },
        async searchAll(queries, k) {
          const out: Int32Array[] = [];
          for (let q = 0; q < queries.count; q++) {
            const hits = await searchChunks(store, row(queries, q), {
              limit: k,
              where: [],
              precision: binary ? "binary" : "float32",
              ann,
              tuning: {
                ...(params.nprobes !== undefined ? { nprobes: params.nprobes } : {}),
                ...(params.ef !== undefined ? { ef: params.ef } : {}),
                ...(params.refineFactor !== undefined ? { refineFactor: params.refineFactor } : {}),
              },
              exact: false,
              rescore: params.rescore ?? 4,
              rescoreWith: "float32",
            });
            out.push(Int32Array.from(hits, (h) => Number(h.docId)));
          }
          return out;
        },
        async count() {
          return store.countChunks();
        },
        async ids(below) {
          const found = await store.docHashes(Array.from({ length: below }, (_, i) => String(i)));
          return Int32Array.from([...found.keys()].map(Number)).sort();
        },
        async close() {
          store.close();
        },
      };
    },
    async append(dir, ids, batch) {
      const store = await openLanceStore(dir, { dim: batch.dim, binary });
      try {
        await write(store, ids, batch);
      } finally {
        store.close();
      }
    },
  };
}

/** embedkit with an IVF_HNSW_SQ index (the default ANN kind). */
export const embedkitHnsw = embedkitCandidate("ivf_hnsw_sq");
/** embedkit with an IVF_PQ index. */
export const embedkitIvfPq = embedkitCandidate("ivf_pq");
/** embedkit's binary precision (no ANN: LanceDB's flat Hamming scan, rescored). */
export const embedkitBinary = embedkitCandidate("binary");
