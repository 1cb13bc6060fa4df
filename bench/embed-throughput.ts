/**
 * `npm run bench` — embedkit's own throughput on a fixed mixed-length corpus.
 *
 * The corpus: short STS Benchmark sentences and passages of 200-500 tokens (consecutive STS
 * sentences joined, counted with the bge-small-en-v1.5 tokenizer), shuffled with a fixed seed.
 * Each configuration runs in its own process (bench/peers/run-embedkit.ts), so its peak RSS is
 * its own; one warm-up pass over the corpus is excluded from the timing. Prints texts/s,
 * tokens/s (real tokens, no padding), peak RSS and useful GFLOP/s per configuration, and the
 * int8/fp32 ratio.
 *
 * Flags: --size N (texts, default 200), --passage-fraction F (default 0.2), --models
 * id[:int8],... (default bge-small-en-v1.5 fp32 and int8), --threads N (2), --warmup N|all
 * (texts of the warm-up pass, default all), --repeat N (timed passes, best kept), --batch-size
 * N,..., --max-batch-tokens N,... (lists: every combination is run, for tuning), --seed N,
 * --sts PATH, --timeout S, --engine-options 'JSON;JSON;...' (TextEmbedding runtime options to
 * compare, e.g. '{"inferenceThread":"main"};{"sessions":2}'; "{}" is the default configuration).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { storeConfigFromEnv } from "../src/index.js";
import { benchModel, type BenchModel } from "./lib/bench-models.js";
import { modelTokenCounts, writeCorpora } from "./lib/corpus-files.js";
import { corpusFlops } from "./lib/flops.js";
import { loadAverage } from "./lib/machine.js";
import { BENCH_CACHE, measurementCommand } from "./lib/peers.js";
import { runProcess } from "./lib/spawn-runner.js";
import { DEFAULT_SEED, describeCorpus, PROJECT_ROOT } from "./lib/sts-corpus.js";
import { fmt, formatTable, mib } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "200" },
    "passage-fraction": { type: "string", default: "0.2" },
    models: { type: "string", default: "BAAI/bge-small-en-v1.5,BAAI/bge-small-en-v1.5:int8" },
    threads: { type: "string", default: "2" },
    warmup: { type: "string", default: "all" },
    repeat: { type: "string", default: "1" },
    "batch-size": { type: "string", default: "0" },
    "max-batch-tokens": { type: "string", default: "0" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
    sts: { type: "string" },
    timeout: { type: "string", default: "600" },
    "engine-options": { type: "string", default: "" },
  },
});

const list = (s: string): number[] => s.split(",").map(Number);
const models = values.models.split(",").map(benchModel);
const threads = Number(values.threads);
const cacheDir = storeConfigFromEnv().cacheDir;
const started = performance.now();

console.log(`embedkit throughput: ${new Date().toISOString()}`);
console.log(`machine: ${loadAverage()}; ${threads} intra-op threads; model files from ${cacheDir}`);

const [corpus] = await writeCorpora(
  [
    {
      kind: "mixed",
      size: Number(values.size),
      passageFraction: Number(values["passage-fraction"]),
      seed: Number(values.seed),
      ...(values.sts ? { stsPath: values.sts } : {}),
    },
  ],
  join(BENCH_CACHE, "corpora"),
  cacheDir,
);
console.log(`corpus (seed ${values.seed}): ${describeCorpus(corpus!.corpus)}`);
const warmup = values.warmup === "all" ? -1 : Number(values.warmup);
console.log(
  `warm-up: ${warmup < 0 ? "one full pass" : `${warmup} texts`}, excluded; timed: best of ${values.repeat} pass(es)\n`,
);

// Runs the runner from source through tsx: this program reports throughput, not cold start.
const runner = {
  cmd: process.execPath,
  args: ["--import", "tsx", join(PROJECT_ROOT, "bench", "peers", "run-embedkit.ts")],
  cwd: PROJECT_ROOT,
};

interface Result {
  readonly label: string;
  readonly model: BenchModel;
  readonly cells: string[];
  readonly tokensPerSecond: number;
}
const results: Result[] = [];
const tokensByModel = new Map<string, { tokens: number; flops: number }>();
for (const model of models) {
  let counted = tokensByModel.get(model.id);
  if (!counted) {
    const counts = await modelTokenCounts(model, corpus!.corpus.texts, cacheDir);
    counted = { tokens: counts.reduce((a, b) => a + b, 0), flops: corpusFlops(model.arch, counts) };
    tokensByModel.set(model.id, counted);
  }
  for (const batch of list(values["batch-size"])) {
    for (const maxBatchTokens of list(values["max-batch-tokens"])) {
      for (const engineOptions of values["engine-options"].split(";")) {
        const label = [
          model.label,
          batch > 0 ? `batch ${batch}` : "",
          maxBatchTokens > 0 ? `maxBatchTokens ${maxBatchTokens}` : "",
          engineOptions && engineOptions !== "{}" ? engineOptions : "",
        ]
          .filter((s) => s !== "")
          .join(", ");
        process.stderr.write(`${label} ...\n`);
        const outcome = await runProcess(
          measurementCommand(runner, {
            mode: "throughput",
            model,
            modelDir: "",
            cacheDir,
            threads,
            corpusFile: corpus!.path,
            warmup,
            repeat: Number(values.repeat),
            batch,
            maxBatchTokens,
            ...(engineOptions && engineOptions !== "{}" ? { engineOptions } : {}),
          }),
          Number(values.timeout),
        );
        if (!outcome.ok) {
          results.push({
            label,
            model,
            cells: [label, "-", "-", "-", "-", "-", "-", outcome.reason],
            tokensPerSecond: NaN,
          });
          continue;
        }
        const s = Math.min(...outcome.result.seconds);
        results.push({
          label,
          model,
          tokensPerSecond: counted.tokens / s,
          cells: [
            label,
            String(outcome.result.texts),
            fmt(s),
            fmt(outcome.result.texts / s),
            fmt(counted.tokens / s),
            mib(outcome.result.maxRssKiB),
            fmt(counted.flops / s / 1e9),
            "",
          ],
        });
      }
    }
  }
}

console.log(
  formatTable(
    ["configuration", "texts", "seconds", "texts/s", "tokens/s", "peak RSS MiB", "GFLOP/s", "notes"],
    results.map((r) => r.cells),
  ),
);
console.log(
  "tokens/s: real tokens (special tokens included, no padding); GFLOP/s: useful work by bench/lib/flops.ts; " +
    "ceiling: npm run bench:ceiling",
);
const fp32 = results.find((r) => r.model.quantization === "fp32" && Number.isFinite(r.tokensPerSecond));
const int8 = results.find(
  (r) => r.model.id === fp32?.model.id && r.model.quantization === "int8" && Number.isFinite(r.tokensPerSecond),
);
if (fp32 && int8)
  console.log(
    `int8/fp32 tokens/s: ${fmt(int8.tokensPerSecond / fp32.tokensPerSecond)}x (${int8.label} vs ${fp32.label})`,
  );
console.log(`machine after the run: ${loadAverage()}; took ${fmt((performance.now() - started) / 1000)} s`);
