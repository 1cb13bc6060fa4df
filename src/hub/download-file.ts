/**
 * L2: downloads one hub file into the cache, safely:
 * - writes `<target>.part`, then fsync + rename, so a half-written file is never used;
 * - resumes an existing `.part` with an HTTP Range request when the server answers 206,
 *   and restarts cleanly when it answers 200;
 * - retries network errors, stalls and 429/5xx a bounded number of times with backoff;
 * - hashes while streaming and checks sha256/size when known (a bad file is deleted);
 * - follows redirects itself, dropping the Authorization header when the origin changes.
 */
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { PART_SUFFIX } from "./cache-layout.js";
import { asCacheWriteError } from "./cache-write-error.js";
import { HashingWriter } from "./hashing-writer.js";
import { hubNetworkError, hubStatusError, type HubFileRef } from "./hub-error.js";
import type { FileDigest } from "./sha256-file.js";

export interface DownloadProgress {
  /** Hub repository path of the file, e.g. "onnx/model.onnx". */
  readonly file: string;
  readonly bytesDone: number;
  /** Undefined when neither the registry nor the server tells the size. */
  readonly bytesTotal: number | undefined;
}

export interface RetryOptions {
  /** Total attempts per file, first included. Default 5. */
  readonly attempts?: number;
  /** Delay before the 2nd attempt; doubles each time, capped at 10 s. Default 500 ms. */
  readonly baseDelayMs?: number;
  /** An attempt fails when no byte arrives for this long (headers included). Default 60 s. */
  readonly stallTimeoutMs?: number;
}

export interface DownloadRequest {
  readonly ref: HubFileRef;
  /** Final path; `<target>.part` is used while downloading. */
  readonly target: string;
  readonly token?: string | undefined;
  /** Published size/sha256, checked when given. */
  readonly expected?: { readonly size?: number | undefined; readonly sha256?: string | undefined };
  readonly onProgress?: ((p: DownloadProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly retry?: RetryOptions | undefined;
}

/** A failure worth another attempt (network error, stall, 429/5xx, stale partial file). */
class TransientFailure extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const PROGRESS_STEP = 1 << 20;

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const msg = typeof cause?.message === "string" ? cause.message : e instanceof Error ? e.message : String(e);
  return code !== undefined && !msg.includes(code) ? `${msg} (${code})` : msg;
}

async function fetchFollowingRedirects(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Response> {
  let current = new URL(url);
  const hdrs = { ...headers };
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let res: Response;
    try {
      res = await fetch(current, { headers: hdrs, redirect: "manual", signal });
    } catch (e) {
      throw new TransientFailure(networkReason(e), { cause: e });
    }
    const location = res.headers.get("location");
    if (!REDIRECTS.has(res.status) || location === null) return res;
    await res.body?.cancel().catch(() => undefined);
    const next = new URL(location, current);
    if (next.origin !== current.origin) delete hdrs["authorization"];
    current = next;
  }
  throw new TransientFailure(`more than ${MAX_REDIRECTS} redirects`);
}

function parseContentRange(v: string | null): { start: number; total: number | undefined } | undefined {
  const m = v === null ? null : /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(v.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return { start: Number(m[1]), total: m[2] === "*" ? undefined : Number(m[2]) };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function corruptError(
  req: DownloadRequest,
  what: string,
  expected: string | number,
  actual: string | number,
): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.MODEL_FILE_CORRUPT,
    `"${req.ref.path}" downloaded from "${req.ref.repo}" (${req.ref.url}) has the wrong ${what}: expected ${expected}, got ${actual}; ` +
      "the file was deleted. The hub copy may have changed or the transfer was altered; try again, or import a verified copy with `embedkit models import`",
    { path: req.ref.path, repo: req.ref.repo, url: req.ref.url, field: what, expected, actual },
  );
}

/** One attempt: returns the digest of the completed `.part` file (not yet renamed). */
async function attempt(
  req: DownloadRequest,
  part: string,
  stallMs: number,
): Promise<FileDigest & { resumed: boolean }> {
  const offset = await sizeOf(part);
  const expectedSize = req.expected?.size;
  const stall = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new Error(`no data received for ${stallMs} ms`)), stallMs);
  };
  const signal = req.signal ? AbortSignal.any([req.signal, stall.signal]) : stall.signal;
  // identity: byte offsets (Range) and sizes must refer to the file itself, not a gzip of it.
  const headers: Record<string, string> = { "user-agent": "embedkit", "accept-encoding": "identity" };
  if (req.token) headers["authorization"] = `Bearer ${req.token}`;
  if (offset > 0) headers["range"] = `bytes=${offset}-`;
  let writer: HashingWriter | undefined;
  arm();
  try {
    const res = await fetchFollowingRedirects(req.ref.url, headers, signal);
    const contentLength = Number(res.headers.get("content-length") ?? NaN);
    let append = false;
    let total: number | undefined = expectedSize;
    if (res.status === 206 && offset > 0) {
      const range = parseContentRange(res.headers.get("content-range"));
      if (range === undefined || range.start !== offset) {
        await res.body?.cancel().catch(() => undefined);
        await rm(part, { force: true });
        throw new TransientFailure(`server resumed at the wrong offset (${res.headers.get("content-range")})`);
      }
      append = true;
      total ??= range.total;
    } else if (res.status === 416) {
      await res.body?.cancel().catch(() => undefined);
      await rm(part, { force: true });
      throw new TransientFailure("server rejected the resume range (HTTP 416)");
    } else if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 429 || res.status >= 500) throw new TransientFailure(`HTTP ${res.status}`);
      throw hubStatusError(req.ref, res.status, req.token !== undefined && req.token !== "");
    } else {
      total ??= Number.isFinite(contentLength) ? contentLength : undefined;
    }
    writer = await HashingWriter.open(part, { append });
    const w = writer;
    let lastReported = w.size;
    req.onProgress?.({ file: req.ref.path, bytesDone: w.size, bytesTotal: total });
    if (res.body === null) throw new TransientFailure("response has no body");
    const reader = res.body.getReader();
    const next = async (): ReturnType<typeof reader.read> => {
      try {
        return await reader.read();
      } catch (e) {
        throw new TransientFailure(
          stall.signal.aborted ? String((stall.signal.reason as Error).message) : networkReason(e),
          {
            cause: e,
          },
        );
      }
    };
    for (;;) {
      const chunk = await next();
      if (chunk.done) break;
      arm();
      if (expectedSize !== undefined && w.size + chunk.value.length > expectedSize) {
        await reader.cancel().catch(() => undefined);
        await w.abandon();
        await rm(part, { force: true });
        throw corruptError(req, "size", `${expectedSize} bytes`, `more than ${expectedSize} bytes`);
      }
      await w.write(chunk.value);
      if (w.size - lastReported >= PROGRESS_STEP) {
        lastReported = w.size;
        req.onProgress?.({ file: req.ref.path, bytesDone: w.size, bytesTotal: total });
      }
    }
    writer = undefined;
    const digest = await w.finish();
    if (lastReported !== digest.size)
      req.onProgress?.({ file: req.ref.path, bytesDone: digest.size, bytesTotal: total });
    return { ...digest, resumed: append };
  } catch (e) {
    if (e instanceof TransientFailure || e instanceof EmbedkitError) throw e;
    if (req.signal?.aborted) throw e;
    if (stall.signal.aborted) throw new TransientFailure(String((stall.signal.reason as Error).message), { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
    await writer?.abandon();
  }
}

/** Downloads `req.ref.url` to `req.target` (see the module comment for the guarantees). */
export async function downloadFile(req: DownloadRequest): Promise<FileDigest> {
  const attempts = Math.max(1, req.retry?.attempts ?? 5);
  const baseDelay = req.retry?.baseDelayMs ?? 500;
  const stallMs = req.retry?.stallTimeoutMs ?? 60_000;
  const part = `${req.target}${PART_SUFFIX}`;
  try {
    await mkdir(dirname(req.target), { recursive: true });
  } catch (e) {
    throw asCacheWriteError(e, dirname(req.target));
  }
  let restartedAfterMismatch = false;
  for (let n = 1; ; n++) {
    try {
      const got = await attempt(req, part, stallMs);
      const exp = req.expected;
      const sizeBad = exp?.size !== undefined && got.size !== exp.size;
      const shaBad = exp?.sha256 !== undefined && got.sha256 !== exp.sha256.toLowerCase();
      if (sizeBad || shaBad) {
        await rm(part, { force: true });
        // A stale .part from an earlier run can spoil a resumed file: retry once from scratch.
        if (got.resumed && !restartedAfterMismatch && n < attempts) {
          restartedAfterMismatch = true;
          continue;
        }
        if (sizeBad) throw corruptError(req, "size", `${exp?.size} bytes`, `${got.size} bytes`);
        throw corruptError(req, "sha256", exp?.sha256 ?? "", got.sha256);
      }
      try {
        await rename(part, req.target);
      } catch (e) {
        throw asCacheWriteError(e, req.target);
      }
      await syncDir(dirname(req.target));
      return { sha256: got.sha256, size: got.size };
    } catch (e) {
      if (req.signal?.aborted) throw req.signal.reason ?? e;
      if (!(e instanceof TransientFailure)) throw e;
      if (n >= attempts) throw hubNetworkError(req.ref, e.message, n, e);
      await sleep(
        Math.min(baseDelay * 2 ** (n - 1), 10_000),
        undefined,
        req.signal ? { signal: req.signal } : {},
      ).catch(() => {
        throw req.signal?.reason ?? e;
      });
    }
  }
}

/** Makes a rename durable (best effort: not every platform can fsync a folder). */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // ignored
  }
}
