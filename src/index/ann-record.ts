/**
 * L5: what the last ANN build was (`embedkit-ann.json` in the index folder: kind, partitions,
 * chunks at build time), written by VectorIndex.optimize. LanceDB reports an index's kind and
 * coverage but not its partition count, which the default `nprobes` is a share of. A missing or
 * unreadable file falls back to the partitions the build would have chosen by default.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { ANN_TYPES } from "./ann-options.js";
import type { AnnType } from "./store/chunk-store.js";

/** The file recording the last ANN build, in the index folder. */
export const ANN_FILE = "embedkit-ann.json";

/** The last ANN build of an index. */
export interface AnnRecord {
  /** The ANN kind built. */
  readonly type: AnnType;
  /** IVF partitions it was built with. */
  readonly partitions: number;
  /** Chunks in the index when it was built. */
  readonly builtChunks: number;
}

/** The recorded build in `dir`, or undefined when there is none (or it does not parse). */
export async function readAnnRecord(dir: string): Promise<AnnRecord | undefined> {
  try {
    const v = JSON.parse(await readFile(join(dir, ANN_FILE), "utf8")) as Partial<AnnRecord>;
    if (
      ANN_TYPES.includes(v.type as AnnType) &&
      typeof v.partitions === "number" &&
      v.partitions >= 1 &&
      typeof v.builtChunks === "number"
    ) {
      return { type: v.type as AnnType, partitions: v.partitions, builtChunks: v.builtChunks };
    }
  } catch {
    // absent or unreadable: the caller falls back to the default partitions
  }
  return undefined;
}

/** Records a build (temporary file, then renamed). */
export async function writeAnnRecord(dir: string, record: AnnRecord): Promise<void> {
  const tmp = join(dir, `${ANN_FILE}.tmp-${process.pid}`);
  try {
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
    await rename(tmp, join(dir, ANN_FILE));
  } catch (e) {
    throw new EmbedkitError(
      ERROR_CODES.INDEX_STORE_FAILED,
      `vector index at "${dir}": cannot write ${ANN_FILE}: ${(e as Error).message}`,
      { path: join(dir, ANN_FILE), reason: (e as Error).message },
      { cause: e },
    );
  }
}
