/**
 * L5: the ONLY place that speaks HTTP to a Chroma server (its v2 REST API, with Node's fetch),
 * behind our own small interface: JSON in, JSON out. Every failure leaves here as an
 * EmbedkitError: a server that cannot be reached or does not answer within the timeout is
 * `database_unreachable` naming host and port; an answer that is not 2xx is `database_error`
 * with the HTTP status and Chroma's own error name and message.
 */
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import { UNREACHABLE_ERRNOS } from "../network-errors.js";
import type { ChromaServer } from "./chroma-url.js";

/** A JSON value as Chroma returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One request to the server. */
export interface ChromaRequest {
  readonly method: "GET" | "POST" | "DELETE";
  /** Path under `/api/v2`, e.g. `/heartbeat`. */
  readonly path: string;
  readonly body?: unknown;
  /** What the request does, for messages ("adding 500 records"). */
  readonly what: string;
  /** Give up after this many milliseconds (the client's default otherwise). */
  readonly timeoutMs?: number;
  /** Statuses that are an answer, not an error (e.g. 404 for a collection that is not there). */
  readonly accept?: readonly number[];
}

/** An answer: the status and the parsed JSON body. */
export interface ChromaAnswer {
  readonly status: number;
  readonly body: Json;
}

/** Network errors that mean "nobody answered there": the sinks' own, and undici's socket failures. */
const UNREACHABLE = new Set([...UNREACHABLE_ERRNOS, "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

function errnoOf(cause: unknown): string | undefined {
  let c: unknown = cause;
  for (let depth = 0; depth < 4 && c !== null && typeof c === "object"; depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string") return code;
    c = (c as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A small JSON client of one Chroma server. */
export class ChromaHttp {
  constructor(
    readonly server: ChromaServer,
    private readonly timeoutMs: number,
  ) {}

  /** Sends the request; resolves with the answer, or throws a typed error. */
  async request(r: ChromaRequest): Promise<ChromaAnswer> {
    const timeoutMs = r.timeoutMs ?? this.timeoutMs;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.server.baseUrl}/api/v2${r.path}`, {
        method: r.method,
        headers: r.body === undefined ? {} : { "content-type": "application/json" },
        ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (cause) {
      throw this.unreachable(cause, timeoutMs, r.what);
    }
    let body: Json;
    try {
      body = (text === "" ? null : JSON.parse(text)) as Json;
    } catch (cause) {
      throw new EmbedkitError(
        ERROR_CODES.DATABASE_ERROR,
        `the server at ${this.server.host}:${this.server.port} answered ${r.what} with HTTP ${res.status} and a body that is not JSON (is it a Chroma server?): ${text.slice(0, 120)}`,
        { host: this.server.host, port: this.server.port, status: res.status },
        { cause },
      );
    }
    if (res.ok || r.accept?.includes(res.status)) return { status: res.status, body };
    const o = body !== null && typeof body === "object" && !Array.isArray(body) ? body : {};
    const serverError = typeof o["error"] === "string" ? o["error"] : `HTTP ${res.status}`;
    const serverMessage = typeof o["message"] === "string" ? o["message"] : text.slice(0, 200);
    throw new EmbedkitError(
      ERROR_CODES.DATABASE_ERROR,
      `the Chroma server at ${this.server.host}:${this.server.port} refused ${r.what}: ${serverError}: ${serverMessage} (HTTP ${res.status})`,
      { host: this.server.host, port: this.server.port, status: res.status, serverError, serverMessage },
    );
  }

  private unreachable(cause: unknown, timeoutMs: number, what: string): EmbedkitError {
    const name = (cause as { name?: unknown }).name;
    const timedOut = name === "TimeoutError" || name === "AbortError";
    const errno = timedOut ? "timeout" : (errnoOf(cause) ?? "unknown");
    const why = timedOut ? `no answer within ${timeoutMs} ms` : errno;
    const { host, port } = this.server;
    if ((cause as { cause?: { message?: unknown } }).cause?.message === "bad port") {
      return new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `url ${this.server.baseUrl}: port ${port} is one Node's fetch never connects to (a "bad port" of the Fetch standard, such as 1, 25 or 6000); serve Chroma on another port`,
        { field: "url", host, port, value: this.server.baseUrl },
        { cause },
      );
    }
    if (!timedOut && !UNREACHABLE.has(errno)) {
      return new EmbedkitError(
        ERROR_CODES.DATABASE_ERROR,
        `the HTTP client failed during ${what} at ${host}:${port}: ${(cause as Error).message}`,
        { host, port, errno },
        { cause },
      );
    }
    return new EmbedkitError(
      ERROR_CODES.DATABASE_UNREACHABLE,
      `the Chroma server at ${host}:${port} cannot be reached during ${what} (${why}); check the url ${this.server.baseUrl} and that \`chroma run\` listens there`,
      { field: "url", host, port, timeoutMs, errno },
      { cause },
    );
  }
}
