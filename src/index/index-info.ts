/**
 * L5: what `VectorIndex.info()` reports (settings, counts, metadata fields, ANN index, size on
 * disk), from an open store, or from the folder alone (`VectorIndex.inspect`: the settings file
 * and the LanceDB table, no model loaded), for `embedkit index info DIR`.
 */
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import type { IndexPrecision } from "./ann-options.js";
import { readSettings, type IndexSettings } from "./index-settings.js";
import { annInfo, type AnnInfo } from "./optimize-index.js";
import type { ChunkStore, MetadataType } from "./store/chunk-store.js";
import { openLanceStore } from "./store/lance-store.js";

/** What {@link VectorIndex.info} reports. */
export interface IndexInfo extends IndexSettings {
  /** What searches go by. */
  readonly precision: IndexPrecision;
  /** The ANN index: its kind, partitions and how many chunks it covers; null when none was built. */
  readonly ann: AnnInfo | null;
  /** The index folder, absolute. */
  readonly path: string;
  /** Records (documents) stored. */
  readonly records: number;
  /** Chunks stored. */
  readonly chunks: number;
  /** Bytes of every file in the index folder. */
  readonly bytesOnDisk: number;
  /** The metadata fields searches can filter on, and their types. */
  readonly metadataFields: Readonly<Record<string, MetadataType>>;
}

/** The info of the index at `path` (absolute) whose settings and store are given. */
export async function describeIndex(path: string, settings: IndexSettings, store: ChunkStore): Promise<IndexInfo> {
  return {
    ...settings,
    precision: settings.precision ?? "float32",
    ann: await annInfo(path, store),
    path,
    records: await store.countDocs(),
    chunks: await store.countChunks(),
    bytesOnDisk: await folderBytes(path),
    metadataFields: Object.fromEntries(await store.reloadMetadataFields()),
  };
}

/** The info of the index in folder `path`, from its settings file and store, without a model. */
export async function inspectIndex(path: string): Promise<IndexInfo> {
  if (typeof path !== "string" || path.length === 0) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `path must be a folder path, got ${describeValue(path)}`, {
      field: "path",
    });
  }
  const dir = resolve(path);
  const settings = await readSettings(dir);
  if (settings === undefined) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `"${dir}" holds no vector index`, { field: "path", path: dir });
  }
  const store = await openLanceStore(dir, {
    dim: settings.dimension,
    sparse: settings.sparse !== "none",
    binary: settings.precision === "binary",
  });
  try {
    return await describeIndex(dir, settings, store);
  } finally {
    store.close();
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(p);
    else if (e.isFile()) total += (await stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
