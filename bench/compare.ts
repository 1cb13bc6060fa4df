/**
 * `npm run bench:compare` / `npm run bench:quick` (= `--quick`)
 *
 * embedkit side by side with its peers, in one run, on the same model files (the embedkit
 * cache), the same corpora and the same thread count: FastEmbed (Python), fastembed-js and
 * transformers.js. Each measurement is its own process (bench/peers/), so cold start and peak RSS
 * are per process. Prints texts/s, tokens/s (real tokens, never padding), peak RSS, useful
 * GFLOP/s against ONNX Runtime's measured matmul ceiling, time to first vector from a cold
 * process, embedkit/peer ratios and the issue's targets; the last line is the tokens/s ratio
 * line for the mixed corpus with bge-small-en-v1.5 fp32.
 *
 * Flags: --quick, --models a,b:int8, --corpora short,passages,mixed, --short N, --passages N,
 * --mixed N, --passage-fraction F, --peers embedkit,fastembed-py,fastembed-js,transformers.js,
 * --threads N, --warmup N (texts embedded once before timing), --repeat N, --cold-runs N,
 * --no-ceiling, --timeout S (per process), --seed N, --sts PATH, --peer-batch N (every peer
 * but embedkit; default: each peer's own default), --embedkit-max-batch-tokens N (default:
 * the engine's).
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { storeConfigFromEnv } from "../src/index.js";
import { benchModel, DEFAULT_COMPARE_MODELS, type BenchModel } from "./lib/bench-models.js";
import { modelTokenCounts, writeCorpora, type CorpusFile } from "./lib/corpus-files.js";
import { corpusFlops } from "./lib/flops.js";
import { measureMatmulCeiling, type CeilingResult } from "./lib/matmul-ceiling-measure.js";
import { prepareModelFolder } from "./lib/peer-models.js";
import {
  BENCH_CACHE,
  isPeerName,
  measurementCommand,
  PEER_NAMES,
  setupPeers,
  type Peer,
  type PeerName,
} from "./lib/peers.js";
import { runProcess, type SpawnOutcome } from "./lib/spawn-runner.js";
import { CORPUS_KINDS, DEFAULT_SEED, describeCorpus, type CorpusKind, type CorpusSpec } from "./lib/sts-corpus.js";
import { fmt, formatTable, mib } from "./lib/table.js";
import { loadAverage } from "./lib/machine.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    models: { type: "string" },
    corpora: { type: "string" },
    short: { type: "string" },
    passages: { type: "string" },
    mixed: { type: "string" },
    "passage-fraction": { type: "string", default: "0.2" },
    peers: { type: "string", default: PEER_NAMES.join(",") },
    threads: { type: "string", default: "2" },
    warmup: { type: "string" },
    repeat: { type: "string", default: "1" },
    "cold-runs": { type: "string" },
    "no-ceiling": { type: "boolean", default: false },
    "peer-batch": { type: "string", default: "0" },
    "embedkit-max-batch-tokens": { type: "string", default: "0" },
    timeout: { type: "string" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    sts: { type: "string" },
  },
});

const quick = values.quick;
const opts = {
  models: (values.models ?? (quick ? "BAAI/bge-small-en-v1.5" : DEFAULT_COMPARE_MODELS.join(",")))
    .split(",")
    .map(benchModel),
  corpora: (values.corpora ?? (quick ? "mixed" : CORPUS_KINDS.join(","))).split(",") as CorpusKind[],
  sizes: {
    short: Number(values.short ?? 200),
    passages: Number(values.passages ?? 32),
    mixed: Number(values.mixed ?? (quick ? 80 : 160)),
  } as Record<CorpusKind, number>,
  passageFraction: Number(values["passage-fraction"]),
  peers: values.peers.split(","),
  threads: Number(values.threads),
  warmup: Number(values.warmup ?? (quick ? 4 : 16)),
  repeat: Number(values.repeat),
  coldRuns: Number(values["cold-runs"] ?? (quick ? 1 : 3)),
  ceiling: !values["no-ceiling"] && !quick,
  peerBatch: Number(values["peer-batch"]),
  embedkitMaxBatchTokens: Number(values["embedkit-max-batch-tokens"]),
  timeout: Number(values.timeout ?? (quick ? 100 : 600)),
  seed: Number(values.seed),
};
for (const c of opts.corpora) if (!CORPUS_KINDS.includes(c)) throw new Error(`unknown corpus "${c}"`);
const peerNames = opts.peers.filter(isPeerName);
if (peerNames.length !== opts.peers.length) throw new Error(`--peers: known peers are ${PEER_NAMES.join(", ")}`);
if (!peerNames.includes("embedkit")) peerNames.unshift("embedkit");

const log = (s: string): void => void process.stderr.write(`${s}\n`);
const started = performance.now();
const cacheDir = storeConfigFromEnv().cacheDir;

console.log(`embedkit peer comparison${quick ? " (quick)" : ""}: ${new Date().toISOString()}`);
console.log(`machine: ${loadAverage()}; ${opts.threads} intra-op threads for every peer; model files from ${cacheDir}`);
console.log("figures on a shared or loaded machine are noisy: compare peers within one run, not across runs\n");

// 1. Peers, model folders, corpora.
const peers = setupPeers(peerNames, log);
const peerRoot = join(BENCH_CACHE, "peer-models");
const modelDirs = new Map<BenchModel, string>();
for (const m of opts.models) {
  const prepared = prepareModelFolder(cacheDir, peerRoot, m);
  modelDirs.set(m, prepared.dir);
  if (!opts.models.slice(0, opts.models.indexOf(m)).some((x) => x.id === m.id))
    console.log(`note: ${prepared.synthesized}`);
}
const specs: CorpusSpec[] = opts.corpora.map((kind) => ({
  kind,
  size: opts.sizes[kind],
  passageFraction: opts.passageFraction,
  seed: opts.seed,
  ...(values.sts ? { stsPath: values.sts } : {}),
}));
const corpora = await writeCorpora(specs, join(BENCH_CACHE, "corpora"), cacheDir);
console.log("\ncorpora (STS Benchmark test split; token counts by the bge-small-en-v1.5 tokenizer):");
for (const c of corpora) console.log(`  ${describeCorpus(c.corpus)}`);
for (const p of peers) {
  if (!p.available) console.log(`peer ${p.name}: unavailable: ${p.reason}`);
}

// 2. Matmul ceiling (in this process, before any peer runs).
let ceiling: CeilingResult | undefined;
if (opts.ceiling) {
  log("measuring the matmul ceiling ...");
  ceiling = await measureMatmulCeiling({
    threads: opts.threads,
    tokens: [1024, 8192],
    minSeconds: 0.4,
    arch: opts.models[0]!.arch,
  });
}

// 3. Throughput: per model and corpus, every peer in turn (interleaved in time).
interface Row {
  readonly model: BenchModel;
  readonly corpus: CorpusFile;
  readonly peer: PeerName;
  readonly outcome: SpawnOutcome | { ok: false; reason: string };
  readonly tokens: number;
  readonly flops: number;
}
const rows: Row[] = [];
for (const model of opts.models) {
  for (const corpus of corpora) {
    const counts = await modelTokenCounts(model, corpus.corpus.texts, cacheDir);
    const tokens = counts.reduce((a, b) => a + b, 0);
    const flops = corpusFlops(model.arch, counts);
    for (const peer of peers) {
      if (!peer.available) {
        rows.push({
          model,
          corpus,
          peer: peer.name,
          outcome: { ok: false, reason: `unavailable: ${peer.reason}` },
          tokens,
          flops,
        });
        continue;
      }
      log(`${model.label} / ${corpus.corpus.kind} / ${peer.name} ...`);
      const command = measurementCommand(peer.base, {
        mode: "throughput",
        model,
        modelDir: modelDirs.get(model)!,
        cacheDir,
        threads: opts.threads,
        corpusFile: corpus.path,
        warmup: opts.warmup,
        repeat: opts.repeat,
        batch: peer.name === "embedkit" ? 0 : opts.peerBatch,
        maxBatchTokens: peer.name === "embedkit" ? opts.embedkitMaxBatchTokens : 0,
      });
      const outcome = await runProcess(command, opts.timeout);
      if (!outcome.ok) log(`  failed: ${outcome.reason}`);
      rows.push({ model, corpus, peer: peer.name, outcome, tokens, flops });
    }
  }
}

// 4. Cold start: a fresh process per run, spawn to first vector.
interface ColdRow {
  readonly model: BenchModel;
  readonly peer: PeerName;
  readonly firstVector: number[];
  readonly rssKiB: number;
  readonly reason?: string;
}
const coldRows: ColdRow[] = [];
const coldModels = opts.models.filter((m, i) => opts.models.findIndex((x) => x.label === m.label) === i);
for (const model of coldModels) {
  const runs = new Map<PeerName, { t: number[]; rss: number; reason?: string }>();
  for (let r = 0; r < opts.coldRuns; r++) {
    for (const peer of availablePeers(peers)) {
      const cmd = measurementCommand(peer.base, {
        mode: "cold",
        model,
        modelDir: modelDirs.get(model)!,
        cacheDir,
        threads: opts.threads,
      });
      const o = await runProcess(cmd, Math.min(opts.timeout, 120));
      const entry = runs.get(peer.name) ?? { t: [], rss: 0 };
      if (o.ok && o.firstVectorWallSeconds !== undefined) {
        entry.t.push(o.firstVectorWallSeconds);
        entry.rss = Math.max(entry.rss, o.result.maxRssKiB);
      } else if (!o.ok) entry.reason = o.reason;
      runs.set(peer.name, entry);
    }
  }
  for (const peer of peers) {
    const e = runs.get(peer.name);
    const reason = !peer.available ? `unavailable: ${peer.reason}` : e && e.t.length === 0 ? e.reason : undefined;
    coldRows.push({
      model,
      peer: peer.name,
      firstVector: e?.t ?? [],
      rssKiB: e?.rss ?? 0,
      ...(reason ? { reason } : {}),
    });
  }
}

function availablePeers(list: readonly Peer[]): Extract<Peer, { available: true }>[] {
  return list.filter((p): p is Extract<Peer, { available: true }> => p.available);
}

// 5. Report.
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
};
const bestSeconds = (o: SpawnOutcome): number => (o.ok ? Math.min(...o.result.seconds) : NaN);
const tokensPerSecond = (r: Row): number => (r.outcome.ok ? r.tokens / bestSeconds(r.outcome) : NaN);
const findRow = (model: BenchModel, kind: CorpusKind, peer: PeerName): Row | undefined =>
  rows.find((r) => r.model === model && r.corpus.corpus.kind === kind && r.peer === peer);

function cosineMin(a: readonly number[][], b: readonly number[][]): number {
  let min = Infinity;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    let dot = 0;
    let nx = 0;
    let ny = 0;
    for (let j = 0; j < x.length; j++) {
      dot += x[j]! * (y[j] ?? 0);
      nx += x[j]! * x[j]!;
      ny += (y[j] ?? 0) * (y[j] ?? 0);
    }
    min = Math.min(min, dot / Math.sqrt(nx * ny));
  }
  return min;
}

function ceilingFor(model: BenchModel): number | undefined {
  if (!ceiling) return undefined;
  return model.quantization === "int8" ? ceiling.ceiling.int8.gflops : ceiling.ceiling.fp32.gflops;
}

console.log(
  `\nthroughput (best of ${opts.repeat} timed pass(es) after a warm-up of ${opts.warmup} texts; one process each)`,
);
const table: string[][] = [];
for (const r of rows) {
  const ek = findRow(r.model, r.corpus.corpus.kind, "embedkit");
  const base = [r.model.label, r.corpus.corpus.kind, r.peer];
  if (!r.outcome.ok) {
    table.push([...base, "-", "-", "-", "-", "-", "-", "-", r.outcome.reason]);
    continue;
  }
  const secs = bestSeconds(r.outcome);
  const gflops = r.flops / secs / 1e9;
  const ceil = ceilingFor(r.model);
  const ratio = ek && ek.outcome.ok && r.peer !== "embedkit" ? tokensPerSecond(ek) / tokensPerSecond(r) : NaN;
  const cos =
    ek && ek.outcome.ok && r.peer !== "embedkit" ? cosineMin(ek.outcome.result.probe, r.outcome.result.probe) : NaN;
  table.push([
    ...base,
    String(r.outcome.result.batch),
    fmt(r.outcome.result.texts / secs),
    fmt(tokensPerSecond(r)),
    mib(r.outcome.result.maxRssKiB),
    fmt(gflops),
    ceil ? `${fmt((100 * gflops) / ceil)}%` : "-",
    Number.isNaN(ratio) ? "-" : `${fmt(ratio)}x`,
    [Number.isNaN(cos) ? "" : `cos ${cos.toFixed(5)}`, ...r.outcome.result.notes].filter((s) => s !== "").join("; "),
  ]);
}
console.log(
  formatTable(
    [
      "model",
      "corpus",
      "peer",
      "batch",
      "texts/s",
      "tokens/s",
      "RSS MiB",
      "GFLOP/s",
      "ceiling",
      "embedkit/peer",
      "notes",
    ],
    table,
  ),
);
console.log(
  "tokens/s counts real tokens (special tokens included, capped at the model's limit), the same count for every peer; " +
    "GFLOP/s is useful work (no padding); cos = least cosine of the first vectors against embedkit's",
);
if (ceiling) {
  console.log(
    `ceiling: ONNX Runtime matmul at the model's dense shapes, ${opts.threads} threads: fp32 ${fmt(ceiling.ceiling.fp32.gflops)} GFLOP/s, ` +
      `int8 ${fmt(ceiling.ceiling.int8.gflops)} GFLOP/s (int8 with dynamic quantization ${fmt(ceiling.ceiling["int8-dyn"].gflops)}); ` +
      "details: npm run bench:ceiling",
  );
}

console.log(
  `\ntime to first vector from a cold process (spawn to first vector, median of ${opts.coldRuns}; files in the page cache)`,
);
const coldTable: string[][] = [];
for (const c of coldRows) {
  const fastestPeer = Math.min(
    ...coldRows
      .filter((x) => x.model === c.model && x.peer !== "embedkit" && x.firstVector.length > 0)
      .map((x) => median(x.firstVector)),
  );
  coldTable.push(
    c.firstVector.length === 0
      ? [c.model.label, c.peer, "-", "-", "-", c.reason ?? "no result"]
      : [
          c.model.label,
          c.peer,
          fmt(median(c.firstVector)),
          mib(c.rssKiB),
          c.peer === "embedkit" && Number.isFinite(fastestPeer) ? `${fmt(fastestPeer / median(c.firstVector))}x` : "-",
          "",
        ],
  );
}
console.log(formatTable(["model", "peer", "seconds", "RSS MiB", "fastest peer/embedkit", "notes"], coldTable));

// 6. Targets (issue "performance").
console.log("\ntargets:");
const verdict = (ok: boolean | undefined): string => (ok === undefined ? "not measured" : ok ? "met" : "NOT met");
const bgeFp32 = opts.models.find((m) => m.id === "BAAI/bge-small-en-v1.5" && m.quantization === "fp32");
const bgeInt8 = opts.models.find((m) => m.id === "BAAI/bge-small-en-v1.5" && m.quantization === "int8");
const TARGETS: [PeerName, number][] = [
  ["fastembed-py", 1.3],
  ["fastembed-js", 3],
  ["transformers.js", 2],
];
const ratioOn = (model: BenchModel | undefined, kind: CorpusKind, peer: PeerName): number | string => {
  if (!model) return "not measured";
  const ek = findRow(model, kind, "embedkit");
  const other = findRow(model, kind, peer);
  if (!ek || !other) return "not measured";
  if (!other.outcome.ok) return other.outcome.reason;
  if (!ek.outcome.ok) return `embedkit failed: ${ek.outcome.reason}`;
  return tokensPerSecond(ek) / tokensPerSecond(other);
};
for (const [peer, want] of TARGETS) {
  const r = ratioOn(bgeFp32, "mixed", peer);
  console.log(
    `  mixed, bge fp32, tokens/s embedkit/${peer} >= ${want}: ` +
      (typeof r === "number" ? `${fmt(r)}x, ${verdict(r >= want)}` : r),
  );
}
{
  const ek = bgeFp32 && findRow(bgeFp32, "passages", "embedkit");
  const ceil = bgeFp32 && ceilingFor(bgeFp32);
  if (ek && ek.outcome.ok && ceil) {
    const frac = ek.flops / bestSeconds(ek.outcome) / 1e9 / ceil;
    console.log(
      `  passages, bge fp32, >= 50% of the fp32 matmul ceiling: ${fmt(100 * frac)}%, ${verdict(frac >= 0.5)}`,
    );
  } else console.log("  passages, bge fp32, >= 50% of the fp32 matmul ceiling: not measured");
}
for (const kind of opts.corpora) {
  const a = bgeInt8 && findRow(bgeInt8, kind, "embedkit");
  const b = bgeFp32 && findRow(bgeFp32, kind, "embedkit");
  if (a && b && a.outcome.ok && b.outcome.ok) {
    const r = tokensPerSecond(a) / tokensPerSecond(b);
    console.log(`  ${kind}, embedkit int8 >= 1.5x fp32: ${fmt(r)}x, ${verdict(r >= 1.5)}`);
  }
}
for (const model of coldModels) {
  const ek = coldRows.find((c) => c.model === model && c.peer === "embedkit");
  const others = coldRows.filter((c) => c.model === model && c.peer !== "embedkit" && c.firstVector.length > 0);
  if (ek && ek.firstVector.length > 0 && others.length > 0) {
    const fastest = Math.min(...others.map((o) => median(o.firstVector)));
    const mine = median(ek.firstVector);
    console.log(
      `  ${model.label}, cold first vector no worse than the fastest peer: ${fmt(mine)} s vs ${fmt(fastest)} s, ${verdict(mine <= fastest)}`,
    );
  }
}

console.log(`\nmachine after the run: ${loadAverage()}; took ${fmt((performance.now() - started) / 1000)} s`);
// The last line: the three ratios on the mixed corpus, bge-small-en-v1.5 fp32.
const parts = TARGETS.map(([peer]) => {
  const r = ratioOn(bgeFp32, "mixed", peer);
  if (typeof r === "number") return `embedkit/${peer}=${r.toFixed(2)}`;
  return `embedkit/${peer}=${r === "not measured" ? "not-measured" : `unavailable(${r.replace(/^unavailable: /, "")})`}`;
});
console.log(`tokens/s ratio ${parts.join(" ")}`);
