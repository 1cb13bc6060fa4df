/**
 * L2: `embedkit-manifest.json`, the record of what is in one model folder of the cache:
 * for each file its path, size, sha256, source (hub URL or imported-from path) and time.
 * Written atomically (temp file + fsync + rename).
 */
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { MANIFEST_FILE } from "./cache-layout.js";
import { asCacheWriteError } from "./cache-write-error.js";

export interface ManifestEntry {
  /** Hub repository path, e.g. "onnx/model.onnx". */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** The hub URL it was downloaded from, or the imported file: a path, or `<archive>!/<entry>`. */
  readonly source: string;
  /** Git revision it was downloaded at (absent for imported files). */
  readonly revision?: string;
  /** ISO 8601 time the file was written. */
  readonly time: string;
  /**
   * The file's mtime (ms) when its sha256 was last confirmed (at write time or at a load). A load
   * that finds another mtime or size hashes the file again before using it.
   */
  readonly mtimeMs?: number;
}

export interface Manifest {
  readonly version: 1;
  readonly modelId: string;
  /** Sorted by path. */
  readonly files: readonly ManifestEntry[];
}

function isEntry(v: unknown): v is ManifestEntry {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e["path"] === "string" &&
    typeof e["size"] === "number" &&
    typeof e["sha256"] === "string" &&
    typeof e["source"] === "string" &&
    typeof e["time"] === "string" &&
    (e["mtimeMs"] === undefined || typeof e["mtimeMs"] === "number")
  );
}

/** The manifest of a model folder; undefined when there is none. */
export async function readManifest(modelDir: string): Promise<Manifest | undefined> {
  const path = join(modelDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
  const corrupt = (why: string): EmbedkitError =>
    new EmbedkitError(
      ERROR_CODES.MODEL_FILE_CORRUPT,
      `the cache manifest "${path}" is corrupt (${why}); remove the model with \`embedkit models rm\` and download or import it again`,
      { path },
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
  const m = parsed as Partial<Record<keyof Manifest, unknown>> | null;
  if (
    typeof m !== "object" ||
    m === null ||
    m.version !== 1 ||
    typeof m.modelId !== "string" ||
    !Array.isArray(m.files)
  ) {
    throw corrupt("expected { version: 1, modelId, files: [...] }");
  }
  if (!m.files.every(isEntry)) throw corrupt("a file entry lacks path, size, sha256, source or time");
  return { version: 1, modelId: m.modelId, files: m.files };
}

/** The manifest entry for a repository path, if recorded. */
export function manifestEntry(manifest: Manifest | undefined, path: string): ManifestEntry | undefined {
  return manifest?.files.find((f) => f.path === path);
}

/** Adds or replaces entries (by path) and/or drops paths, then writes the manifest atomically. */
export async function updateManifest(
  modelDir: string,
  modelId: string,
  change: { upsert?: readonly ManifestEntry[]; remove?: readonly string[] },
): Promise<Manifest> {
  const current = await readManifest(modelDir);
  const byPath = new Map((current?.files ?? []).map((f) => [f.path, f] as const));
  for (const p of change.remove ?? []) byPath.delete(p);
  for (const e of change.upsert ?? []) byPath.set(e.path, e);
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = { version: 1, modelId, files };
  const target = join(modelDir, MANIFEST_FILE);
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(modelDir, { recursive: true });
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(`${JSON.stringify(manifest, null, 2)}\n`, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw asCacheWriteError(e, target);
  }
  return manifest;
}
