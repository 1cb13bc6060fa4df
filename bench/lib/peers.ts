/**
 * The four peers of the comparison, how each is made ready, and the command that runs one
 * measurement of it. Node runners are compiled to plain JS first (bench/tsconfig.runners.json),
 * so no TypeScript loader is in their cold start; FastEmbed (Python) runs from bench/.venv.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { BenchModel } from "./bench-models.js";
import type { Command } from "./spawn-runner.js";
import { PROJECT_ROOT } from "./sts-corpus.js";

export const PEER_NAMES = ["embedkit", "fastembed-py", "fastembed-js", "transformers.js"] as const;
export type PeerName = (typeof PEER_NAMES)[number];

export function isPeerName(s: string): s is PeerName {
  return (PEER_NAMES as readonly string[]).includes(s);
}

export type Peer =
  | { readonly name: PeerName; readonly available: true; readonly base: Command }
  | { readonly name: PeerName; readonly available: false; readonly reason: string };

const BENCH_DIR = join(PROJECT_ROOT, "bench");
export const BENCH_CACHE = join(BENCH_DIR, ".cache");
const COMPILED = join(PROJECT_ROOT, "node_modules", ".cache", "embedkit-bench");
const VENV_PYTHON = join(BENCH_DIR, ".venv", "bin", "python");

function lastLines(e: unknown): string {
  const err = e as { stderr?: Buffer | string; message?: string };
  const text = (err.stderr ? err.stderr.toString() : "") || err.message || String(e);
  return text
    .trim()
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.includes("npm warn"))
    .slice(-2)
    .join(" | ");
}

/** Compiles the Node runners; throws with tsc's output if they do not compile. */
export function compileRunners(): void {
  mkdirSync(COMPILED, { recursive: true });
  // Files under node_modules/ belong to no package scope unless one is declared: make them ESM.
  writeFileSync(join(COMPILED, "package.json"), '{ "type": "module" }\n');
  const tsc = join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(BENCH_DIR, "tsconfig.runners.json")], { stdio: "pipe" });
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? "";
    throw new Error(`bench runners do not compile:\n${out || lastLines(e)}`);
  }
}

function nodeRunner(file: string): Command {
  return { cmd: process.execPath, args: [join(COMPILED, "bench", "peers", file)], cwd: PROJECT_ROOT };
}

function packageMissing(name: string): string | undefined {
  try {
    createRequire(join(PROJECT_ROOT, "package.json")).resolve(name);
    return undefined;
  } catch {
    return `npm package ${name} is not installed (run npm ci)`;
  }
}

/** Makes the named peers ready; a peer that cannot run here says why instead. */
export function setupPeers(names: readonly PeerName[], log: (s: string) => void): Peer[] {
  const needNode = names.some((n) => n !== "fastembed-py");
  if (needNode) compileRunners();
  return names.map((name): Peer => {
    switch (name) {
      case "embedkit":
        return { name, available: true, base: nodeRunner("run-embedkit.js") };
      case "fastembed-js":
      case "transformers.js": {
        const pkg = name === "fastembed-js" ? "fastembed" : "@huggingface/transformers";
        const missing = packageMissing(pkg);
        if (missing) return { name, available: false, reason: missing };
        return {
          name,
          available: true,
          base: nodeRunner(name === "fastembed-js" ? "run-fastembed-js.js" : "run-transformers-js.js"),
        };
      }
      case "fastembed-py": {
        try {
          log("setting up bench/.venv (FastEmbed, Python) ...");
          execFileSync("bash", [join(BENCH_DIR, "peers", "setup-fastembed-py.sh")], { stdio: "pipe" });
        } catch (e) {
          return { name, available: false, reason: `bench/.venv setup failed: ${lastLines(e)}` };
        }
        if (!existsSync(VENV_PYTHON)) return { name, available: false, reason: "bench/.venv has no python" };
        return {
          name,
          available: true,
          base: {
            cmd: VENV_PYTHON,
            args: [
              join(BENCH_DIR, "peers", "run_fastembed_py.py"),
              "--fastembed-cache",
              join(BENCH_CACHE, "fastembed-py"),
            ],
            cwd: PROJECT_ROOT,
            env: { HF_HUB_OFFLINE: "1", TOKENIZERS_PARALLELISM: "false" },
          },
        };
      }
    }
  });
}

export interface MeasurementRequest {
  readonly mode: "cold" | "throughput";
  readonly model: BenchModel;
  readonly modelDir: string;
  readonly cacheDir: string;
  readonly threads: number;
  readonly corpusFile?: string;
  readonly warmup?: number;
  readonly repeat?: number;
  /** Peer batch size; 0 for the peer's default. */
  readonly batch?: number;
  readonly maxBatchTokens?: number;
  /** embedkit only: extra TextEmbedding options as JSON (runtime tuning), e.g. {"sessions":2}. */
  readonly engineOptions?: string;
}

export function measurementCommand(base: Command, r: MeasurementRequest): Command {
  // --name=value: a value such as "-1" would otherwise read as a flag.
  const flags: Record<string, string | number> = {
    mode: r.mode,
    model: r.model.id,
    "model-dir": r.modelDir,
    onnx: r.model.onnx,
    quantization: r.model.quantization,
    pooling: r.model.pooling,
    "max-tokens": r.model.maxTokens,
    threads: r.threads,
    "cache-dir": r.cacheDir,
    batch: r.batch ?? 0,
    warmup: r.warmup ?? 0,
    repeat: r.repeat ?? 1,
    "max-batch-tokens": r.maxBatchTokens ?? 0,
    ...(r.corpusFile ? { corpus: r.corpusFile } : {}),
    ...(r.engineOptions ? { "engine-options": r.engineOptions } : {}),
  };
  const args = [...base.args, ...Object.entries(flags).map(([k, v]) => `--${k}=${v}`)];
  return { ...base, args };
}
