/**
 * L2: the on-disk layout of the model cache (a fixed contract other code relies on):
 * `<cacheDir>/<org>/<name>/` per registry model id, files at their hub repository paths,
 * plus `embedkit-manifest.json`.
 */
import { join } from "node:path";

/** Name of the per-model manifest file. */
export const MANIFEST_FILE = "embedkit-manifest.json";

/** Folder under the cache dir where imports are staged before being renamed into place. */
export const STAGING_DIR = ".staging";

/** Suffix of a file being downloaded; such a file is never used as a model file. */
export const PART_SUFFIX = ".part";

/** `<cacheDir>/<org>/<name>` for a model id "org/name". */
export function modelCacheDir(cacheDir: string, modelId: string): string {
  return join(cacheDir, ...modelId.split("/"));
}

/** Absolute path of a hub repository path ("onnx/model.onnx") inside a model folder. */
export function cachedFilePath(modelDir: string, repoPath: string): string {
  return join(modelDir, ...repoPath.split("/"));
}
