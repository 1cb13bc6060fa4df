/**
 * L5: the LanceDB side of the index's search structures, beside lance-store.ts (and like it an
 * importer of LanceDB): building the ANN index over the `vector` column (IVF_HNSW_SQ, IVF_PQ or
 * IVF_FLAT, cosine), reading what it covers, the query knobs (nprobes, ef, refine factor, flat
 * scan), compaction with version cleanup, and the Hamming-distance scan over the `bits` column
 * (LanceDB 0.31.0 does Hamming natively on a fixed-size list of uint8; a flat scan, no index).
 */
import type * as LanceDb from "@lancedb/lancedb";
import type { AnnBuildParams, AnnSearchParams, AnnState, AnnType, CompactResult } from "./chunk-store.js";

/** The column holding packed sign bits in a binary index. */
export const BITS_COLUMN = "bits";

const INDEX_TYPES: Readonly<Record<string, AnnType>> = {
  IVF_HNSW_SQ: "ivf_hnsw_sq",
  IVF_PQ: "ivf_pq",
  IVF_FLAT: "ivf_flat",
};

/** Fewest rows each kind can be trained on (PQ trains 256 centroids per sub-vector). */
export function minRowsFor(params: AnnBuildParams): number {
  const partitions = params.partitions ?? 1;
  return params.type === "ivf_pq" ? Math.max(256, partitions) : Math.max(2, partitions);
}

/**
 * Partitions when none are given: sqrt(rows) for IVF_PQ and IVF_FLAT (LanceDB's default); for
 * IVF_HNSW_SQ one graph per million rows (LanceDB recommends few partitions for HNSW).
 */
export function defaultPartitions(type: AnnType, rows: number): number {
  if (type === "ivf_hnsw_sq") return Math.max(1, Math.round(rows / 1_000_000));
  return Math.max(1, Math.round(Math.sqrt(rows)));
}

/** Builds (replacing any) the cosine ANN index over `vector`. */
export async function createAnnIndex(
  lancedb: typeof LanceDb,
  table: LanceDb.Table,
  params: AnnBuildParams,
  rows: number,
): Promise<void> {
  const numPartitions = params.partitions ?? defaultPartitions(params.type, rows);
  const config =
    params.type === "ivf_hnsw_sq"
      ? lancedb.Index.hnswSq({
          distanceType: "cosine",
          numPartitions,
          ...(params.m !== undefined ? { m: params.m } : {}),
          ...(params.efConstruction !== undefined ? { efConstruction: params.efConstruction } : {}),
        })
      : params.type === "ivf_pq"
        ? lancedb.Index.ivfPq({
            distanceType: "cosine",
            numPartitions,
            ...(params.subVectors !== undefined ? { numSubVectors: params.subVectors } : {}),
          })
        : lancedb.Index.ivfFlat({ distanceType: "cosine", numPartitions });
  await table.createIndex("vector", { config, replace: true });
}

/** The ANN index over `vector`, or undefined. */
export async function readAnnState(table: LanceDb.Table): Promise<AnnState | undefined> {
  const index = (await table.listIndices()).find((i) => i.columns.length === 1 && i.columns[0] === "vector");
  if (index === undefined) return undefined;
  const stats = await table.indexStats(index.name);
  if (stats === undefined) return undefined;
  const type = INDEX_TYPES[stats.indexType];
  if (type === undefined) return undefined;
  return { type, indexedChunks: stats.numIndexedRows, unindexedChunks: stats.numUnindexedRows };
}

/** Applies the ANN knobs (or a flat scan) to a vector query. */
export function tuneQuery(
  q: LanceDb.VectorQuery,
  ann: AnnSearchParams | undefined,
  exact: boolean,
): LanceDb.VectorQuery {
  if (exact) return q.bypassVectorIndex();
  let out = q;
  if (ann?.nprobes !== undefined) out = out.nprobes(ann.nprobes);
  if (ann?.ef !== undefined) out = out.ef(ann.ef);
  if (ann?.refineFactor !== undefined) out = out.refineFactor(ann.refineFactor);
  return out;
}

/**
 * LanceDB's optimize: compaction (small files merged, deleted rows dropped), the ANN index
 * extended to rows written since it was built, and every version older than now removed.
 * `deleteUnverified` lets it remove files of the last 7 days too: safe only while no other
 * process writes the table, which is how the index is used (one writer per folder).
 */
export async function compactTable(table: LanceDb.Table): Promise<CompactResult> {
  const stats = await table.optimize({ cleanupOlderThan: new Date(), deleteUnverified: true });
  return {
    filesRemoved: stats.compaction.filesRemoved,
    filesAdded: stats.compaction.filesAdded,
    versionsRemoved: stats.prune.oldVersionsRemoved,
    bytesRemoved: stats.prune.bytesRemoved,
  };
}

/** A Hamming-distance query over the bits column (a flat scan), optionally only below a distance. */
export function bitsQuery(
  table: LanceDb.Table,
  bits: Uint8Array,
  limit: number,
  below: number | undefined,
): LanceDb.VectorQuery {
  // The typings of VectorQuery.distanceType (IvfPqOptions') omit "hamming", which the native
  // query accepts (IvfFlatOptions lists it): checked by tests/integration/vector-index-ann.test.ts.
  const hamming = "hamming" as Parameters<LanceDb.VectorQuery["distanceType"]>[0];
  let q = table.vectorSearch(Array.from(bits)).column(BITS_COLUMN).distanceType(hamming).limit(limit);
  if (below !== undefined) q = q.distanceRange(undefined, below);
  return q;
}
