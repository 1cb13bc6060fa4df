/**
 * The shared body of the Node peer runners: parse the protocol flags, load the peer, then either
 * embed one text from cold (mode "cold") or time passes over a corpus (mode "throughput"), and
 * print the result line. Each runner supplies only how its peer loads and embeds.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  COLD_START_TEXT,
  FIRST_VECTOR_LINE,
  RESULT_PREFIX,
  type RunMode,
  type RunnerResult,
} from "./runner-protocol.js";

export interface RunnerArgs {
  readonly mode: RunMode;
  readonly model: string;
  readonly modelDir: string;
  readonly onnx: string;
  readonly quantization: "fp32" | "int8";
  readonly pooling: "cls" | "mean";
  readonly maxTokens: number;
  readonly threads: number;
  /** 0: the peer's own default. */
  readonly batch: number;
  readonly corpus: string;
  readonly warmup: number;
  readonly repeat: number;
  readonly probe: number;
  readonly cacheDir: string;
  readonly maxBatchTokens: number;
  /** embedkit only: extra TextEmbedding options (JSON object); "" for none. */
  readonly engineOptions: string;
}

export interface LoadedPeer {
  readonly version: string;
  /** Batch size the peer will use. */
  readonly batch: number;
  readonly notes: string[];
  embed(texts: readonly string[]): Promise<ArrayLike<number>[]>;
}

export function parseRunnerArgs(argv: readonly string[] = process.argv.slice(2)): RunnerArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      mode: { type: "string", default: "throughput" },
      model: { type: "string", default: "BAAI/bge-small-en-v1.5" },
      "model-dir": { type: "string", default: "" },
      onnx: { type: "string", default: "onnx/model.onnx" },
      quantization: { type: "string", default: "fp32" },
      pooling: { type: "string", default: "cls" },
      "max-tokens": { type: "string", default: "512" },
      threads: { type: "string", default: "2" },
      batch: { type: "string", default: "0" },
      corpus: { type: "string", default: "" },
      warmup: { type: "string", default: "0" },
      repeat: { type: "string", default: "1" },
      probe: { type: "string", default: "3" },
      "cache-dir": { type: "string", default: "" },
      "max-batch-tokens": { type: "string", default: "0" },
      "engine-options": { type: "string", default: "" },
    },
    strict: true,
  });
  const mode = values.mode;
  if (mode !== "cold" && mode !== "throughput") throw new Error(`--mode must be cold or throughput, got ${mode}`);
  const quantization = values.quantization;
  if (quantization !== "fp32" && quantization !== "int8") throw new Error(`--quantization must be fp32 or int8`);
  const pooling = values.pooling;
  if (pooling !== "cls" && pooling !== "mean") throw new Error(`--pooling must be cls or mean`);
  return {
    mode,
    model: values.model,
    modelDir: values["model-dir"],
    onnx: values.onnx,
    quantization,
    pooling,
    maxTokens: Number(values["max-tokens"]),
    threads: Number(values.threads),
    batch: Number(values.batch),
    corpus: values.corpus,
    warmup: Number(values.warmup),
    repeat: Math.max(1, Number(values.repeat)),
    probe: Number(values.probe),
    cacheDir: values["cache-dir"],
    maxBatchTokens: Number(values["max-batch-tokens"]),
    engineOptions: values["engine-options"],
  };
}

/** Seconds since this process started (performance's time origin is process start). */
function sinceStart(): number {
  return performance.now() / 1000;
}

function round6(v: ArrayLike<number>): number[] {
  return Array.from(v, (x) => Math.round(x * 1e6) / 1e6);
}

/** Runs one measurement and prints its lines. `load` must do all imports of the peer itself. */
export async function runPeer(peer: string, load: (args: RunnerArgs) => Promise<LoadedPeer>): Promise<void> {
  const args = parseRunnerArgs();
  const loaded = await load(args);
  const loadSeconds = sinceStart();
  const base = {
    peer,
    version: loaded.version,
    mode: args.mode,
    loadSeconds,
    batch: loaded.batch,
    threads: args.threads,
    notes: loaded.notes,
  };
  let result: RunnerResult;
  if (args.mode === "cold") {
    const t = performance.now();
    const [v] = await loaded.embed([COLD_START_TEXT]);
    const firstVectorSeconds = sinceStart();
    process.stdout.write(`${FIRST_VECTOR_LINE}\n`);
    result = {
      ...base,
      texts: 1,
      seconds: [(performance.now() - t) / 1000],
      firstVectorSeconds,
      maxRssKiB: process.resourceUsage().maxRSS,
      probe: v ? [round6(v)] : [],
    };
  } else {
    const texts = (JSON.parse(readFileSync(args.corpus, "utf8")) as { texts: string[] }).texts;
    const warm = args.warmup < 0 ? texts : texts.slice(0, args.warmup);
    if (warm.length > 0) await loaded.embed(warm);
    const seconds: number[] = [];
    let vectors: ArrayLike<number>[] = [];
    for (let r = 0; r < args.repeat; r++) {
      const t = performance.now();
      vectors = await loaded.embed(texts);
      seconds.push((performance.now() - t) / 1000);
    }
    if (vectors.length !== texts.length)
      throw new Error(`${peer} returned ${vectors.length} vectors for ${texts.length} texts`);
    result = {
      ...base,
      texts: texts.length,
      seconds,
      maxRssKiB: process.resourceUsage().maxRSS,
      probe: vectors.slice(0, args.probe).map(round6),
    };
  }
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}
