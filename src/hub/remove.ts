/**
 * L2: `embedkit models rm`: deletes one model folder from the cache.
 */
import { readdir, rm, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { modelCacheDir } from "./cache-layout.js";
import { asCacheWriteError } from "./cache-write-error.js";
import { withModelLock } from "./model-lock.js";

export interface RemoveResult {
  readonly modelId: string;
  readonly dir: string;
  /** False when the model was not in the cache. */
  readonly removed: boolean;
  readonly freedBytes: number;
}

async function du(path: string): Promise<number> {
  let total = 0;
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) total += await du(p);
    else
      total += await stat(p).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}

export async function removeModel(modelId: string, store: StoreConfig): Promise<RemoveResult> {
  const parts = modelId.split("/");
  if (parts.length !== 2 || parts.some((p) => p === "" || p.startsWith(".") || p.includes("\\"))) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `\`model\` must be a model id like "org/name"; got "${modelId}"`,
      { model: modelId },
    );
  }
  const dir = modelCacheDir(store.cacheDir, modelId);
  return withModelLock(dir, async () => {
    const present = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!present) return { modelId, dir, removed: false, freedBytes: 0 };
    const freedBytes = await du(dir);
    try {
      await rm(dir, { recursive: true, force: true });
    } catch (e) {
      throw asCacheWriteError(e, dir);
    }
    await rmdir(join(store.cacheDir, parts[0] ?? "")).catch(() => undefined); // only when empty
    return { modelId, dir, removed: true, freedBytes };
  });
}
