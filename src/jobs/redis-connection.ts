/**
 * L5: the one place that opens Redis connections for jobs (ioredis, as BullMQ uses it).
 *
 * `connectRedis` first proves the server answers within `waitMs` (a PING on a probe connection
 * that gives up at the deadline), so an unreachable Redis is a typed error naming the URL, never
 * an endless hang. The connection it returns then reconnects forever, as a long-running worker
 * must when Redis restarts; commands issued meanwhile wait in ioredis's offline queue.
 */
import { Redis } from "ioredis";
import { EmbedkitError, ERROR_CODES } from "../errors.js";

export type RedisClient = Redis;

export interface RedisTarget {
  /** redis://[user:password@]host:port[/db] */
  readonly url: string;
  /** How long to wait for the first answer. Default 5000 ms. */
  readonly waitMs?: number;
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

function parseUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `--redis must be a redis:// URL, got "${url}"`, {
      field: "redis",
      value: url,
    });
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--redis must be a redis:// or rediss:// URL, got "${safeUrl(url)}"`,
      { field: "redis", value: safeUrl(url) },
    );
  }
}

/** Fails with QUEUE_UNREACHABLE unless Redis answers PING within `waitMs`. */
export async function probeRedis({ url, waitMs = 5000 }: RedisTarget): Promise<void> {
  parseUrl(url);
  const deadline = Date.now() + waitMs;
  let lastError = "no answer";
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: Math.max(100, waitMs),
    retryStrategy: (): number | null => (Date.now() + 200 < deadline ? 200 : null),
  });
  probe.on("error", (e: Error) => (lastError = e.message || String(e)));
  const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), waitMs).unref());
  try {
    const attempt = (async (): Promise<"ok"> => {
      for (;;) {
        try {
          if (probe.status === "wait") await probe.connect();
          await probe.ping();
          return "ok";
        } catch (e) {
          lastError = (e as Error).message || lastError;
          if (Date.now() + 200 >= deadline) throw e;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    })();
    attempt.catch(() => undefined);
    const r = await Promise.race([attempt, timer]);
    if (r !== "ok") throw new Error(lastError);
  } catch {
    throw new EmbedkitError(
      ERROR_CODES.QUEUE_UNREACHABLE,
      `Redis at ${safeUrl(url)} did not answer within ${waitMs} ms (${lastError}); check --redis and that redis-server runs`,
      { field: "redis", url: safeUrl(url), waitMs, cause: lastError },
    );
  } finally {
    probe.disconnect();
  }
}

/** A connection for BullMQ and our own keys, after probeRedis proved the server is there. */
export async function connectRedis(target: RedisTarget): Promise<RedisClient> {
  await probeRedis(target);
  const client = new Redis(target.url, {
    maxRetriesPerRequest: null, // BullMQ requires it; commands wait while Redis restarts
    retryStrategy: (times: number): number => Math.min(100 * times, 1000),
  });
  client.on("error", () => undefined); // reconnects by itself; callers see failures on their commands
  return client;
}
