/**
 * L2: the cheap check run on every resolve: is a cached file present, and does its size
 * agree with the manifest and the registry? (The full sha256 re-check is verifyModel.)
 */
import { stat } from "node:fs/promises";
import type { ModelFile } from "../models/spec.js";
import { cachedFilePath } from "./cache-layout.js";
import { manifestEntry, type Manifest } from "./manifest.js";

export type CachedFileState =
  | { readonly state: "ok"; readonly path: string; readonly size: number }
  | { readonly state: "missing"; readonly path: string; readonly why: string }
  | { readonly state: "bad"; readonly path: string; readonly why: string };

export interface CacheCheckOptions {
  /** Whether the registry's size applies (false when another revision than the registry's was asked for). */
  readonly useRegistryFacts: boolean;
  /** When given, a file downloaded at another revision counts as missing. */
  readonly revision?: string | undefined;
}

export async function checkCachedFile(
  modelDir: string,
  file: ModelFile,
  manifest: Manifest | undefined,
  options: CacheCheckOptions,
): Promise<CachedFileState> {
  const path = cachedFilePath(modelDir, file.path);
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) return { state: "bad", path, why: "is not a regular file" };
    size = st.size;
  } catch {
    return { state: "missing", path, why: "not in the cache" };
  }
  const entry = manifestEntry(manifest, file.path);
  if (options.revision !== undefined && entry?.revision !== options.revision) {
    return { state: "missing", path, why: `cached copy is not from revision "${options.revision}"` };
  }
  if (entry !== undefined && entry.size !== size) {
    return { state: "bad", path, why: `size is ${size} bytes but the manifest recorded ${entry.size}` };
  }
  if (options.useRegistryFacts && file.size !== undefined && file.size !== size) {
    return { state: "bad", path, why: `size is ${size} bytes but the registry says ${file.size}` };
  }
  return { state: "ok", path, size };
}
