/**
 * L7: what every model-using command shares: the context (streams, env), model flags, and the
 * one place numeric flag values are parsed.
 */
import type { Readable } from "node:stream";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { TextEmbeddingOptions } from "../embed/text-embedding.js";
import { storeConfigFromEnv, type StoreConfig } from "../config/schema.js";
import { DEFAULT_MODEL } from "../models/registry.js";
import type { Quantization } from "../types.js";

export interface CliContext {
  readonly stdin: Readable;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const commonModelOptions = {
  options: {
    model: { type: "string", short: "m" },
    quantization: { type: "string", short: "q" },
    "cache-dir": { type: "string" },
    offline: { type: "boolean" },
    threads: { type: "string" },
  },
  help: `  -m, --model ID|DIR       registry id or local model folder (default ${DEFAULT_MODEL}; see \`embedkit models list\`)
  -q, --quantization Q     fp32 (default), int8, or fp16 where the model publishes it (see \`embedkit models info ID\`)
      --cache-dir DIR      model cache (default $EMBEDKIT_CACHE or ~/.cache/embedkit)
      --offline            never touch the network (also EMBEDKIT_OFFLINE=1 or HF_HUB_OFFLINE=1)
      --threads N          ONNX Runtime intra-op threads (default: all cores)
`,
} as const;

interface ModelFlagValues {
  model?: string | undefined;
  quantization?: string | undefined;
  "cache-dir"?: string | undefined;
  offline?: boolean | undefined;
  threads?: string | undefined;
}

export function storeFrom(values: ModelFlagValues, ctx: CliContext): StoreConfig {
  const overrides: Partial<StoreConfig> = {};
  if (values["cache-dir"] !== undefined) Object.assign(overrides, { cacheDir: values["cache-dir"] });
  if (values.offline) Object.assign(overrides, { offline: true });
  return storeConfigFromEnv(ctx.env, overrides);
}

export function modelOptionsFrom(values: ModelFlagValues, ctx: CliContext): TextEmbeddingOptions {
  return {
    model: values.model ?? DEFAULT_MODEL,
    quantization: (values.quantization ?? "fp32") as Quantization,
    store: storeFrom(values, ctx),
    ...(values.threads !== undefined ? { intraOpThreads: intFlag("--threads", values.threads) } : {}),
  };
}

/**
 * A numeric flag's value: an integer written in decimal, else INVALID_OPTION naming the flag
 * and the text given (the CLI exits 2). Ranges are checked by the library, which names the
 * option; `FLAG_FOR_OPTION` lets the CLI name the flag there too.
 */
export function intFlag(flag: string, text: string): number {
  const t = text.trim();
  if (!/^[-+]?\d+$/.test(t) || !Number.isSafeInteger(Number(t))) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${flag} must be an integer, got ${JSON.stringify(text)}`, {
      flag,
      value: text,
    });
  }
  return Number(t);
}

/** The library option each CLI flag sets, to name the flag in the library's option errors. */
export const FLAG_FOR_OPTION: Readonly<Record<string, string>> = {
  batchSize: "--batch-size",
  dimensions: "--dimensions",
  intraOpThreads: "--threads",
  quantization: "--quantization",
  seed: "--seed",
  "chunking.strategy": "--chunk",
  "chunking.by": "--chunk-by",
  "chunking.size": "--chunk-size",
  "chunking.overlap": "--chunk-overlap",
  sparse: "--sparse",
  mode: "--mode",
  fusion: "--fusion",
  candidates: "--candidates",
  nprobes: "--nprobes",
  ef: "--ef",
  efSearch: "--ef",
  refineFactor: "--refine-factor",
  rescore: "--rescore",
  rescoreWith: "--rescore-with",
  "ann.type": "--ann",
  "ann.partitions": "--partitions",
  "rerank.topN": "--rerank-top",
};
