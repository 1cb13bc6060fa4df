/**
 * The vector index at scale (issue: "Speed and scale"): for each size, in one run, each peer in
 * its own process: build time, queries/s at the first setting reaching recall@10 >= --target
 * against exact search (each peer sweeps its knob in ascending cost, starting from embedkit's
 * defaults; the recall reached is printed), memory (RSS delta after build and after search) and
 * disk per vector. Peers: exact search (a flat scan in our code: the reference of every ratio),
 * embedkit's index path with IVF_HNSW_SQ (the default ANN kind), with IVF_PQ and at binary
 * precision (Hamming + rescoring), LanceDB used directly (IVF_HNSW_SQ and IVF_PQ) and usearch.
 *
 *   npx tsx bench/index-scale.ts --sizes 100000:real,1000000:synthetic [--queries 500]
 *        [--candidates exact,embedkit-ivf-hnsw-sq,...] [--target 0.95] [--k 10]
 *   npx tsx bench/index-scale.ts --sizes 10000:real --queries 200        (a small check, ~3 min)
 *
 * Real vectors: the real-sentence corpus (bench/index/real-corpus.ts, > 100k texts) embedded
 * with all-MiniLM-L6-v2 int8 and cached under bench/results/ (bench/index/real-vectors.ts;
 * fill it ahead with `npx tsx bench/index-candidates.ts --embed-only 101000`). Synthetic vectors
 * (clustered Gaussian, 384-d) stand in for speed at 1M. Queries run one at a time (exact search:
 * one batch, as exactSearch is meant to be called).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { arch, cpus, platform, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { exactSearch } from "../src/eval/search/exact-search.js";
import { SCALE_CANDIDATES, candidateNamed } from "./index/candidates/all.js";
import { row, type VectorSet } from "./index/candidate.js";
import { realVectors } from "./index/real-vectors.js";
import { runCandidateChild } from "./index/spawn-child.js";
import { syntheticVectors } from "./index/synthetic.js";
import { loadAverage } from "./lib/machine.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000:real,1000000:synthetic" },
    queries: { type: "string", default: "500" },
    candidates: { type: "string", default: SCALE_CANDIDATES.map((c) => c.name).join(",") },
    target: { type: "string", default: "0.95" },
    k: { type: "string", default: "10" },
    "data-dir": { type: "string", default: new URL("../../shared/data", import.meta.url).pathname },
    timeout: { type: "string", default: "7200" },
  },
});
const nq = Number(values.queries);
const k = Number(values.k);
const target = Number(values.target);
const names = values.candidates!.split(",").map((s) => candidateNamed(s.trim()).name);
const sizes = values.sizes!.split(",").map((s) => {
  const [count, kind = "real"] = s.split(":");
  if (kind !== "real" && kind !== "synthetic") throw new Error(`--sizes: ${s}: data must be real or synthetic`);
  return { n: Number(count), kind };
});
const work = new URL("./.cache/index-scale/", import.meta.url).pathname;
const resultsDir = new URL("./results/", import.meta.url).pathname;
mkdirSync(work, { recursive: true });
const log = (line: string): void => console.log(line);
log(
  `index-scale: ${new Date().toISOString()}, node ${process.version}, ${platform()}-${arch()}, ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
log(`machine: ${loadAverage()}`);

interface Sweep {
  readonly label: string;
  readonly recall: number;
  readonly qps: number;
  readonly qpcs: number;
}
interface Measured {
  readonly buildSeconds: number;
  readonly buildCpuSeconds: number;
  readonly sweep: readonly Sweep[];
  readonly rssAfterBuild: number;
  readonly rssAfterSearch: number;
  readonly diskBytes: number;
}

const rows = (s: VectorSet): Float32Array[] => Array.from({ length: s.count }, (_, i) => row(s, i));

for (const { n, kind } of sizes) {
  const data =
    kind === "real"
      ? await realVectors({ dataDir: values["data-dir"]!, resultsDir, n, nq, log })
      : syntheticVectors({ n, nq, dim: 384 });
  const dim = data.docs.dim;
  log(`\n=== ${n} ${kind} vectors: ${data.source}`);
  const save = (name: string, a: Float32Array | Int32Array): string => {
    const path = join(work, name);
    writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return path;
  };
  const docsPath = save("docs.f32", data.docs.data);
  const queriesPath = save("queries.f32", data.queries.data);
  const t0 = performance.now();
  const truthHits = exactSearch(rows(data.queries), rows(data.docs), k);
  log(`ground truth: exact top-${k} of ${nq} queries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const truth = new Int32Array(nq * k);
  truthHits.forEach((h, q) => truth.set(h.ids.subarray(0, k), q * k));
  const truthPath = save("truth.i32", truth);

  const measured = new Map<string, Measured | string>();
  for (const name of names) {
    log(`\n== ${name}: ${candidateNamed(name).indexKind} (${loadAverage()})`);
    const dir = join(work, `index-${name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const m = await runCandidateChild(
      [
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
        String(target),
      ],
      Number(values.timeout),
      log,
    );
    measured.set(name, (m.result as Measured | undefined) ?? `failed: ${m.failure ?? (m.killed ? "timed out" : "?")}`);
    if (m.failure !== undefined) log(`  ${name} failed: ${m.failure}`);
    rmSync(dir, { recursive: true, force: true });
  }

  const ref = measured.get("exact");
  const best = (m: Measured): Sweep | undefined => m.sweep.find((s) => s.recall >= target) ?? m.sweep.at(-1);
  const refBest = typeof ref === "object" ? best(ref) : undefined;
  const refBuild = typeof ref === "object" ? ref.buildSeconds : undefined;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? `${fmt(a / b)}x` : "-";
  log(`\n${kind} data, n ${n}, ${nq} queries, recall@${k} target ${target}; ${loadAverage()}`);
  log(
    formatTable(
      [
        "peer",
        "build s",
        "build CPU s",
        "setting",
        `recall@${k}`,
        "reached",
        "queries/s",
        "x exact",
        "queries/CPU-s",
        "x exact ",
        "RSS B/vec",
        "RSS B/vec searched",
        "disk B/vec",
        "disk x exact",
      ],
      names.map((name) => {
        const m = measured.get(name);
        if (typeof m !== "object") return [name, m ?? "-", ...Array.from({ length: 12 }, () => "-")];
        const b = best(m);
        return [
          name,
          fmt(m.buildSeconds),
          fmt(m.buildCpuSeconds),
          b?.label.replace(/ /g, "_") ?? "-",
          b !== undefined ? b.recall.toFixed(3) : "-",
          b !== undefined && b.recall >= target ? "yes" : "NO",
          b !== undefined ? fmt(b.qps) : "-",
          ratio(b?.qps, refBest?.qps),
          b !== undefined ? fmt(b.qpcs) : "-",
          ratio(b?.qpcs, refBest?.qpcs),
          fmt(m.rssAfterBuild / n),
          fmt(m.rssAfterSearch / n),
          fmt(m.diskBytes / n),
          ratio(m.diskBytes, typeof ref === "object" ? ref.diskBytes : undefined),
        ];
      }),
    ),
  );
  if (refBuild !== undefined) log(`(exact search's build is writing a flat file: ${fmt(refBuild)} s)`);
}
log(`\nend: ${loadAverage()}`);
