/**
 * L2: copies a sparse registry model's files from a local folder into the cache layout (for
 * air-gapped machines and the test model), checking each against the registry's size and
 * sha256 before it is put in place, and recording it in the model's manifest. Importing the
 * same files again writes nothing.
 */
import { copyFile, mkdir, rename, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { getSparseSpec } from "../models/sparse-registry.js";
import type { ModelFile } from "../models/spec.js";
import { cachedFilePath, modelCacheDir, PART_SUFFIX } from "./cache-layout.js";
import { manifestEntry, readManifest, updateManifest, type ManifestEntry } from "./manifest.js";
import { withModelLock } from "./model-lock.js";
import { sha256File } from "./sha256-file.js";

/** What importSparseFolder did. */
export interface SparseImportResult {
  readonly modelId: string;
  readonly dir: string;
  readonly status: "imported" | "already-present";
}

/**
 * Imports the fp32 graph, tokenizer and (doc-only models) IDF table of registry model `model`
 * from `folder`, where each file is found under its hub path or its base name.
 */
export async function importSparseFolder(params: {
  readonly folder: string;
  readonly model: string;
  readonly store: StoreConfig;
}): Promise<SparseImportResult> {
  const spec = getSparseSpec(params.model);
  const dir = modelCacheDir(params.store.cacheDir, params.model);
  const files: ModelFile[] = [spec.files.tokenizer, ...(spec.files.idf ? [spec.files.idf] : []), spec.files.onnx.fp32];
  return withModelLock(dir, async () => {
    const manifest = await readManifest(dir);
    const upsert: ManifestEntry[] = [];
    for (const file of files) {
      const candidates = [
        join(params.folder, ...file.path.split("/")),
        join(params.folder, file.path.split("/").pop()!),
      ];
      let from: string | undefined;
      for (const c of candidates)
        if (
          await stat(c).then(
            (s) => s.isFile(),
            () => false,
          )
        )
          from = from ?? c;
      if (from === undefined) {
        throw new EmbedkitError(
          ERROR_CODES.MODEL_FILE_MISSING,
          `"${params.folder}" has no ${file.path} for ${params.model}`,
          {
            folder: params.folder,
            looked_for: file.path,
          },
        );
      }
      const digest = await sha256File(from);
      if (
        (file.sha256 !== undefined && file.sha256 !== digest.sha256) ||
        (file.size !== undefined && file.size !== digest.size)
      ) {
        throw new EmbedkitError(
          ERROR_CODES.MODEL_FILE_CORRUPT,
          `"${from}" has sha256 ${digest.sha256} (${digest.size} bytes); ${params.model} expects ${file.sha256 ?? "any"} (${file.size ?? "any"} bytes); nothing was written`,
          { source: from, expected: file.sha256, actual: digest.sha256 },
        );
      }
      const target = cachedFilePath(dir, file.path);
      const known = manifestEntry(manifest, file.path);
      const now = await stat(target).catch(() => undefined);
      if (known?.sha256 === digest.sha256 && now?.size === digest.size && now.mtimeMs === known.mtimeMs) continue;
      await mkdir(dirname(target), { recursive: true });
      await copyFile(from, `${target}${PART_SUFFIX}`);
      await rename(`${target}${PART_SUFFIX}`, target);
      const { mtimeMs } = await stat(target);
      upsert.push({
        path: file.path,
        size: digest.size,
        sha256: digest.sha256,
        source: from,
        time: new Date().toISOString(),
        mtimeMs,
      });
    }
    if (upsert.length > 0) await updateManifest(dir, params.model, { upsert });
    return { modelId: params.model, dir, status: upsert.length > 0 ? "imported" : "already-present" };
  });
}
