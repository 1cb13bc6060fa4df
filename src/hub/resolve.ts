/**
 * L2: turns a model name into files on disk. A registry id is looked up in the cache and
 * downloaded from the hub when absent (unless offline); a path to a folder is a custom model.
 */
import { rm, stat } from "node:fs/promises";
import type { StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../errors.js";
import { getModelSpec, isModelId } from "../models/registry.js";
import type { Quantization } from "../types.js";
import { cachedFilePath, modelCacheDir } from "./cache-layout.js";
import { checkCachedFile, type CachedFileState } from "./cache-check.js";
import { downloadFile, type DownloadProgress, type RetryOptions } from "./download-file.js";
import { resolveLocalModel, type LocalModelOverrides } from "./local.js";
import { readManifest, updateManifest } from "./manifest.js";
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
  const { store } = request;
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
  const onnx = onnxFileFor(modelId, spec, quantization);
  const dir = modelCacheDir(store.cacheDir, modelId);
  const revision = request.revision ?? spec.source.revision;
  const useRegistryFacts = revision === spec.source.revision;
  const checkOptions = { useRegistryFacts, revision: useRegistryFacts ? undefined : revision };

  return withModelLock(dir, async () => {
    const manifest = await readManifest(dir);
    const needed = [spec.files.tokenizer, ...(onnx.externalData ? [onnx.externalData] : []), onnx];
    const states = await Promise.all(needed.map((f) => checkCachedFile(dir, f, manifest, checkOptions)));
    const todo = needed.filter((_, i) => states[i]?.state !== "ok");
    if (todo.length > 0) {
      if (store.offline) throw offlineError(modelId, quantization, dir, states);
      for (const s of states) if (s.state === "bad") await rm(s.path, { force: true });
      const optional = spec.files.config;
      const configState = optional ? await checkCachedFile(dir, optional, manifest, checkOptions) : undefined;
      const downloads = configState && configState.state !== "ok" && optional ? [...todo, optional] : todo;
      for (const file of downloads) {
        const url = hubUrl(store, spec.source.repo, revision, file.path);
        let digest;
        try {
          digest = await downloadFile({
            ref: { repo: spec.source.repo, revision, path: file.path, url },
            target: cachedFilePath(dir, file.path),
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
        await updateManifest(dir, modelId, {
          upsert: [
            {
              path: file.path,
              size: digest.size,
              sha256: digest.sha256,
              source: url,
              revision,
              time: new Date().toISOString(),
            },
          ],
        });
      }
    }
    return {
      modelId,
      spec,
      onnxPath: cachedFilePath(dir, onnx.path),
      tokenizerPath: cachedFilePath(dir, spec.files.tokenizer.path),
      dir,
      quantization,
    };
  });
}
