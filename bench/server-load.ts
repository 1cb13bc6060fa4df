/**
 * Load program for `embedkit serve` (not a test; prints figures). Starts the server itself on
 * loopback as a child process, drives it with N concurrent keep-alive clients for a bounded time
 * and request count, and prints:
 *
 *   - concurrency 1/8/32/128 × single-text / 32-text requests: req/s, texts/s, p50/p95/p99
 *     latency, mean batch size (rows per inference call, from /metrics);
 *   - the same 32-client single-text cell with --no-batching (one request per inference call)
 *     and the throughput ratio batching / no batching;
 *   - with --soak SECONDS: the server's RSS sampled every few seconds at saturation.
 *
 * Usage: npx tsx bench/server-load.ts [--duration 10] [--concurrency 1,8,32,128]
 *          [--soak 300] [--soak-concurrency 128] [--soak-shape single|batch32] [--model ID]
 *          [--full-no-batching] [--soak-only] [--max-requests 200000]
 * Traffic goes to 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    concurrency: { type: "string", default: "1,8,32,128" },
    shapes: { type: "string", default: "single,batch32" },
    soak: { type: "string", default: "0" },
    "soak-concurrency": { type: "string", default: "128" },
    "soak-shape": { type: "string", default: "single" },
    "soak-interval": { type: "string", default: "5" },
    model: { type: "string", default: "BAAI/bge-small-en-v1.5" },
    "full-no-batching": { type: "boolean", default: false },
    "soak-only": { type: "boolean", default: false },
    "max-requests": { type: "string", default: "200000" },
    "max-wait-ms": { type: "string" },
    "max-batch-size": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  console.log(readUsage());
  process.exit(0);
}

function readUsage(): string {
  return "npx tsx bench/server-load.ts [--duration S] [--warmup S] [--concurrency 1,8,32,128] [--shapes single,batch32] [--soak S] [--soak-concurrency N] [--soak-shape single|batch32] [--model ID] [--full-no-batching] [--soak-only] [--max-requests N]";
}

const DURATION_S = Number(values.duration);
const WARMUP_S = Number(values.warmup);
const CONCURRENCY = values.concurrency.split(",").map(Number);
const SHAPES = values.shapes.split(",") as Shape[];
const SOAK_S = Number(values.soak);
const MAX_REQUESTS = Number(values["max-requests"]);

type Shape = "single" | "batch32";

// Texts of realistic, varied length (about 8 to 40 tokens).
const SUBJECTS = [
  "The committee",
  "A small startup",
  "My neighbour",
  "The research team",
  "An old fisherman",
  "The city council",
  "Our support engineer",
  "A migrating bird",
];
const VERBS = ["announced", "discovered", "questioned", "rebuilt", "described", "measured", "ignored", "celebrated"];
const OBJECTS = [
  "a new approach to storing vectors",
  "the results of last year's survey on public transport",
  "why the bridge needed repairs after the storm",
  "an unusual pattern in the quarterly sales figures of the northern region",
  "the recipe",
  "how embeddings make semantic search possible for small teams with limited budgets",
  "the schedule",
  "a faster way to index millions of documents without losing recall",
];
function text(i: number): string {
  return `${SUBJECTS[i % 8]} ${VERBS[Math.floor(i / 8) % 8]} ${OBJECTS[Math.floor(i / 64) % 8]} (${i}).`;
}
const BODIES: Record<Shape, string[]> = {
  single: Array.from({ length: 512 }, (_, i) => JSON.stringify({ inputs: text(i) })),
  batch32: Array.from({ length: 64 }, (_, k) =>
    JSON.stringify({ inputs: Array.from({ length: 32 }, (_, j) => text(k * 32 + j)) }),
  ),
};

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, "close");
  return port;
}

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

async function startServer(extra: string[]): Promise<Server> {
  const port = await freePort();
  const args = [
    "--import",
    "tsx",
    join(ROOT, "src/cli/bin.ts"),
    "serve",
    "--port",
    String(port),
    "--log-level",
    "warn",
    "--model",
    values.model,
    ...extra,
  ];
  if (values["max-wait-ms"]) args.push("--max-wait-ms", values["max-wait-ms"]);
  if (values["max-batch-size"]) args.push("--max-batch-size", values["max-batch-size"]);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("the server did not become healthy in 120 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    stop: async () => {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

interface CellResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly meanBatch: number;
  /** Fraction of wall time the model was running (inference time / elapsed). */
  readonly busy: number;
}

async function metrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

function histogram(text: string, name: string): { sum: number; count: number } {
  const num = (suffix: string) => Number(new RegExp(`^${name}_${suffix} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return { sum: num("sum"), count: num("count") };
}

function gauge(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
}

function post(agent: Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/embed`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.on("data", () => undefined);
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** N clients, each sending one request after the other until the time or request budget is spent. */
async function drive(
  url: string,
  shape: Shape,
  concurrency: number,
  seconds: number,
  record = true,
): Promise<CellResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  const m0 = await metrics(url);
  const before = histogram(m0, "embedkit_batch_size");
  const inf0 = histogram(m0, "embedkit_inference_duration_seconds");
  const start = performance.now();
  const end = start + seconds * 1000;
  const bodies = BODIES[shape];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      let k = c;
      while (performance.now() < end && requests < MAX_REQUESTS) {
        const t0 = performance.now();
        requests++;
        try {
          const status = await post(agent, url, bodies[k++ % bodies.length]!);
          if (status !== 200) errors++;
          else if (record && latencies.length < 1_000_000) latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const m1 = await metrics(url);
  const after = histogram(m1, "embedkit_batch_size");
  const meanBatch = (after.sum - before.sum) / Math.max(1, after.count - before.count);
  const busy = (histogram(m1, "embedkit_inference_duration_seconds").sum - inf0.sum) / elapsed;
  return { requests, errors, seconds: elapsed, latencies: latencies.sort((a, b) => a - b), meanBatch, busy };
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function row(mode: string, shape: Shape, c: number, r: CellResult): string {
  const ok = r.requests - r.errors;
  const rps = ok / r.seconds;
  const texts = rps * (shape === "single" ? 1 : 32);
  const f = (n: number, d = 1) => n.toFixed(d);
  return `| ${mode} | ${shape === "single" ? "1 text" : "32 texts"} | ${c} | ${f(rps)} | ${f(texts)} | ${f(pct(r.latencies, 50))} | ${f(pct(r.latencies, 95))} | ${f(pct(r.latencies, 99))} | ${f(r.meanBatch, 2)} | ${f(r.busy * 100, 0)}% | ${r.errors} |`;
}

const HEADER = `| mode | request | clients | req/s | texts/s | p50 ms | p95 ms | p99 ms | mean batch | model busy | errors |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`;

async function table(server: Server, mode: string, cells: [Shape, number][]): Promise<Map<string, CellResult>> {
  const results = new Map<string, CellResult>();
  await drive(server.url, "single", 8, WARMUP_S, false);
  for (const [shape, c] of cells) {
    const r = await drive(server.url, shape, c, DURATION_S);
    results.set(`${shape}:${c}`, r);
    console.log(row(mode, shape, c, r));
  }
  return results;
}

async function soak(): Promise<void> {
  const server = await startServer([]);
  try {
    const shape = values["soak-shape"] as Shape;
    const c = Number(values["soak-concurrency"]);
    const interval = Number(values["soak-interval"]);
    console.log(
      `\n## Soak: ${c} clients × ${shape === "single" ? "1 text" : "32 texts"} for ${SOAK_S} s, server RSS every ${interval} s\n`,
    );
    console.log("| t (s) | RSS MiB | heap MiB | requests so far | /metrics ms |\n|---:|---:|---:|---:|---:|");
    const samples: number[] = [];
    let done = false;
    let served = 0;
    const load = (async () => {
      const startAt = performance.now();
      while (!done) {
        const left = SOAK_S - (performance.now() - startAt) / 1000;
        if (left <= 0) break;
        const r = await drive(server.url, shape, c, Math.min(left, interval * 4), false);
        served += r.requests - r.errors;
      }
      done = true;
    })();
    const t0 = performance.now();
    while (!done) {
      await new Promise((r) => setTimeout(r, interval * 1000));
      const asked = performance.now();
      const m = await metrics(server.url);
      const metricsMs = performance.now() - asked;
      const rss = gauge(m, "process_resident_memory_bytes") / 2 ** 20;
      const heap = gauge(m, "nodejs_heap_used_bytes") / 2 ** 20;
      samples.push(rss);
      console.log(
        `| ${((performance.now() - t0) / 1000).toFixed(0)} | ${rss.toFixed(0)} | ${heap.toFixed(0)} | ${served} | ${metricsMs.toFixed(0)} |`,
      );
    }
    await load;
    if (samples.length > 0) {
      const firstHalf = samples.slice(0, Math.ceil(samples.length / 2));
      const secondHalf = samples.slice(Math.ceil(samples.length / 2));
      const maxFirst = Math.max(...firstHalf);
      const maxSecond = secondHalf.length ? Math.max(...secondHalf) : maxFirst;
      console.log(
        `\nRSS min ${Math.min(...samples).toFixed(0)} MiB, max ${Math.max(...samples).toFixed(0)} MiB; max of first half ${maxFirst.toFixed(0)} MiB, of second half ${maxSecond.toFixed(0)} MiB (growth ${(maxSecond - maxFirst).toFixed(0)} MiB)`,
      );
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `# embedkit serve under load: ${values.model}, ${DURATION_S} s per cell, loopback, ${(await import("node:os")).cpus().length} cores\n`,
  );
  if (values["soak-only"]) {
    await soak();
    return;
  }
  const cells: [Shape, number][] = SHAPES.flatMap((s) => CONCURRENCY.map((c): [Shape, number] => [s, c]));
  console.log(HEADER);
  const on = await startServer([]);
  let batched: Map<string, CellResult>;
  try {
    batched = await table(on, "batching", cells);
  } finally {
    await on.stop();
  }
  const off = await startServer(["--no-batching"]);
  let single: Map<string, CellResult>;
  try {
    single = await table(off, "no batching", values["full-no-batching"] ? cells : [["single", 32]]);
  } finally {
    await off.stop();
  }
  const a = batched.get("single:32");
  const b = single.get("single:32");
  if (a && b) {
    const rate = (r: CellResult) => (r.requests - r.errors) / r.seconds;
    console.log(
      `\n32 concurrent single-text clients: ${rate(a).toFixed(1)} req/s with batching, ${rate(b).toFixed(1)} req/s one request per inference call: ${(rate(a) / rate(b)).toFixed(2)}x`,
    );
  }
  if (SOAK_S > 0) await soak();
}

await main();
