/**
 * L5: VectorIndex.optimize: compaction (small data files merged, deleted and replaced rows
 * dropped, chunks written since the ANN build added to it, every old table version removed) and,
 * when asked, a new ANN index over the vectors (trained on the compacted rows), recorded in
 * `embedkit-ann.json` (ann-record.ts).
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { parseAnnOptions, type AnnOptions, type AnnType } from "./ann-options.js";
import { readAnnRecord, writeAnnRecord } from "./ann-record.js";
import type { ChunkStore, CompactResult } from "./store/chunk-store.js";
import { defaultPartitions, minRowsFor } from "./store/lance-ann.js";

/** Options of {@link VectorIndex.optimize}. */
export interface OptimizeOptions {
  /** Build (or rebuild) the ANN index with these options ({} for the defaults). Omitted: compaction only. */
  readonly ann?: AnnOptions;
}

/** The ANN index of a vector index, as {@link VectorIndex.info} reports it. */
export interface AnnInfo {
  /** Its kind. */
  readonly type: AnnType;
  /** IVF partitions it was built with. */
  readonly partitions: number;
  /** Chunks it covers. */
  readonly indexedChunks: number;
  /** Chunks written since, not covered (searched by a flat scan until the next optimize). */
  readonly unindexedChunks: number;
}

/** What {@link VectorIndex.optimize} did. */
export interface OptimizeResult extends CompactResult {
  /** The ANN index after the call (null: none). */
  readonly ann: AnnInfo | null;
}

/** The ANN index of `store` (kind and coverage from LanceDB, partitions from the build record). */
export async function annInfo(dir: string, store: ChunkStore): Promise<AnnInfo | null> {
  const state = await store.annState();
  if (state === undefined) return null;
  const record = await readAnnRecord(dir);
  const partitions =
    record !== undefined && record.type === state.type
      ? record.partitions
      : defaultPartitions(state.type, state.indexedChunks);
  return { ...state, partitions };
}

/** Compacts `store` and, with `options.ann`, builds the ANN index (see the module comment). */
export async function optimizeIndex(dir: string, store: ChunkStore, options: OptimizeOptions): Promise<OptimizeResult> {
  if (options === null || typeof options !== "object") {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `options must be an object like { ann: {} }`, {
      field: "options",
    });
  }
  const params = options.ann === undefined ? undefined : parseAnnOptions(options.ann, store.dim);
  let total = await store.compact();
  if (params !== undefined) {
    const chunks = await store.countChunks();
    const partitions = params.partitions ?? defaultPartitions(params.type, chunks);
    const min = minRowsFor({ ...params, partitions });
    if (chunks < min) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `ann ${params.type} with ${partitions} partitions needs at least ${min} chunks to train; the index holds ${chunks}`,
        { field: "ann", type: params.type, partitions, min, chunks },
      );
    }
    await store.buildAnn({ ...params, partitions });
    await writeAnnRecord(dir, { type: params.type, partitions, builtChunks: chunks });
    const again = await store.compact(); // the versions before the index build
    total = {
      filesRemoved: total.filesRemoved + again.filesRemoved,
      filesAdded: total.filesAdded + again.filesAdded,
      versionsRemoved: total.versionsRemoved + again.versionsRemoved,
      bytesRemoved: total.bytesRemoved + again.bytesRemoved,
    };
  }
  return { ...total, ann: await annInfo(dir, store) };
}
