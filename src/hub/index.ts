/**
 * L2: the model store's public surface (find / download / verify / cache model files).
 */
export { MANIFEST_FILE, modelCacheDir } from "./cache-layout.js";
export type { DownloadProgress, RetryOptions } from "./download-file.js";
export { importModel, type ImportedFile, type ImportRequest, type ImportResult } from "./import.js";
export { listCachedModels, type CachedFile, type CachedModel } from "./list.js";
export { resolveLocalModel, type LocalModelOverrides, type LocalModelRequest } from "./local.js";
export type { Manifest, ManifestEntry } from "./manifest.js";
export { removeModel, type RemoveResult } from "./remove.js";
export { resolveModelFiles, type ResolveRequest } from "./resolve.js";
export type { ResolvedModel } from "./resolved-model.js";
export { verifyModel, type FileVerification, type VerifyReport } from "./verify.js";
