/**
 * L6: the one request pipeline every route goes through, so no handler repeats permit, limit,
 * error, header, log or metric code:
 *
 *   request id -> CORS -> route lookup (404/405; HEAD is GET without a body) -> shutting down?
 *   (503) -> API key (401) -> content type (415) -> admission (429) -> body (413) -> JSON (400)
 *   -> schema (422) -> handler
 *   -> response with timing headers -> one log line + metrics
 *
 * Handlers receive a parsed body and a context (request id, abort signal that fires when the
 * client goes away, the permit, timings) and return a Reply or throw; errors become responses
 * through the one errorToHttp table.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { z } from "zod";
import type { Admission, Permit } from "./admission.js";
import { bearerAuth } from "./auth.js";
import { corsHeaders, preflightHeaders, type CorsOptions } from "./cors.js";
import type { JobContext, Timings } from "./embed-service.js";
import { errorToHttp, SERVER_ERROR_CODES, ServerError, type Dialect } from "./http-errors.js";
import { parseJson, parseWith, readBody, requireJson } from "./read-body.js";
import type { ServerMetrics } from "./server-metrics.js";

export interface RequestContext extends JobContext {
  readonly id: string;
}

export interface Reply {
  readonly status?: number;
  /** A JSON body (serialized here), or `text` with `contentType`. */
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
}

export interface Route {
  readonly method: "GET" | "POST";
  readonly paths: readonly string[];
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** Error body style: TEI's `{error, error_type}` or OpenAI's `{error: {...}}`. */
  readonly dialect: Dialect;
  readonly request?: z.ZodType;
  readonly response?: z.ZodType;
  readonly responseContentType?: string;
  /** Answered without an API key (health probes). */
  readonly public?: boolean;
  /** Answered while shutting down (the route reports the state itself). */
  readonly duringShutdown?: boolean;
  /** Takes an admission permit (counts against --max-concurrent-requests). */
  readonly admitted: boolean;
  handle(ctx: RequestContext, body: unknown): Promise<Reply> | Reply;
}

type RouteSpec<S extends z.ZodType | undefined> = Omit<Route, "request" | "handle"> & {
  readonly request?: S;
  handle(ctx: RequestContext, body: S extends z.ZodType ? z.output<S> : undefined): Promise<Reply> | Reply;
};

/** Declares a route whose handler receives the body its schema parses to. */
export function defineRoute<S extends z.ZodType | undefined = undefined>(spec: RouteSpec<S>): Route {
  return spec as unknown as Route;
}

export interface PipelineOptions {
  readonly routes: readonly Route[];
  readonly admission: Admission;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  readonly cors: CorsOptions;
  readonly apiKey: string | undefined;
  readonly maxBodyBytes: number;
  readonly isShuttingDown: () => boolean;
}

const NO_PERMIT: Permit = { addInputs: () => undefined, release: () => undefined };
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Whole milliseconds, as TEI sends its timing headers (`Duration::as_millis`, truncated). */
function ms(n: number | undefined): string | undefined {
  return n === undefined ? undefined : String(Math.floor(n));
}

/** The methods a path answers, in a fixed order: GET routes also answer HEAD. */
function allowed(byMethod: ReadonlyMap<string, Route>): string[] {
  return ["GET", "HEAD", "POST"].filter((m) => byMethod.has(m === "HEAD" ? "GET" : m));
}

export function createPipeline(options: PipelineOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const table = new Map<string, Map<string, Route>>();
  for (const route of options.routes) {
    for (const path of route.paths) {
      const byMethod = table.get(path) ?? new Map<string, Route>();
      byMethod.set(route.method, route);
      table.set(path, byMethod);
    }
  }
  const checkAuth = bearerAuth(options.apiKey);

  return (req, res) => {
    void handle(req, res);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    const path = (req.url ?? "/").split("?")[0]!;
    const byMethod = table.get(path);
    // HEAD is answered by the GET route; node:http sends its headers and drops the body.
    const route = byMethod?.get(req.method === "HEAD" ? "GET" : (req.method ?? ""));
    const dialect: Dialect = route?.dialect ?? (path.startsWith("/v1/") || path === "/embeddings" ? "openai" : "tei");
    const headers: Record<string, string> = { "x-request-id": id, ...corsHeaders(req, options.cors) };
    const timings: Timings = {};
    const aborter = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborter.abort();
    });
    let permit = NO_PERMIT;
    let status: number;
    let errorCode: string | undefined;
    let failure: unknown;

    try {
      if (req.method === "OPTIONS") {
        const allow = byMethod ? [...allowed(byMethod), "OPTIONS"].join(", ") : "GET, HEAD, POST, OPTIONS";
        status = send(res, 204, { ...headers, ...preflightHeaders(req, options.cors, allow) });
      } else {
        if (!route) {
          if (byMethod) {
            headers["allow"] = allowed(byMethod).join(", ");
            throw new ServerError(
              SERVER_ERROR_CODES.METHOD_NOT_ALLOWED,
              `${req.method} is not allowed on ${path}; use ${headers["allow"]}`,
            );
          }
          throw new ServerError(SERVER_ERROR_CODES.NOT_FOUND, `no route ${req.method} ${path}; see GET /openapi.json`);
        }
        if (options.isShuttingDown() && !route.duringShutdown) {
          headers["connection"] = "close";
          throw new ServerError(SERVER_ERROR_CODES.UNHEALTHY, "the server is shutting down; retry on another instance");
        }
        if (checkAuth && !route.public) checkAuth(req);
        if (route.request) requireJson(req);
        if (route.admitted) {
          permit = options.admission.acquire();
          options.metrics.inflight.inc(1);
        }
        let body: unknown;
        if (route.request) body = parseWith(route.request, parseJson(await readBody(req, options.maxBodyBytes)));
        const reply = await route.handle({ id, signal: aborter.signal, permit, timings }, body);
        if (aborter.signal.aborted) throw new ServerError(SERVER_ERROR_CODES.CLIENT_CLOSED, "the client went away");
        addTimings(headers, timings, start);
        if (options.isShuttingDown()) headers["connection"] = "close";
        status = sendReply(res, reply, headers);
      }
    } catch (e) {
      const client =
        aborter.signal.aborted || (e instanceof ServerError && e.code === SERVER_ERROR_CODES.CLIENT_CLOSED);
      const http = errorToHttp(
        client ? new ServerError(SERVER_ERROR_CODES.CLIENT_CLOSED, "the client went away") : e,
        dialect,
      );
      errorCode = http.code;
      if (http.internal) failure = e;
      if (client) {
        status = 499;
      } else {
        // A body that was refused part-way is not read further: answer, then close the connection.
        if (http.code === SERVER_ERROR_CODES.PAYLOAD_TOO_LARGE) headers["connection"] = "close";
        status = sendReply(res, { status: http.status, json: http.body }, { ...headers, ...http.headers });
      }
    } finally {
      if (permit !== NO_PERMIT) options.metrics.inflight.inc(-1);
      permit.release();
    }

    const totalMs = performance.now() - start;
    const routeName = route?.operationId ?? "unknown";
    options.metrics.request({
      route: routeName,
      status,
      totalMs,
      tokenizationMs: timings.tokenizationMs,
      queueMs: timings.queueMs,
    });
    if (status === 429) options.metrics.rejected.inc({ reason: "overloaded" });
    const line = {
      reqId: id,
      method: req.method,
      path,
      route: routeName,
      status,
      ms: Number(totalMs.toFixed(2)),
      ...(timings.tokenizationMs !== undefined ? { tokenizationMs: Number(timings.tokenizationMs.toFixed(2)) } : {}),
      ...(timings.queueMs !== undefined ? { queueMs: Number(timings.queueMs.toFixed(2)) } : {}),
      ...(timings.inferenceMs !== undefined ? { inferenceMs: Number(timings.inferenceMs.toFixed(2)) } : {}),
      ...(timings.inputs !== undefined ? { inputs: timings.inputs, tokens: timings.tokens } : {}),
      ...(errorCode !== undefined ? { code: errorCode } : {}),
    };
    if (failure !== undefined) options.logger.error({ ...line, err: failure }, "request failed");
    else options.logger.info(line, "request");
  }
}

function addTimings(headers: Record<string, string>, t: Timings, start: number): void {
  const set = (name: string, v: string | undefined) => {
    if (v !== undefined) headers[name] = v;
  };
  const total = ms(performance.now() - start);
  set("x-total-time", total);
  set("x-tokenization-time", ms(t.tokenizationMs));
  set("x-queue-time", ms(t.queueMs));
  set("x-inference-time", ms(t.inferenceMs));
  if (t.inputs !== undefined) {
    // TEI sends x-compute-time with the total time, next to the compute counts.
    set("x-compute-time", total);
    headers["x-compute-type"] = "cpu";
    set("x-compute-tokens", t.tokens?.toString());
    set("x-compute-characters", t.characters?.toString());
  }
}

function sendReply(res: ServerResponse, reply: Reply, headers: Record<string, string>): number {
  const status = reply.status ?? 200;
  if (reply.json !== undefined) {
    return send(res, status, { ...headers, "content-type": "application/json" }, JSON.stringify(reply.json));
  }
  if (reply.text !== undefined) {
    return send(
      res,
      status,
      { ...headers, "content-type": reply.contentType ?? "text/plain; charset=utf-8" },
      reply.text,
    );
  }
  return send(res, status, headers);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string): number {
  if (res.headersSent || res.destroyed) return status;
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  else if (status !== 204) headers["content-length"] = "0";
  res.writeHead(status, headers);
  res.end(body);
  return status;
}
