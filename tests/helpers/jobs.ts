/**
 * Test helpers for bulk jobs: a real redis-server on a private port with its own data dir and
 * append-only file, real worker processes (`node --import tsx src/cli/bin.ts worker`), inputs,
 * and the check that a finished job holds every record's vector once, in order, equal to a
 * reference run.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { Redis } from "ioredis";
import { getJobStatus, type JobStatus } from "../../src/jobs/job-status.js";

export const REPO = join(import.meta.dirname, "..", "..");

/** A free loopback port (bound to 0, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL: no final save; the AOF holds what was fsynced). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir (replays the AOF). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(dataDir: string): Promise<TestRedis> {
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const start = async (): Promise<void> => {
    proc = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dataDir, "--appendonly", "yes", "--save", ""],
      { stdio: "ignore" },
    );
    proc.once("error", (e) => {
      throw new Error(`redis-server could not start (is it installed? apt-get install redis-server): ${e.message}`);
    });
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    for (let i = 0; i < 100; i++) {
      try {
        if (probe.status !== "ready") await probe.connect();
        // "LOADING" while the AOF replays: wait for a real answer.
        if ((await probe.ping()) === "PONG") break;
      } catch {
        probe.disconnect();
        await sleep(100);
      }
    }
    probe.disconnect();
  };
  const kill = async (): Promise<void> => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await exited;
  };
  await start();
  return { url, port, kill, start, stop: kill };
}

export interface WorkerProcess {
  readonly proc: ChildProcess;
  readonly lines: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): WorkerProcess {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", ...args], {
    cwd: REPO,
    env: { ...process.env, EMBEDKIT_OFFLINE: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const onData = (buf: Buffer, partial: { s: string }): void => {
    partial.s += buf.toString("utf8");
    const parts = partial.s.split("\n");
    partial.s = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiters]) {
        const m = w.pattern.exec(line);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  };
  const out = { s: "" };
  const err = { s: "" };
  proc.stdout!.on("data", (b: Buffer) => onData(b, out));
  proc.stderr!.on("data", (b: Buffer) => onData(b, err));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return {
    proc,
    lines,
    exited,
    waitFor: (pattern, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        for (const line of lines) {
          const m = pattern.exec(line);
          if (m) return resolve(m);
        }
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${lines.join("\n")}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      }),
  };
}

export function spawnWorker(redisUrl: string, extra: string[] = []): WorkerProcess {
  return spawnCli([
    "worker",
    "--redis",
    redisUrl,
    "--threads",
    "1",
    "--lock-ms",
    "2000",
    "--stalled-ms",
    "1000",
    ...extra,
  ]);
}

export async function stopWorker(w: WorkerProcess): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  w.proc.kill("SIGTERM");
  await w.exited;
}

export async function waitForJob(
  url: string,
  jobId: string,
  until: (s: JobStatus) => boolean = (s) => s.units.pending === 0,
  timeoutMs = 120_000,
): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await getJobStatus({ url, jobId, waitMs: 10_000 });
    if (until(s)) return s;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not get there in time: ${JSON.stringify(s)}`);
    await sleep(250);
  }
}

export interface InputText {
  readonly id: string;
  readonly text: string;
}

const WORDS = ["river", "market", "quantum", "garden", "engine", "violin", "harbor", "pepper", "glacier", "ledger"];

/** `n` short, distinct texts with ids `t0000...`, written as JSON lines. */
export async function writeInputs(path: string, n: number, from = 0): Promise<InputText[]> {
  const texts: InputText[] = [];
  for (let i = from; i < from + n; i++) {
    const w = (k: number): string => WORDS[(i * 7 + k * 3) % WORDS.length]!;
    texts.push({ id: `t${String(i).padStart(4, "0")}`, text: `record ${i}: the ${w(1)} near the ${w(2)} and ${w(3)}` });
  }
  await writeFile(path, texts.map((t) => JSON.stringify(t)).join("\n") + "\n");
  return texts;
}

export interface OutputLine {
  readonly id: unknown;
  readonly position: number;
  readonly embedding: number[];
}

/** The job's rows in manifest order, checking the folder holds exactly the manifest's unit files. */
export async function readJobOutput(dir: string): Promise<OutputLine[]> {
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as {
    units: { file: string; first: number; records: number }[];
  };
  const files = (await readdir(dir)).filter((f) => f.endsWith(".jsonl")).sort();
  assert.deepEqual(files, manifest.units.map((u) => u.file).sort(), "the folder holds exactly one file per unit");
  const rows: OutputLine[] = [];
  for (const u of manifest.units) {
    const lines = (await readFile(join(dir, u.file), "utf8")).split("\n").filter((l) => l !== "");
    assert.equal(lines.length, u.records, `${u.file} holds its ${u.records} records`);
    rows.push(...lines.map((l) => JSON.parse(l) as OutputLine));
  }
  return rows;
}

/** Every input's vector exactly once, in input order, equal to the single-process reference. */
export function assertSameAsReference(rows: OutputLine[], inputs: InputText[], reference: Float32Array[]): void {
  assert.equal(rows.length, inputs.length, "one row per input record");
  assert.deepEqual(
    rows.map((r) => r.id),
    inputs.map((t) => t.id),
    "ids in input order, none missing or repeated",
  );
  assert.deepEqual(
    rows.map((r) => r.position),
    inputs.map((_, i) => i),
  );
  let worst = 0;
  rows.forEach((r, i) => {
    const ref = reference[i]!;
    assert.equal(r.embedding.length, ref.length);
    for (let k = 0; k < ref.length; k++) worst = Math.max(worst, Math.abs(r.embedding[k]! - ref[k]!));
  });
  // fp32: the same records in other batches differ only by float rounding (padding is masked).
  assert.ok(worst < 1e-5, `max |difference| to the single-process run is ${worst}`);
}
