/**
 * L2: turns a failed file-system write into the typed CACHE_WRITE_FAILED error.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOTDIR: "a parent of the path is a file, not a folder",
  EISDIR: "the path is a folder",
};

function errnoCode(e: unknown): string | undefined {
  if (typeof e === "object" && e !== null && "code" in e && typeof (e as { code: unknown }).code === "string") {
    return (e as { code: string }).code;
  }
  return undefined;
}

/**
 * The CACHE_WRITE_FAILED error for a write error whose cause is the disk or permissions
 * (ENOSPC, EACCES, ...); any other error is returned unchanged. Usage: `throw asCacheWriteError(e, path)`.
 */
export function asCacheWriteError(e: unknown, path: string): unknown {
  const code = errnoCode(e);
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason === undefined) return e;
  return new EmbedkitError(
    ERROR_CODES.CACHE_WRITE_FAILED,
    `cannot write "${path}" in the model cache: ${reason} (${code}); free some space or point EMBEDKIT_CACHE to a writable folder`,
    { path, errno: code },
    { cause: e },
  );
}
