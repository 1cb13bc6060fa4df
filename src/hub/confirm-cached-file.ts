/**
 * L2: the sha256 check behind every load of a cached file. A file's sha256 is confirmed when it
 * is written (download, import) or, for a manifest written before this record existed, the first
 * time it is loaded; the manifest then records the size and mtime the file had (`mtimeMs`). A
 * later load whose stat shows the same size and mtime trusts that check (one stat, no read);
 * otherwise the file was touched since, and it is hashed again and compared with the manifest's
 * sha256 (and the registry's, when it applies). `always` hashes every time (`models pull`).
 */
import { stat } from "node:fs/promises";
import type { ModelFile } from "../models/spec.js";
import type { CachedFileState } from "./cache-check.js";
import type { ManifestEntry } from "./manifest.js";
import { sha256File } from "./sha256-file.js";

/** `changed`: hash only when size or mtime differ from the manifest's record; `always`: hash every file. */
export type VerifyMode = "changed" | "always";

export interface Confirmation {
  readonly state: CachedFileState;
  /** The manifest entry to write when the file was hashed and found good (its fresh size and mtime). */
  readonly stamp?: ManifestEntry;
}

export async function confirmCachedFile(
  file: ModelFile,
  state: CachedFileState & { state: "ok" },
  entry: ManifestEntry | undefined,
  options: { readonly useRegistryFacts: boolean; readonly mode: VerifyMode },
): Promise<Confirmation> {
  const st = await stat(state.path);
  if (options.mode === "changed" && entry?.mtimeMs === st.mtimeMs && entry.size === st.size) return { state };
  const published = options.useRegistryFacts ? file.sha256?.toLowerCase() : undefined;
  if (entry === undefined && published === undefined) return { state }; // nothing to compare with
  const digest = await sha256File(state.path);
  const bad = (why: string): Confirmation => ({ state: { state: "bad", path: state.path, why } });
  if (entry !== undefined && entry.sha256 !== digest.sha256) {
    return bad(
      `its sha256 is ${digest.sha256} but the manifest recorded ${entry.sha256} when it was written: the file was changed since`,
    );
  }
  if (published !== undefined && published !== digest.sha256) {
    return bad(`its sha256 is ${digest.sha256} but the registry publishes ${published}`);
  }
  const stamp: ManifestEntry = entry
    ? { ...entry, size: digest.size, mtimeMs: st.mtimeMs }
    : {
        path: file.path,
        size: digest.size,
        sha256: digest.sha256,
        source: "found in the cache without a manifest entry; matched the registry's sha256",
        time: new Date().toISOString(),
        mtimeMs: st.mtimeMs,
      };
  return { state, stamp };
}
