/**
 * `npm run bench:memory` — embedding a very long stream keeps memory flat.
 *
 * Streams `--count` texts (default 1,000,000) through `TextEmbedding.embed()` from a lazy
 * generator: STS Benchmark sentences in turn, each with its index appended, so no two texts are
 * the same and nothing is held by the producer. Every vector is consumed (a checksum is kept)
 * and dropped. Every `--every` texts it samples the process's RSS (the worker thread's ONNX
 * Runtime memory included: workers share the process) and the V8 heap, and prints the curve.
 * At the end: the RSS range after warm-up and the slope of a least-squares line through the
 * second half, in MiB per 100,000 texts (flat memory: a slope near 0).
 *
 * Flags: --count N, --every N (default count/50), --model id[:int8] (default
 * sentence-transformers/all-MiniLM-L6-v2:int8: the fastest model, so a million texts take
 * minutes, not hours), --csv PATH (write the curve), --sts PATH.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { TextEmbedding } from "../src/index.js";
import { loadAverage } from "./lib/machine.js";
import { DEFAULT_STS_PATH, readStsSentences } from "./lib/sts-corpus.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "1000000" },
    every: { type: "string" },
    model: { type: "string", default: "sentence-transformers/all-MiniLM-L6-v2:int8" },
    csv: { type: "string" },
    sts: { type: "string", default: DEFAULT_STS_PATH },
  },
});
const count = Number(values.count);
const every = values.every ? Number(values.every) : Math.max(1, Math.round(count / 50));
const [modelId, variant] = values.model.split(":");
const sentences = readStsSentences(values.sts);

function* texts(n: number): Generator<string> {
  for (let i = 0; i < n; i++) yield `${sentences[i % sentences.length]} (${i})`;
}

interface Sample {
  texts: number;
  seconds: number;
  rssMiB: number;
  heapMiB: number;
}

const MiB = 1024 * 1024;
console.log(`embedkit stream memory: ${new Date().toISOString()}`);
console.log(`machine: ${loadAverage()}; model ${values.model}; ${count} texts, sampled every ${every}`);
const model = await TextEmbedding.create({
  model: modelId!,
  quantization: variant === "int8" ? "int8" : "fp32",
  store: { offline: true },
});
const started = performance.now();
const samples: Sample[] = [];
const sample = (n: number): void => {
  const m = process.memoryUsage();
  samples.push({
    texts: n,
    seconds: (performance.now() - started) / 1000,
    rssMiB: m.rss / MiB,
    heapMiB: m.heapUsed / MiB,
  });
};
sample(0);
let done = 0;
let checksum = 0;
let nextSample = every;
for await (const batch of model.embed(texts(count))) {
  for (const v of batch) checksum += v[0]!;
  done += batch.length;
  if (done >= nextSample) {
    sample(done);
    const s = samples.at(-1)!;
    process.stderr.write(`${done} texts, ${fmt(s.seconds)} s, RSS ${fmt(s.rssMiB)} MiB\n`);
    nextSample += every;
  }
}
if (samples.at(-1)!.texts !== done) sample(done);
await model.dispose();

console.log(
  formatTable(
    ["texts", "seconds", "texts/s", "RSS MiB", "V8 heap MiB"],
    samples.map((s) => [
      String(s.texts),
      fmt(s.seconds),
      s.seconds > 0 ? fmt(s.texts / s.seconds) : "-",
      fmt(s.rssMiB),
      fmt(s.heapMiB),
    ]),
  ),
);
if (values.csv) {
  writeFileSync(
    values.csv,
    "texts,seconds,rss_mib,heap_mib\n" +
      samples.map((s) => `${s.texts},${s.seconds},${s.rssMiB},${s.heapMiB}`).join("\n") +
      "\n",
  );
}

// Warm-up: the first 10% (arena and JIT settle). Slope: least squares over the second half.
const settled = samples.filter((s) => s.texts >= count / 10);
const half = samples.filter((s) => s.texts >= count / 2);
const slope = (() => {
  const n = half.length;
  if (n < 2) return NaN;
  const mx = half.reduce((a, s) => a + s.texts, 0) / n;
  const my = half.reduce((a, s) => a + s.rssMiB, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of half) {
    num += (s.texts - mx) * (s.rssMiB - my);
    den += (s.texts - mx) ** 2;
  }
  return (num / den) * 100_000;
})();
const rss = settled.map((s) => s.rssMiB);
console.log(
  `RSS after warm-up (${settled.length} samples from ${settled[0]?.texts ?? "-"} texts): ` +
    `${fmt(Math.min(...rss))}-${fmt(Math.max(...rss))} MiB; peak RSS ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`,
);
console.log(`RSS slope over the second half: ${fmt(slope)} MiB per 100,000 texts (checksum ${checksum.toFixed(3)})`);
console.log(
  `${done} texts in ${fmt(samples.at(-1)!.seconds)} s (${fmt(done / samples.at(-1)!.seconds)} texts/s); machine after: ${loadAverage()}`,
);
