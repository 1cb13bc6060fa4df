/**
 * L2: turns a model name into files on disk. A registry id is looked up in the cache and
 * downloaded from the hub when absent (unless offline); a path to a folder is a custom model.
 */
import { readdir, rm, rmdir, stat } from "node:fs/promises";
import { dirname, relative } from "node:path";
import type { StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../errors.js";
import { getModelSpec, isModelId } from "../models/registry.js";
import type { ModelFile, ModelSource, ModelSpec } from "../models/spec.js";
import type { Quantization } from "../types.js";
import { cachedFilePath, modelCacheDir } from "./cache-layout.js";
import { checkCachedFile, type CachedFileState } from "./cache-check.js";
import { confirmCachedFile, type VerifyMode } from "./confirm-cached-file.js";
import { downloadFile, type DownloadProgress, type RetryOptions } from "./download-file.js";
import { resolveLocalModel, type LocalModelOverrides } from "./local.js";
import { manifestEntry, readManifest, updateManifest, type ManifestEntry } from "./manifest.js";
import { withModelLock } from "./model-lock.js";
import { onnxFileFor } from "./onnx-file-for.js";
import type { ResolvedModel } from "./resolved-model.js";

export interface ResolveRequest {
  /** A registry model id, or the path of a local model folder. */
  readonly model: string;
  /** Default "fp32". */
  readonly quantization?: Quantization | undefined;
  readonly store: StoreConfig;
  /** Hub revision; default the registry's. Another revision skips the registry's size/sha256 checks. */
  readonly revision?: string | undefined;
  readonly onProgress?: ((p: DownloadProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Download retry tuning (tests, slow links). */
  readonly retry?: RetryOptions | undefined;
  /** Facts that win over a local folder's files; rejected for registry models. */
  readonly overrides?: LocalModelOverrides | undefined;
  /**
   * When cached files are hashed before use (see confirm-cached-file.ts). Default "changed": only
   * a file whose size or mtime differs from the manifest's record. A local folder is never hashed.
   */
  readonly verify?: VerifyMode | undefined;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function hubUrl(store: StoreConfig, repo: string, revision: string, path: string): string {
  const encodedPath = path.split("/").map(encodeURIComponent).join("/");
  return `${store.hfEndpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}

function offlineError(
  modelId: string,
  quantization: Quantization,
  dir: string,
  states: readonly CachedFileState[],
): EmbedkitError {
  const bad = states.find((s) => s.state === "bad");
  if (bad !== undefined) {
    return new EmbedkitError(
      ERROR_CODES.MODEL_FILE_CORRUPT,
      `cached file "${bad.path}" of model "${modelId}" is damaged (${bad.why}); offline mode is on, so it cannot be downloaded again: ` +
        `remove the model with \`embedkit models rm ${modelId}\` and import it again with \`embedkit models import\``,
      { model: modelId, path: bad.path, reason: bad.why },
    );
  }
  const missing = states.filter((s) => s.state !== "ok").map((s) => s.path);
  return new EmbedkitError(
    ERROR_CODES.OFFLINE_MODEL_NOT_CACHED,
    `model "${modelId}" (${quantization}) is not in the cache at "${dir}" and offline mode is on (EMBEDKIT_OFFLINE); ` +
      `copy it in with \`embedkit models import <folder|.zip|.jar|.tar.gz> --model ${modelId} --quantization ${quantization}\`, ` +
      "or turn offline mode off to download it",
    { model: modelId, quantization, cacheDir: dir, missing },
  );
}

export async function resolveModelFiles(request: ResolveRequest): Promise<ResolvedModel> {
  const quantization = request.quantization ?? "fp32";
  if (!isModelId(request.model)) {
    if (await isDirectory(request.model)) {
      return resolveLocalModel({ folder: request.model, quantization, ...request.overrides });
    }
    getModelSpec(request.model); // throws UNKNOWN_MODEL with suggestions
  }
  const modelId = request.model;
  const given = Object.entries(request.overrides ?? {}).filter(([, v]) => v !== undefined);
  if (given.length > 0) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${given.map(([k]) => `\`${k}\``).join(", ")} can only be set for a local model folder; "${modelId}" is a registry model whose facts are fixed`,
      { model: modelId, options: given.map(([k]) => k) },
    );
  }
  const spec = getModelSpec(modelId);
  const files = await resolveCachedFiles({ ...request, modelId, quantization, record: spec });
  return { modelId, spec, ...files, quantization };
}

/** The file facts of a registry record, dense or sparse: where it lives and which files it has. */
export interface FileRecord {
  readonly source: ModelSource;
  readonly files: Pick<ModelSpec["files"], "tokenizer" | "config" | "onnx">;
}

export interface CachedFilesRequest extends ResolveRequest {
  readonly modelId: string;
  readonly quantization: Quantization;
  readonly record: FileRecord;
  /** Further files the model needs (an IDF table), checked and downloaded like the tokenizer. */
  readonly extra?: readonly ModelFile[];
}

/** Paths of a registry model's files in the cache. */
export interface CachedFiles {
  readonly onnxPath: string;
  readonly tokenizerPath: string;
  readonly dir: string;
}

/**
 * The cache half of resolving a registry model: checks the record's files in the cache and
 * downloads what is missing (unless offline). Shared by dense and sparse records.
 */
export async function resolveCachedFiles(request: CachedFilesRequest): Promise<CachedFiles> {
  const { store, modelId, quantization, record: spec } = request;
  const onnx = onnxFileFor(modelId, spec, quantization);
  const dir = modelCacheDir(store.cacheDir, modelId);
  const revision = request.revision ?? spec.source.revision;
  const useRegistryFacts = revision === spec.source.revision;
  const checkOptions = { useRegistryFacts, revision: useRegistryFacts ? undefined : revision };

  return withModelLock(dir, async () => {
    const manifest = await readManifest(dir);
    const needed = [
      spec.files.tokenizer,
      ...(request.extra ?? []),
      ...(onnx.externalData ? [onnx.externalData] : []),
      onnx,
    ];
    const states: CachedFileState[] = [];
    const stamps: ManifestEntry[] = [];
    for (const file of needed) {
      const cheap = await checkCachedFile(dir, file, manifest, checkOptions);
      if (cheap.state !== "ok") {
        states.push(cheap);
        continue;
      }
      const c = await confirmCachedFile(file, cheap, manifestEntry(manifest, file.path), {
        useRegistryFacts,
        mode: request.verify ?? "changed",
      });
      states.push(c.state);
      if (c.stamp) stamps.push(c.stamp);
    }
    // Best effort: a read-only cache still loads (and hashes again next time).
    if (stamps.length > 0) await updateManifest(dir, modelId, { upsert: stamps }).catch(() => undefined);
    const todo = needed.filter((_, i) => states[i]?.state !== "ok");
    if (todo.length > 0) {
      if (store.offline) throw offlineError(modelId, quantization, dir, states);
      for (const s of states) if (s.state === "bad") await rm(s.path, { force: true });
      const optional = spec.files.config;
      const configState = optional ? await checkCachedFile(dir, optional, manifest, checkOptions) : undefined;
      const downloads = configState && configState.state !== "ok" && optional ? [...todo, optional] : todo;
      try {
        for (const file of downloads) {
          const url = hubUrl(store, spec.source.repo, revision, file.path);
          const target = cachedFilePath(dir, file.path);
          let digest;
          try {
            digest = await downloadFile({
              ref: { repo: spec.source.repo, revision, path: file.path, url },
              target,
              token: store.hfToken,
              expected: useRegistryFacts ? { size: file.size, sha256: file.sha256 } : undefined,
              onProgress: request.onProgress,
              signal: request.signal,
              retry: request.retry,
            });
          } catch (e) {
            if (file === optional && isEmbedkitError(e, ERROR_CODES.HUB_NOT_FOUND)) continue; // config.json is optional
            throw e;
          }
          // The sha256 was computed over the bytes as they were written: record the mtime it holds for.
          const { mtimeMs } = await stat(target);
          await updateManifest(dir, modelId, {
            upsert: [
              {
                path: file.path,
                size: digest.size,
                sha256: digest.sha256,
                source: url,
                revision,
                time: new Date().toISOString(),
                mtimeMs,
              },
            ],
          });
        }
      } catch (e) {
        await removeEmptyFolders(dirname(cachedFilePath(dir, onnx.path)), store.cacheDir);
        throw e;
      }
    }
    return {
      onnxPath: cachedFilePath(dir, onnx.path),
      tokenizerPath: cachedFilePath(dir, spec.files.tokenizer.path),
      dir,
    };
  });
}

/**
 * After a failed download: removes `from` and its parents up to (not including) `cacheDir`
 * while they are empty, so a failed pull leaves no empty model folder behind. A folder holding
 * anything (a `.part` kept for resuming, other variants) stays.
 */
async function removeEmptyFolders(from: string, cacheDir: string): Promise<void> {
  let dir = from;
  while (relative(cacheDir, dir) !== "" && !relative(cacheDir, dir).startsWith("..")) {
    const entries = await readdir(dir).catch(() => undefined); // undefined: not created yet
    if (entries !== undefined && entries.length > 0) return;
    if (entries !== undefined) await rmdir(dir).catch(() => undefined);
    dir = dirname(dir);
  }
}
