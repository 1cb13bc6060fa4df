/**
 * L2: `embedkit models list`: the models present in the cache, with their variants and sizes.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { StoreConfig } from "../config/schema.js";
import { getHubRecord, isHubModelId } from "../models/hub-record.js";
import type { ModelFile } from "../models/spec.js";
import type { Quantization } from "../types.js";
import { cachedFilePath, MANIFEST_FILE, PART_SUFFIX } from "./cache-layout.js";
import { manifestEntry, readManifest } from "./manifest.js";

export interface CachedFile {
  /** Hub repository path inside the model folder. */
  readonly path: string;
  readonly size: number;
  /** From the manifest, when recorded there. */
  readonly sha256?: string;
  readonly source?: string;
}

export interface CachedModel {
  readonly modelId: string;
  readonly dir: string;
  /** Whether the id is in the registry (a stray folder is listed too, so it can be removed). */
  readonly registered: boolean;
  /** Variants whose ONNX file (and external data) is present. */
  readonly quantizations: readonly Quantization[];
  /** True when the tokenizer and at least one variant are present. */
  readonly complete: boolean;
  /** Model files (the manifest and unfinished `.part` downloads excluded). */
  readonly files: readonly CachedFile[];
  /** Disk use of the whole folder, unfinished downloads included. */
  readonly sizeBytes: number;
}

async function dirs(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

async function walkFiles(root: string, rel: string, out: { path: string; size: number }[]): Promise<void> {
  const entries = await readdir(rel === "" ? root : join(root, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const relPath = rel === "" ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) await walkFiles(root, relPath, out);
    else if (e.isFile()) out.push({ path: relPath, size: (await stat(join(root, relPath))).size });
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

export async function listCachedModels(store: StoreConfig): Promise<CachedModel[]> {
  const out: CachedModel[] = [];
  for (const org of await dirs(store.cacheDir)) {
    for (const name of await dirs(join(store.cacheDir, org))) {
      const modelId = `${org}/${name}`;
      const dir = join(store.cacheDir, org, name);
      const all: { path: string; size: number }[] = [];
      await walkFiles(dir, "", all);
      const manifest = await readManifest(dir).catch(() => undefined);
      const files = all
        .filter((f) => f.path !== MANIFEST_FILE && !f.path.endsWith(PART_SUFFIX) && !f.path.endsWith(".tmp"))
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((f): CachedFile => {
          const m = manifestEntry(manifest, f.path);
          return m ? { ...f, sha256: m.sha256, source: m.source } : f;
        });
      const registered = isHubModelId(modelId);
      const quantizations: Quantization[] = [];
      let hasTokenizer = false;
      if (registered) {
        const spec = getHubRecord(modelId);
        hasTokenizer = await isFile(cachedFilePath(dir, spec.files.tokenizer.path));
        for (const [q, f] of Object.entries(spec.files.onnx) as [Quantization, ModelFile | undefined][]) {
          if (f === undefined || !(await isFile(cachedFilePath(dir, f.path)))) continue;
          if (f.externalData !== undefined && !(await isFile(cachedFilePath(dir, f.externalData.path)))) continue;
          quantizations.push(q);
        }
      }
      out.push({
        modelId,
        dir,
        registered,
        quantizations,
        complete: hasTokenizer && quantizations.length > 0,
        files,
        sizeBytes: all.reduce((s, f) => s + f.size, 0),
      });
    }
  }
  return out;
}
