/**
 * L7: the file `embed --output` writes, made safe:
 * - checked before the model loads: its folder exists and is a folder, the path is not a folder,
 *   and a file can be created beside it (a read-only file system or a missing permission shows here);
 * - a regular file is written as a temp file beside it and renamed over it only when the run
 *   succeeded, so a run that fails leaves an existing file as it was; what was written before an
 *   input error is kept as `<path>.partial`;
 * - a device, pipe or socket (/dev/stdout, /dev/full, a fifo) is written in place;
 * - writes go through a FileHandle, so every failure is a rejected promise (never an unhandled
 *   stream 'error' event) and becomes OUTPUT_WRITE_FAILED naming the path and the reason.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, chmod, open, realpath, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "its folder does not exist",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a directory",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "the file is too large for the file system",
  ESPIPE: "it cannot be rewritten in place (a pipe or device); use a regular file for .npy",
  EIO: "an input/output error of the device",
};

/** OUTPUT_WRITE_FAILED for `path`, from an errno-style error or a reason in words. */
export function outputError(path: string, cause: unknown, flag = "--output"): EmbedkitError {
  const code = typeof cause === "string" ? undefined : (cause as { code?: unknown } | null)?.code;
  const reason =
    typeof cause === "string"
      ? cause
      : typeof code === "string" && REASONS[code] !== undefined
        ? `${REASONS[code]} (${code})`
        : cause instanceof Error
          ? cause.message
          : String(cause);
  return new EmbedkitError(
    ERROR_CODES.OUTPUT_WRITE_FAILED,
    flag === path ? `cannot write to ${path}: ${reason}` : `cannot write ${flag} "${path}": ${reason}`,
    { flag, path, reason, ...(typeof code === "string" ? { errno: code } : {}) },
    { cause },
  );
}

export class OutputFile {
  private closed = false;

  private constructor(
    /** The path as given (named in errors). */
    readonly path: string,
    private readonly fh: FileHandle,
    /** Where the bytes go until commit(); undefined when writing in place (a device or pipe). */
    private readonly tmp: string | undefined,
    /** The file the temp file replaces (the target of a symlink, resolved). */
    private readonly target: string,
  ) {}

  /** Checks `path` and opens it for writing (see the module comment); throws OUTPUT_WRITE_FAILED. */
  static async open(path: string): Promise<OutputFile> {
    const existing = await stat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      throw outputError(path, e);
    });
    if (existing?.isDirectory()) throw outputError(path, { code: "EISDIR" });
    if (existing !== undefined && !existing.isFile()) {
      const fh = await open(path, "w").catch((e: unknown) => {
        throw outputError(path, e);
      });
      return new OutputFile(path, fh, undefined, path);
    }
    const target = existing ? await realpath(path) : path;
    // Renaming over a file its owner made read-only would bypass that protection, as `>` does not.
    if (existing)
      await access(target, constants.W_OK).catch((e: unknown) => {
        throw outputError(path, e);
      });
    const dir = dirname(target);
    const dirStat = await stat(dir).catch((e: unknown) => {
      throw outputError(path, e);
    });
    if (!dirStat.isDirectory()) throw outputError(path, `"${dir}" is not a folder`);
    const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const fh = await open(tmp, "wx").catch((e: unknown) => {
      throw outputError(path, e);
    });
    if (existing) await chmod(tmp, existing.mode & 0o7777).catch(() => undefined);
    return new OutputFile(path, fh, tmp, target);
  }

  /** Writes `data` at `position` (default: after the last write). */
  async write(data: Buffer, position?: number): Promise<void> {
    try {
      let done = 0;
      while (done < data.length) {
        const at = position === undefined ? null : position + done;
        const { bytesWritten } = await this.fh.write(data, done, data.length - done, at);
        done += bytesWritten;
      }
    } catch (e) {
      throw outputError(this.path, e);
    }
  }

  /** Flushes and puts the file in place (renames the temp file over the target). */
  async commit(): Promise<void> {
    try {
      if (this.tmp !== undefined) await this.fh.datasync();
      this.closed = true;
      await this.fh.close();
      if (this.tmp !== undefined) await rename(this.tmp, this.target);
    } catch (e) {
      await this.discard();
      throw outputError(this.path, e);
    }
  }

  /**
   * After a failure: the target stays as it was. `keepAs` (when given) receives what was written
   * so far; else it is deleted. Returns where the partial output went, if anywhere. Never throws.
   */
  async abandon(keepAs?: string): Promise<string | undefined> {
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    if (this.tmp === undefined) return undefined;
    if (keepAs !== undefined) {
      const moved = await rename(this.tmp, keepAs).then(
        () => true,
        () => false,
      );
      if (moved) return keepAs;
    }
    await this.discard();
    return undefined;
  }

  private async discard(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    if (this.tmp !== undefined) await rm(this.tmp, { force: true }).catch(() => undefined);
  }
}
