/**
 * `npm run bench:jobs` — what the job queue costs and where it stops scaling.
 *
 * 1. Tokens/s of the plain `embedkit embed` CLI on a corpus (one process, all cores, wall time
 *    from spawn to exit, model load included).
 * 2. Tokens/s of the same corpus as a bulk job with 1 and 2 `embedkit worker` processes
 *    (threads split between them), from the end of `job submit` to the job's last unit, the
 *    workers started beforehand (each loads the model on its first unit, so that is included,
 *    as in 1). The ratio to 1 is the queue's overhead (or gain) on this machine.
 * 3. Units/s Redis + BullMQ coordinate with no-op workers (each unit does the same bookkeeping
 *    as a real one: take, lock, HSETNX done mark, complete), at a few concurrencies: the
 *    ceiling on units/s, hence on tokens/s = units/s x tokens per unit, whatever the workers.
 *
 * Beside wall time, each run reports the CPU seconds its processes used (the finished children's
 * user+sys from /proc/self/stat, plus redis-server's own during the run): on a shared,
 * oversubscribed machine wall time mostly measures the share of the cores a run gets (two
 * processes get about twice the share of one), while tokens per CPU second compare the work done.
 *
 * A private redis-server (own port and data dir, AOF on, like production) is started and killed.
 * Flags: --size N (texts, default 2000), --model ID (default sentence-transformers/all-MiniLM-L6-v2),
 * --unit-tokens N (default 8192), --noop-units N (default 3000), --workers 1,2.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { getJobStatus, submitJob, TextEmbedding } from "../src/index.js";
import { loadAverage } from "./lib/machine.js";
import { buildCorpus, DEFAULT_SEED, describeCorpus, PROJECT_ROOT } from "./lib/sts-corpus.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "2000" },
    model: { type: "string", default: "sentence-transformers/all-MiniLM-L6-v2" },
    "unit-tokens": { type: "string", default: "8192" },
    "noop-units": { type: "string", default: "3000" },
    workers: { type: "string", default: "1,2" },
  },
});
const cores = availableParallelism();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** CPU seconds (user + sys) from /proc/<pid>/stat: the process's own, or (`children`) of its reaped children. */
function cpuSeconds(pid: number | "self", children = false): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
  const at = children ? 13 : 11; // utime, stime are fields 14, 15; cutime, cstime 16, 17
  return (Number(f[at]) + Number(f[at + 1])) / TICKS;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function cli(args: string[], stdio: "ignore" | "inherit" = "ignore") {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, EMBEDKIT_OFFLINE: "1" },
    stdio: ["ignore", stdio, "pipe"],
  });
  let err = "";
  proc.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((r) => proc.once("exit", r));
  return { proc, exited, stderr: () => err };
}

const dir = await mkdtemp(join(tmpdir(), "embedkit-bench-jobs-"));
const port = await freePort();
const url = `redis://127.0.0.1:${port}`;
const redisProc = spawn(
  "redis-server",
  ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""],
  { stdio: "ignore" },
);
try {
  for (let i = 0; ; i++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined);
    const ok = await probe.connect().then(
      () => probe.ping(),
      () => null,
    );
    probe.disconnect();
    if (ok === "PONG") break;
    if (i > 100) throw new Error("redis-server did not start (apt-get install redis-server)");
    await sleep(100);
  }

  const engine = await TextEmbedding.create({ model: values.model, store: { offline: true } });
  const corpus = await buildCorpus(
    { kind: "mixed", size: Number(values.size), passageFraction: 0.2, seed: DEFAULT_SEED },
    (t) => engine.tokenCount(t),
  );
  const input = join(dir, "corpus.jsonl");
  await writeFile(input, corpus.texts.map((text, i) => JSON.stringify({ id: i, text })).join("\n") + "\n");
  const tokens = (await engine.tokenCount(corpus.texts)).reduce((a, c) => a + Math.min(c, engine.maxTokens), 0);
  console.log(`embedkit bulk jobs: ${values.model} fp32, ${describeCorpus(corpus)}`);
  console.log(`${loadAverage()}; unit size ${values["unit-tokens"]} tokens\n`);

  const rows: string[][] = [];
  const cpuNow = (): number => cpuSeconds("self", true) + cpuSeconds(redisProc.pid!);
  // 1. the plain CLI
  const c0 = cpuNow();
  const t0 = performance.now();
  const plain = cli(["embed", "--input", input, "-o", join(dir, "plain.jsonl"), "-m", values.model]);
  if ((await plain.exited) !== 0) throw new Error(`embedkit embed failed:\n${plain.stderr()}`);
  const plainSeconds = (performance.now() - t0) / 1000;
  const plainRate = tokens / plainSeconds;
  const plainCpu = cpuNow() - c0;
  const plainPerCpu = tokens / plainCpu;
  console.log(`  embedkit embed: ${fmt(plainSeconds)} s, ${fmt(plainCpu)} CPU s (${loadAverage()})`);
  rows.push([
    "embedkit embed (1 process)",
    `${cores}`,
    fmt(plainSeconds),
    fmt(plainRate),
    "1.00x",
    fmt(plainCpu),
    fmt(plainPerCpu),
    "1.00x",
  ]);

  // 2. the same corpus as a job, with 1 and 2 worker processes
  for (const w of values.workers.split(",").map(Number)) {
    const threads = Math.max(1, Math.floor(cores / w));
    const c1 = cpuNow(); // the workers' model loads are counted, as the CLI's is
    const workers = Array.from({ length: w }, () =>
      cli(["worker", "--redis", url, "--threads", String(threads), "--lock-ms", "60000"]),
    );
    while (!workers.every((p) => /worker ready/.test(p.stderr()))) await sleep(100);
    const submitted = await submitJob({
      url,
      inputs: [input],
      sink: join(dir, "out"),
      engine,
      model: { model: values.model },
      unitTokens: Number(values["unit-tokens"]),
    });
    const t1 = performance.now();
    for (;;) {
      const s = await getJobStatus({ url, jobId: submitted.jobId });
      if (s.units.pending === 0) {
        if (s.units.failed > 0) throw new Error(`job failed: ${JSON.stringify(s.failedUnits[0])}`);
        break;
      }
      await sleep(250);
    }
    const seconds = (performance.now() - t1) / 1000;
    const rate = submitted.tokens / seconds;
    for (const p of workers) p.proc.kill("SIGTERM");
    await Promise.all(workers.map((p) => p.exited));
    const cpu = cpuNow() - c1; // workers and redis-server (the submitter's token count is not included)
    console.log(`  job with ${w} worker(s): ${fmt(seconds)} s, ${fmt(cpu)} CPU s (${loadAverage()})`);
    rows.push([
      `job, ${w} worker process${w > 1 ? "es" : ""} (${submitted.units} units)`,
      `${w}x${threads}`,
      fmt(seconds),
      fmt(rate),
      `${(rate / plainRate).toFixed(2)}x`,
      fmt(cpu),
      fmt(submitted.tokens / cpu),
      `${(submitted.tokens / cpu / plainPerCpu).toFixed(2)}x`,
    ]);
  }
  await engine.dispose();
  console.log(
    formatTable(["run", "threads", "seconds", "tokens/s", "vs embed", "CPU s", "tokens/CPU s", "vs embed (CPU)"], rows),
  );

  // 3. what Redis + BullMQ coordinate: no-op units with the real bookkeeping
  const noopRows: string[][] = [];
  const n = Number(values["noop-units"]);
  for (const concurrency of [1, 8, 32]) {
    const name = `bench-noop-${concurrency}`;
    const conn = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(name, { connection: conn });
    for (let i = 0; i < n; i += 500) {
      await queue.addBulk(
        Array.from({ length: Math.min(500, n - i) }, (_, k) => ({
          name: "noop",
          data: { unit: i + k, start: 0, end: 0, tokens: 8192 },
          opts: { jobId: `n${concurrency}-u${i + k}`, removeOnComplete: true },
        })),
      );
    }
    let done = 0;
    const t2 = performance.now();
    let resolveAll = (): void => undefined;
    const finished = new Promise<void>((resolve) => (resolveAll = resolve));
    const worker = new Worker(
      name,
      async (job) => {
        await conn.hsetnx(`${name}:done`, String((job.data as { unit: number }).unit), 8192);
        if (++done === n) setImmediate(resolveAll);
      },
      { connection: conn, concurrency },
    );
    await finished;
    const seconds = (performance.now() - t2) / 1000;
    await worker.close();
    noopRows.push([`${concurrency}`, fmt(n / seconds), fmt((n / seconds) * Number(values["unit-tokens"]))]);
    await queue.obliterate({ force: true });
    await queue.close();
    conn.disconnect();
  }
  console.log(`\nno-op workers (one process, ${n} units each):`);
  console.log(formatTable(["concurrency", "units/s", "tokens/s ceiling at this unit size"], noopRows));
} finally {
  redisProc.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
}
