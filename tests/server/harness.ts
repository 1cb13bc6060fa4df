/**
 * Test harness: the real server on 127.0.0.1, port 0, with a real model opened offline from the
 * cache, logs captured in memory.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { pino } from "pino";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import type { TextCrossEncoder } from "../../src/rerank/text-cross-encoder.js";
import { parseServerConfig, type ServerConfigInput } from "../../src/server/server-config.js";
import { modelOptionsFor, startServer, type RunningServer, type ServerOptions } from "../../src/server/server.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";

export interface TestServer extends RunningServer {
  /** Parsed JSON log lines written so far. */
  readonly logs: Record<string, unknown>[];
}

export async function openServerTestModel(): Promise<TextEmbedding> {
  return openTestModel(TEST_MODELS.bgeSmallEn, modelOptionsFor(parseServerConfig({})));
}

/** Starts a server sharing `model` (not disposed on close unless asked). */
export async function startTestServer(
  model: TextEmbedding | TextCrossEncoder,
  overrides: ServerConfigInput = {},
  disposeModel = false,
  more: Pick<ServerOptions, "search"> = {},
): Promise<TestServer> {
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: "info" },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const config = parseServerConfig({ host: "127.0.0.1", port: 0, ...overrides });
  const server = await startServer({ config, model, logger, disposeModel, version: "test", ...more });
  return Object.assign(server, { logs });
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export async function call(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body =
    init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const res = await fetch(url + path, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Cosine of a JSON vector (number[]) and an engine vector, through the library's own function. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return cosineSimilarity(Float32Array.from(a), Float32Array.from(b));
}

/** Reads one histogram's _sum and _count from a /metrics text. */
export function histogram(metrics: string, name: string): { sum: number; count: number } {
  const num = (suffix: string) =>
    Number(new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(metrics)?.[1] ?? NaN);
  return { sum: num("sum"), count: num("count") };
}

export function counter(metrics: string, name: string): number {
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(metrics)?.[1] ?? NaN);
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, requests } = workerData;
const controllers = [];
parentPort.on("message", (m) => { if (m === "abort") controllers.forEach((c) => c.abort()); });
Promise.all(requests.map(async (r) => {
  const ac = new AbortController();
  controllers.push(ac);
  try {
    const res = await fetch(url + r.path, { method: "POST", headers: { "content-type": "application/json", ...(r.headers || {}) }, body: JSON.stringify(r.body), signal: ac.signal });
    const text = await res.text();
    return { status: res.status, text, headers: Object.fromEntries(res.headers) };
  } catch (e) {
    return { status: 0, text: String((e && e.cause && e.cause.code) || (e && e.name)), headers: {} };
  }
})).then((answers) => parentPort.postMessage(answers));
`;

export interface WorkerAnswer {
  /** 0 when the request failed (aborted, connection refused); `text` then holds the error code or name. */
  readonly status: number;
  readonly text: string;
  readonly headers: Record<string, string>;
}

/**
 * Sends requests all at once from a worker thread. The model's inference runs synchronously on
 * the main thread (onnxruntime-node's run() is synchronous), which would also stall a client in
 * the same event loop; a worker is a truly concurrent client.
 */
export async function concurrently(
  url: string,
  requests: readonly { path: string; body: unknown; headers?: Record<string, string> }[],
  options: { abortWhen?: () => boolean } = {},
): Promise<WorkerAnswer[]> {
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url, requests } });
  const abortWhen = options.abortWhen;
  const poll = abortWhen
    ? setInterval(() => {
        if (abortWhen()) {
          worker.postMessage("abort");
          clearInterval(poll);
        }
      }, 5)
    : undefined;
  try {
    return await new Promise<WorkerAnswer[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("concurrent requests did not finish in 60 s")), 60_000);
      worker.once("message", (answers: WorkerAnswer[]) => {
        clearTimeout(timer);
        resolve(answers);
      });
      worker.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } finally {
    clearInterval(poll);
    await worker.terminate();
  }
}

/** `embedkit serve` in a child process; resolves once it listens. */
export async function spawnServe(args: readonly string[] = []): Promise<{
  url: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
}> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/bin.ts", "serve", "--port", "0", "--offline", ...args],
    {
      env: { ...process.env, EMBEDKIT_LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const lines: Record<string, unknown>[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const rec = JSON.parse(line) as Record<string, unknown>;
      lines.push(rec);
      if (rec["msg"] === "listening") resolve(rec["port"] as number);
    });
    child.once("exit", () => reject(new Error("embedkit serve exited before listening")));
  });
  return { url: `http://127.0.0.1:${port}`, lines, exited, kill: (s) => child.kill(s) };
}
