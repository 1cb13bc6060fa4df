/**
 * bench:late: late vs naive chunking on one long document: tokens/s and peak RSS of each, and
 * what macro-window overlap costs (late chunking with overlap 0, the default a quarter of the
 * window, and half the window). Each configuration runs in its own child process so its peak
 * RSS is its own. The document repeats the golden medium-en text up to --chars characters.
 *
 *   npx tsx bench/late-chunking.ts [--chars 10000000] [--model ID] [--quantization int8] [--size 256]
 *     [--configs 0,2]   (only these rows: 0 naive, 1 late overlap 0, 2 late default, 3 late W/2)
 */
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { TextEmbedding } from "../src/index.js";

const { values } = parseArgs({
  options: {
    chars: { type: "string", default: "200000" },
    model: { type: "string", default: "sentence-transformers/all-MiniLM-L6-v2" },
    quantization: { type: "string", default: "int8" },
    size: { type: "string", default: "128" },
    run: { type: "string" },
    configs: { type: "string" },
  },
});
const chars = Number(values.chars);
const size = Number(values.size);

function documentOf(n: number): string {
  const docs = JSON.parse(
    readFileSync(new URL("../tests/golden/late-chunking-docs.json", import.meta.url), "utf8"),
  ) as { documents: { id: string; text: string }[] };
  const base = docs.documents.find((d) => d.id === "medium-en")!.text;
  const parts: string[] = [];
  let len = 0;
  while (len < n) {
    parts.push(base);
    len += base.length + 2;
  }
  return parts.join("\n\n").slice(0, n);
}

interface Config {
  readonly name: string;
  readonly strategy: "late" | "naive";
  readonly overlap?: (window: number) => number;
}
const CONFIGS: Config[] = [
  { name: "naive", strategy: "naive" },
  { name: "late, overlap 0", strategy: "late", overlap: () => 0 },
  { name: "late, overlap W/4 (default)", strategy: "late", overlap: (w) => Math.floor(w / 4) },
  { name: "late, overlap W/2", strategy: "late", overlap: (w) => Math.floor(w / 2) },
];

async function runOne(config: Config): Promise<void> {
  const model = await TextEmbedding.create({
    model: values.model!,
    quantization: values.quantization as "fp32" | "int8",
    store: { offline: true },
  });
  const text = documentOf(chars);
  const started = performance.now();
  let chunks = 0;
  let tokens = 0;
  const macro = config.overlap ? { macroWindow: { overlap: config.overlap(model.maxTokens) } } : {};
  for await (const d of model.embedChunks([text], {
    chunking: { strategy: config.strategy, by: "tokens", size },
    ...macro,
  })) {
    chunks += d.chunks.length;
    for (const c of d.chunks) tokens += c.tokens;
  }
  const seconds = (performance.now() - started) / 1000;
  await model.dispose();
  process.send!({ chunks, tokens, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 });
}

if (values.run !== undefined) {
  await runOne(CONFIGS[Number(values.run)]!);
} else {
  console.log(
    `${values.model} ${values.quantization}, ${chars.toLocaleString("en")} characters, chunks of ${size} tokens`,
  );
  console.log("configuration                  chunks  doc tokens  seconds  tokens/s  peak RSS MiB");
  const only = values.configs?.split(",").map(Number);
  for (const [i, c] of CONFIGS.entries()) {
    if (only !== undefined && !only.includes(i)) continue;
    const r = await new Promise<{ chunks: number; tokens: number; seconds: number; peakRssMiB: number }>(
      (resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), "--run", String(i)], {
          execArgv: process.execArgv,
        });
        child.once("message", (m) => resolve(m as never));
        child.once("error", reject);
        child.once("exit", (code) => code !== 0 && reject(new Error(`${c.name}: exit ${code}`)));
      },
    );
    console.log(
      `${c.name.padEnd(30)} ${String(r.chunks).padStart(6)} ${String(r.tokens).padStart(11)} ${r.seconds.toFixed(1).padStart(8)} ${Math.round(
        r.tokens / r.seconds,
      )
        .toString()
        .padStart(9)} ${r.peakRssMiB.toFixed(0).padStart(13)}`,
    );
  }
}
