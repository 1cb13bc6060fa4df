/**
 * One candidate in its own process (so its memory is its own), driven by bench/index-candidates.ts:
 *   measure: build + persist, close, reopen from disk, sweep the search settings until recall@k
 *            reaches the target; prints one RESULT line (JSON).
 *   ingest:  the crash test's writer: appends batches, printing "committed i" after each durable
 *            write; during batch --kill-at a watchdog thread SIGKILLs the process half-way
 *            through the write (half the previous batch's write time after it started).
 *   verify:  reopens what the killed writer left and prints a RESULT line with what it holds.
 * Run with node --expose-gc --import tsx.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { candidateNamed } from "./candidates/all.js";
import type { VectorSet } from "./candidate.js";
import { RESULT_PREFIX } from "./protocol.js";

const { values } = parseArgs({
  options: {
    mode: { type: "string" },
    candidate: { type: "string" },
    dir: { type: "string" },
    docs: { type: "string" },
    queries: { type: "string" },
    truth: { type: "string" },
    dim: { type: "string" },
    k: { type: "string", default: "10" },
    target: { type: "string", default: "0.95" },
    batch: { type: "string", default: "2000" },
    batches: { type: "string", default: "10" },
    below: { type: "string" },
    "kill-at": { type: "string", default: "5" },
  },
});

const dim = Number(values.dim);
const candidate = candidateNamed(values.candidate!);
const dir = values.dir!;

function readSet(path: string): VectorSet {
  const buf = readFileSync(path);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return { data, count: data.length / dim, dim };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function mem(): { rss: number; heap: number } {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
}

function diskBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, f) => sum + diskBytes(join(path, f)), 0);
}

function recallAt(found: Int32Array[], truth: Int32Array, k: number): number {
  let hit = 0;
  found.forEach((ids, q) => {
    const gold = new Set(truth.subarray(q * k, (q + 1) * k));
    for (const id of ids.subarray(0, k)) if (gold.has(id)) hit++;
  });
  return hit / (found.length * k);
}

const seconds = (t0: number): number => (performance.now() - t0) / 1000;
/** CPU time of this process (all its threads, user + system) since `c0`: steadier than wall time on a loaded machine. */
const cpuSeconds = (c0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1e6;
};

if (values.mode === "measure") {
  const k = Number(values.k);
  const target = Number(values.target);
  const docs = readSet(values.docs!);
  const queries = readSet(values.queries!);
  const tbuf = readFileSync(values.truth!);
  const truth = new Int32Array(tbuf.buffer, tbuf.byteOffset, tbuf.byteLength / 4);
  const m0 = mem();
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  await candidate.build(dir, docs);
  const buildSeconds = seconds(t0);
  const buildCpuSeconds = cpuSeconds(c0);
  const peakRssAfterBuild = process.resourceUsage().maxRSS * 1024;
  const m1 = mem();
  gc();
  t0 = performance.now();
  const index = await candidate.open(dir, dim);
  const count = await index.count();
  const reopenSeconds = seconds(t0);
  const sweep: { label: string; recall: number; qps: number; qpcs: number }[] = [];
  for (const setting of candidate.settings) {
    await index.configure(setting);
    await index.searchAll({ data: queries.data.subarray(0, 20 * dim), count: Math.min(20, queries.count), dim }, k);
    t0 = performance.now();
    c0 = process.cpuUsage();
    const found = await index.searchAll(queries, k);
    const s = seconds(t0);
    const cpu = cpuSeconds(c0);
    const r = {
      label: setting.label,
      recall: recallAt(found, truth, k),
      qps: queries.count / s,
      qpcs: queries.count / cpu,
    };
    sweep.push(r);
    console.log(
      `  ${candidate.name} ${setting.label}: recall@${k} ${r.recall.toFixed(4)}, ${r.qps.toFixed(1)} queries/s, ${r.qpcs.toFixed(1)} queries/CPU-s`,
    );
    if (r.recall >= target) break;
  }
  const m2 = mem();
  await index.close();
  const result = {
    name: candidate.name,
    n: docs.count,
    buildSeconds,
    buildCpuSeconds,
    reopenSeconds,
    reopenedCount: count,
    sweep,
    rssAfterBuild: m1.rss - m0.rss,
    heapAfterBuild: m1.heap - m0.heap,
    rssAfterSearch: m2.rss - m0.rss,
    peakRss: peakRssAfterBuild,
    baselineRss: m0.rss,
    diskBytes: diskBytes(dir),
  };
  console.log(RESULT_PREFIX + JSON.stringify(result));
} else if (values.mode === "ingest") {
  const docs = readSet(values.docs!);
  const batch = Number(values.batch);
  const batches = Math.min(Number(values.batches), Math.floor(docs.count / batch));
  const killAt = Number(values["kill-at"]);
  // The watchdog runs in its own thread, so it fires even while a synchronous write blocks this one.
  const signal = new Int32Array(new SharedArrayBuffer(12));
  const watchdog = new Worker(
    `const { workerData: w } = require("node:worker_threads");
     Atomics.wait(w.signal, 0, 0);
     Atomics.wait(w.signal, 2, 0, Atomics.load(w.signal, 1));
     process.kill(w.pid, "SIGKILL");`,
    { eval: true, workerData: { signal, pid: process.pid } },
  );
  watchdog.unref();
  let lastWriteMs = 0;
  for (let b = 0; b < batches; b++) {
    const ids = Int32Array.from({ length: batch }, (_, i) => b * batch + i);
    const set = { data: docs.data.subarray(b * batch * dim, (b + 1) * batch * dim), count: batch, dim };
    if (b === killAt) {
      const delay = Math.max(1, Math.round(lastWriteMs / 2));
      console.log(
        `killing during batch ${b}: ${delay} ms into the write (batch ${b - 1} took ${lastWriteMs.toFixed(0)} ms)`,
      );
      Atomics.store(signal, 1, delay);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    }
    const t0 = performance.now();
    await candidate.append(dir, ids, set);
    lastWriteMs = performance.now() - t0;
    console.log(`committed ${b}`);
  }
  console.log("done");
} else if (values.mode === "verify") {
  const below = Number(values.below);
  let result: Record<string, unknown>;
  try {
    const t0 = performance.now();
    const index = await candidate.open(dir, dim);
    const count = await index.count();
    const ids = await index.ids(below);
    result = {
      opened: true,
      openSeconds: seconds(t0),
      count,
      ids: ids.length,
      distinct: new Set(ids).size,
      maxId: ids.length > 0 ? ids[ids.length - 1] : -1,
    };
    await index.close();
  } catch (e) {
    result = { opened: false, error: String(e instanceof Error ? e.message : e).slice(0, 200) };
  }
  result.diskBytes = diskBytes(dir);
  console.log(RESULT_PREFIX + JSON.stringify(result));
} else {
  throw new Error(`--mode must be measure, ingest or verify, got ${String(values.mode)}`);
}
