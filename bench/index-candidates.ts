/**
 * Choosing the embedded index library by measurement (issue 12): for each candidate, in its own
 * process and one at a time, build time, queries/s at recall@10 >= --target against exact
 * search (the knob swept in ascending cost, the first setting that reaches the target is
 * reported), memory (RSS / heap delta) and disk per vector, reopen from disk, and a crash test
 * (a writer SIGKILLed during a durable write, then reopened). Ratios are against exact search
 * in the same run. Queries run one at a time, sequentially, except exact search (one batch).
 *
 *   npx tsx bench/index-candidates.ts [--n 100000] [--queries 1000] [--data real|synthetic]
 *        [--candidates exact,usearch,lancedb,pglite+pgvector,orama] [--target 0.95] [--k 10]
 *        [--crash-batch 2000] [--crash-kill-at 5]
 *   npx tsx bench/index-candidates.ts --embed-only 101000   (fill the real-vector cache, resumable)
 *
 * --data real (the default up to the corpus size) embeds the real corpus once with
 * all-MiniLM-L6-v2 int8 (cached in bench/results/, gitignored); synthetic is clustered Gaussian.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { arch, cpus, platform, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { exactSearch } from "../src/eval/search/exact-search.js";
import { CANDIDATES, candidateNamed } from "./index/candidates/all.js";
import { row, type VectorSet } from "./index/candidate.js";
import { realVectors } from "./index/real-vectors.js";
import { runCandidateChild, type ChildRun } from "./index/spawn-child.js";
import { syntheticVectors } from "./index/synthetic.js";
import { loadAverage } from "./lib/machine.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "100000" },
    queries: { type: "string", default: "1000" },
    data: { type: "string" },
    candidates: { type: "string", default: CANDIDATES.map((c) => c.name).join(",") },
    target: { type: "string", default: "0.95" },
    k: { type: "string", default: "10" },
    "crash-batch": { type: "string", default: "2000" },
    "crash-kill-at": { type: "string", default: "5" },
    "data-dir": { type: "string", default: new URL("../../shared/data", import.meta.url).pathname },
    timeout: { type: "string", default: "5400" },
    "embed-only": { type: "string" },
  },
});
const n = Number(values.n);
const nq = Number(values.queries);
const k = Number(values.k);
const dataKind = values.data ?? (n <= 100000 ? "real" : "synthetic");
if (dataKind !== "real" && dataKind !== "synthetic")
  throw new Error(`--data must be real or synthetic, got ${dataKind}`);
const names = values.candidates!.split(",").map((s) => candidateNamed(s.trim()).name);
const work = new URL("./.cache/index-bench/", import.meta.url).pathname;
const resultsDir = new URL("./results/", import.meta.url).pathname;
mkdirSync(work, { recursive: true });

const log = (line: string): void => console.log(line);
log(
  `index-candidates: ${new Date().toISOString()}, node ${process.version}, ${platform()}-${arch()}, ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
log(`machine: ${loadAverage()}`);

if (values["embed-only"] !== undefined) {
  // Fill the real-vector cache (resumable) and stop.
  await realVectors({
    dataDir: values["data-dir"]!,
    resultsDir,
    n: 0,
    nq: 0,
    log,
    embed: Number(values["embed-only"]),
  });
  process.exit(0);
}
const data =
  dataKind === "real"
    ? await realVectors({ dataDir: values["data-dir"]!, resultsDir, n, nq, log })
    : syntheticVectors({ n, nq, dim: 384 });
const dim = data.docs.dim;
log(`data: ${data.source}`);

const save = (name: string, a: Float32Array | Int32Array): string => {
  const path = join(work, name);
  writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return path;
};
const docsPath = save("docs.f32", data.docs.data);
const queriesPath = save("queries.f32", data.queries.data);
const rows = (s: VectorSet): Float32Array[] => Array.from({ length: s.count }, (_, i) => row(s, i));
const t0 = performance.now();
const truthHits = exactSearch(rows(data.queries), rows(data.docs), k);
log(
  `ground truth: exact top-${k} of ${nq} queries in ${((performance.now() - t0) / 1000).toFixed(1)} s (in the driver)`,
);
const truth = new Int32Array(nq * k);
truthHits.forEach((h, q) => truth.set(h.ids.subarray(0, k), q * k));
const truthPath = save("truth.i32", truth);

interface Sweep {
  readonly label: string;
  readonly recall: number;
  readonly qps: number;
  /** Queries per CPU-second of the candidate's process. */
  readonly qpcs: number;
}
interface Measured {
  readonly name: string;
  readonly buildSeconds: number;
  readonly buildCpuSeconds: number;
  readonly reopenSeconds: number;
  readonly reopenedCount: number;
  readonly sweep: readonly Sweep[];
  readonly rssAfterBuild: number;
  readonly heapAfterBuild: number;
  readonly rssAfterSearch: number;
  readonly peakRss: number;
  readonly baselineRss: number;
  readonly diskBytes: number;
}
interface Verified {
  readonly opened: boolean;
  readonly error?: string;
  readonly count?: number;
  readonly ids?: number;
  readonly distinct?: number;
  readonly diskBytes: number;
}

/** Runs one child process and collects its RESULT line (or how it died). */
function child(args: readonly string[]): Promise<ChildRun> {
  return runCandidateChild(args, Number(values.timeout), log);
}

const crashBatch = Number(values["crash-batch"]);
const killAt = Number(values["crash-kill-at"]);
const measured = new Map<string, Measured | string>();
const crashes = new Map<string, string>();
for (const name of names) {
  log(`\n== ${name}: ${candidateNamed(name).indexKind} (${loadAverage()})`);
  const dir = join(work, `index-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const m = await child([
    "--mode",
    "measure",
    "--candidate",
    name,
    "--dir",
    dir,
    "--docs",
    docsPath,
    "--queries",
    queriesPath,
    "--truth",
    truthPath,
    "--dim",
    String(dim),
    "--k",
    String(k),
    "--target",
    values.target!,
  ]);
  measured.set(name, (m.result as Measured | undefined) ?? `failed: ${m.failure ?? "no result"}`);
  if (m.failure !== undefined) log(`  ${name} failed: ${m.failure}`);
  rmSync(dir, { recursive: true, force: true });

  // Crash test: batches of crashBatch rows, SIGKILL half-way through the write of batch killAt.
  const crashDir = join(work, `crash-${name}`);
  rmSync(crashDir, { recursive: true, force: true });
  mkdirSync(crashDir, { recursive: true });
  const batches = Math.min(killAt + 3, Math.floor(n / crashBatch));
  const w = await child([
    "--mode",
    "ingest",
    "--candidate",
    name,
    "--dir",
    crashDir,
    "--docs",
    docsPath,
    "--dim",
    String(dim),
    "--batch",
    String(crashBatch),
    "--batches",
    String(batches),
    "--kill-at",
    String(killAt),
  ]);
  const v = await child([
    "--mode",
    "verify",
    "--candidate",
    name,
    "--dir",
    crashDir,
    "--dim",
    String(dim),
    "--below",
    String(batches * crashBatch),
  ]);
  const r = v.result as Verified | undefined;
  const committed = (w.lastCommitted + 1) * crashBatch;
  let verdict: string;
  if (!w.killed) verdict = `writer not killed mid-write (${w.failure ?? "finished first"})`;
  else if (r === undefined) verdict = `verify failed: ${v.failure ?? "?"}`;
  else if (!r.opened) verdict = `DOES NOT REOPEN after SIGKILL: ${r.error ?? "?"}`;
  else {
    const whole = r.count === r.distinct && (r.count ?? 0) % crashBatch === 0;
    const lost = (r.count ?? 0) < committed;
    verdict = `reopens; ${r.count} rows (${committed} committed before the kill), ${whole ? "whole batches" : "TORN batch"}${lost ? ", COMMITTED ROWS LOST" : ""}`;
  }
  crashes.set(name, verdict);
  log(`  crash test: ${verdict}`);
  rmSync(crashDir, { recursive: true, force: true });
}

const exactM = measured.get("exact");
const ref = typeof exactM === "object" ? exactM : undefined;
const best = (m: Measured): Sweep | undefined =>
  m.sweep.find((s) => s.recall >= Number(values.target)) ?? m.sweep[m.sweep.length - 1];
const refQps = ref !== undefined ? best(ref)?.qps : undefined;
const refQpcs = ref !== undefined ? best(ref)?.qpcs : undefined;
const perVec = (bytes: number): string => fmt(bytes / n);
log(`\n${dataKind} data, n ${n}, ${nq} queries, recall@${k} target ${values.target}; ${loadAverage()}`);
log(
  formatTable(
    [
      "candidate",
      "build s",
      "build CPU s",
      "setting",
      `recall@${k}`,
      "queries/s",
      "x exact",
      "queries/CPU-s",
      "x exact ",
      "RSS B/vec",
      "heap B/vec",
      "RSS B/vec reopened",
      "disk B/vec",
      "reopen s",
      "rows after reopen",
    ],
    names.map((name) => {
      const m = measured.get(name);
      if (typeof m !== "object") return [name, m ?? "-", ...Array.from({ length: 13 }, () => "-")];
      const b = best(m);
      return [
        name,
        fmt(m.buildSeconds),
        fmt(m.buildCpuSeconds),
        b?.label.replace(/ /g, "_") ?? "-",
        b !== undefined ? b.recall.toFixed(3) : "-",
        b !== undefined ? fmt(b.qps) : "-",
        b !== undefined && refQps !== undefined ? `${fmt(b.qps / refQps)}x` : "-",
        b !== undefined ? fmt(b.qpcs) : "-",
        b !== undefined && refQpcs !== undefined ? `${fmt(b.qpcs / refQpcs)}x` : "-",
        perVec(m.rssAfterBuild),
        perVec(m.heapAfterBuild),
        perVec(m.rssAfterSearch),
        perVec(m.diskBytes),
        fmt(m.reopenSeconds),
        String(m.reopenedCount),
      ];
    }),
  ),
);
log(`\ncrash test (batches of ${crashBatch}, SIGKILL half-way through writing batch ${killAt}, then reopen):`);
for (const name of names) log(`  ${name}: ${crashes.get(name) ?? "-"}`);
log("\nwhat each library offers (documented, not measured here):");
for (const name of names) {
  const c = candidateNamed(name);
  log(
    `  ${name} (${c.pkg}): persistence: ${c.offers.persistence}; filters: ${c.offers.filters}; delete/upsert: ${c.offers.deleteUpsert}; writes: ${c.offers.crashGuarantee}`,
  );
}
log(`\nend: ${loadAverage()}`);
