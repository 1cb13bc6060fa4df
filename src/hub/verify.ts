/**
 * L2: the full check behind `embedkit models info --verify`: re-hashes every file of a cached
 * model and compares it with the manifest and with the registry's published sha256/size.
 * It reports; it never deletes.
 */
import { stat } from "node:fs/promises";
import type { StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { getHubRecord, isHubModelId } from "../models/hub-record.js";
import type { HubRecord, ModelFile } from "../models/spec.js";
import { cachedFilePath, modelCacheDir } from "./cache-layout.js";
import { manifestEntry, readManifest } from "./manifest.js";
import { sha256File } from "./sha256-file.js";

export interface FileVerification {
  /** Hub repository path inside the model folder. */
  readonly path: string;
  readonly status: "ok" | "missing" | "corrupt";
  /** Actual size and sha256 (absent when missing). */
  readonly size?: number;
  readonly sha256?: string;
  readonly expectedSize?: number;
  readonly expectedSha256?: string;
  /** Whether the manifest records this file. */
  readonly recorded: boolean;
  /** What is wrong, for missing/corrupt files. */
  readonly problem?: string;
}

export interface VerifyReport {
  readonly modelId: string;
  readonly dir: string;
  readonly ok: boolean;
  readonly files: readonly FileVerification[];
}

/** Every file a registry spec can place in the cache, by repository path. */
function specFiles(spec: HubRecord | undefined): Map<string, ModelFile> {
  const out = new Map<string, ModelFile>();
  if (spec === undefined) return out;
  const add = (f: ModelFile | undefined): void => {
    if (f === undefined) return;
    out.set(f.path, f);
    add(f.externalData);
  };
  add(spec.files.tokenizer);
  add(spec.files.config);
  for (const f of Object.values(spec.files.onnx)) add(f);
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function verifyModel(modelId: string, store: StoreConfig): Promise<VerifyReport> {
  const dir = modelCacheDir(store.cacheDir, modelId);
  const dirOk = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!dirOk) {
    throw new EmbedkitError(ERROR_CODES.MODEL_FILE_MISSING, `model "${modelId}" is not in the cache at "${dir}"`, {
      model: modelId,
      dir,
    });
  }
  const spec = isHubModelId(modelId) ? getHubRecord(modelId) : undefined;
  const manifest = await readManifest(dir);
  const fromSpec = specFiles(spec);
  const paths = new Set(manifest?.files.map((f) => f.path) ?? []);
  for (const p of fromSpec.keys()) if (await exists(cachedFilePath(dir, p))) paths.add(p);

  const files: FileVerification[] = [];
  for (const path of [...paths].sort()) {
    const entry = manifestEntry(manifest, path);
    const published = fromSpec.get(path);
    const registryApplies =
      published !== undefined && (entry?.revision === undefined || entry.revision === spec?.source.revision);
    const expectedSha256 = entry?.sha256 ?? (registryApplies ? published?.sha256 : undefined);
    const expectedSize = entry?.size ?? (registryApplies ? published?.size : undefined);
    const base = { path, recorded: entry !== undefined, expectedSha256, expectedSize };
    const target = cachedFilePath(dir, path);
    if (!(await exists(target))) {
      files.push({ ...base, status: "missing", problem: `${target} is recorded in the manifest but absent` });
      continue;
    }
    const actual = await sha256File(target);
    const problems: string[] = [];
    const check = (label: string, expected: string | number | undefined, got: string | number): void => {
      if (expected !== undefined && expected !== got) problems.push(`${label} expected ${expected}, got ${got}`);
    };
    check("size (manifest)", entry?.size, actual.size);
    check("sha256 (manifest)", entry?.sha256, actual.sha256);
    if (registryApplies) {
      check("size (registry)", published?.size, actual.size);
      check("sha256 (registry)", published?.sha256?.toLowerCase(), actual.sha256);
    }
    files.push({
      ...base,
      size: actual.size,
      sha256: actual.sha256,
      status: problems.length === 0 ? "ok" : "corrupt",
      ...(problems.length > 0 ? { problem: problems.join("; ") } : {}),
    });
  }
  return { modelId, dir, ok: files.every((f) => f.status === "ok"), files };
}
