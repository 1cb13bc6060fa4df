/**
 * L2: writes a file chunk by chunk while computing its sha256 and size, then fsyncs it.
 * File-system failures surface as CACHE_WRITE_FAILED (see asCacheWriteError).
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { asCacheWriteError } from "./cache-write-error.js";
import type { FileDigest } from "./sha256-file.js";

export class HashingWriter {
  readonly path: string;
  #fh: FileHandle | undefined;
  readonly #hash: Hash;
  #size: number;

  private constructor(path: string, fh: FileHandle, hash: Hash, size: number) {
    this.path = path;
    this.#fh = fh;
    this.#hash = hash;
    this.#size = size;
  }

  /**
   * Opens `path` for writing. With `append`, an existing file is kept and its bytes are fed to
   * the hash first (resuming a partial download); otherwise the file is truncated.
   */
  static async open(path: string, options: { append: boolean } = { append: false }): Promise<HashingWriter> {
    const hash = createHash("sha256");
    let size = 0;
    if (options.append) {
      try {
        for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
      } catch (e) {
        if ((e as { code?: unknown }).code !== "ENOENT") throw asCacheWriteError(e, path);
      }
    }
    try {
      const fh = await open(path, options.append ? "a" : "w");
      return new HashingWriter(path, fh, hash, size);
    } catch (e) {
      throw asCacheWriteError(e, path);
    }
  }

  /** Bytes in the file so far (including those present before an append). */
  get size(): number {
    return this.#size;
  }

  async write(chunk: Uint8Array): Promise<void> {
    const fh = this.#fh;
    if (fh === undefined) throw new Error(`HashingWriter(${this.path}) is closed`);
    try {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    } catch (e) {
      throw asCacheWriteError(e, this.path);
    }
    this.#hash.update(chunk);
    this.#size += chunk.length;
  }

  /** Flushes to disk (fsync), closes, and returns the digest of the whole file. */
  async finish(): Promise<FileDigest> {
    const fh = this.#fh;
    if (fh === undefined) throw new Error(`HashingWriter(${this.path}) is closed`);
    this.#fh = undefined;
    try {
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw asCacheWriteError(e, this.path);
    }
    try {
      await fh.close();
    } catch (e) {
      throw asCacheWriteError(e, this.path);
    }
    return { sha256: this.#hash.digest("hex"), size: this.#size };
  }

  /** Closes without fsync, ignoring errors (the caller keeps or deletes the file). */
  async abandon(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close().catch(() => undefined);
  }
}
