/**
 * L2: a custom model in a local folder (a sentence-transformers / hub checkout). Its facts are
 * read from the same files TEI reads: config.json, 1_Pooling/config.json, modules.json,
 * config_sentence_transformers.json, sentence_bert_config.json. Explicit overrides win.
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { ModelPrompts, ModelSpec } from "../models/spec.js";
import type { Pooling, Quantization } from "../types.js";
import { readJsonFile, readJsonObject } from "./read-json-file.js";
import type { ResolvedModel } from "./resolved-model.js";

/** Facts given explicitly; each wins over what the folder's files say. */
export interface LocalModelOverrides {
  /** Local models: the pooling, instead of what `1_Pooling/config.json` says. */
  readonly pooling?: Pooling | undefined;
  /** Local models: whether to L2-normalize, instead of what `modules.json` says. */
  readonly normalize?: boolean | undefined;
  /** Local models: query/passage/symmetric prompts, instead of `config_sentence_transformers.json`'s. */
  readonly prompts?: Partial<ModelPrompts> | undefined;
  /** Local models: the output dimension, instead of `config.json`'s `hidden_size`. */
  readonly dim?: number | undefined;
  /** Local models: the most tokens per input, instead of the folder's configuration. */
  readonly maxTokens?: number | undefined;
}

export interface LocalModelRequest extends LocalModelOverrides {
  readonly folder: string;
  /** Default "fp32". */
  readonly quantization?: Quantization | undefined;
}

const ONNX_NAMES: Readonly<Record<Quantization, readonly string[]>> = {
  fp32: ["model.onnx", "onnx/model.onnx"],
  int8: ["model_quantized.onnx", "onnx/model_quantized.onnx"],
  fp16: ["model_fp16.onnx", "onnx/model_fp16.onnx"],
};

const POOLING_FLAGS: Readonly<Record<string, Pooling | undefined>> = {
  pooling_mode_cls_token: "cls",
  pooling_mode_mean_tokens: "mean",
  pooling_mode_lasttoken: "last_token",
  pooling_mode_max_tokens: undefined,
  pooling_mode_mean_sqrt_len_tokens: undefined,
  pooling_mode_weightedmean_tokens: undefined,
};

/** Models whose max_position_embeddings counts the padding offset (2 positions are not usable). */
const OFFSET_POSITIONS = new Set(["roberta", "xlm-roberta", "camembert"]);

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function optionError(folder: string, field: string, reason: string, hint: string): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `cannot tell the ${field} of the model in "${folder}": ${reason}; pass \`${field}\` (${hint})`,
    { folder, field, reason },
  );
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}

interface StModule {
  readonly path: string;
  readonly type: string;
}

async function readModules(folder: string): Promise<readonly StModule[] | undefined> {
  const path = join(folder, "modules.json");
  const raw = await readJsonFile(path);
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw))
    throw new EmbedkitError(ERROR_CODES.MODEL_FILE_CORRUPT, `"${path}" must hold a JSON array of modules`, { path });
  return raw.map((m: unknown) => {
    const o = (typeof m === "object" && m !== null ? m : {}) as Record<string, unknown>;
    return {
      path: typeof o["path"] === "string" ? o["path"] : "",
      type: typeof o["type"] === "string" ? o["type"] : "",
    };
  });
}

async function readPooling(folder: string, modules: readonly StModule[] | undefined): Promise<Pooling | string> {
  const dir = modules?.find((m) => m.type.endsWith("Pooling"))?.path || "1_Pooling";
  const path = join(folder, dir, "config.json");
  const cfg = await readJsonObject(path);
  if (cfg === undefined) return `there is no ${dir}/config.json`;
  const mode = cfg["pooling_mode"];
  if (typeof mode === "string") {
    const named: Readonly<Record<string, Pooling>> = {
      cls: "cls",
      mean: "mean",
      lasttoken: "last_token",
      last_token: "last_token",
    };
    return named[mode] ?? `${dir}/config.json asks for pooling_mode "${mode}", which embedkit does not support`;
  }
  const on = Object.keys(POOLING_FLAGS).filter((k) => cfg[k] === true);
  const unsupported = on.filter((k) => POOLING_FLAGS[k] === undefined);
  const supported = on.map((k) => POOLING_FLAGS[k]).filter((p): p is Pooling => p !== undefined);
  if (unsupported.length > 0)
    return `${dir}/config.json turns on ${unsupported.join(", ")}, which embedkit does not support`;
  if (supported.length !== 1 || supported[0] === undefined) {
    return supported.length === 0
      ? `${dir}/config.json turns on no pooling mode`
      : `${dir}/config.json turns on several: ${on.join(", ")}`;
  }
  return supported[0];
}

function promptsFrom(
  cfg: Readonly<Record<string, unknown>> | undefined,
  overrides: Partial<ModelPrompts> | undefined,
): ModelPrompts {
  const raw = cfg?.["prompts"];
  const p = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (...keys: string[]): string => {
    for (const k of keys) if (typeof p[k] === "string") return p[k] as string;
    return "";
  };
  return {
    query: overrides?.query ?? str("query"),
    passage: overrides?.passage ?? str("passage", "document"),
    symmetric: overrides?.symmetric ?? str("symmetric"),
  };
}

export async function resolveLocalModel(request: LocalModelRequest): Promise<ResolvedModel> {
  const folder = resolve(request.folder);
  const quantization = request.quantization ?? "fp32";
  const missing = (what: string): EmbedkitError =>
    new EmbedkitError(ERROR_CODES.MODEL_FILE_MISSING, `the model folder "${folder}" has no ${what}`, {
      folder,
      looked_for: what,
    });

  const candidates = ONNX_NAMES[quantization];
  let onnxRel: string | undefined;
  for (const c of candidates) {
    if (await isFile(join(folder, ...c.split("/")))) {
      onnxRel = c;
      break;
    }
  }
  if (onnxRel === undefined) throw missing(`${candidates.join(" or ")} (the ${quantization} ONNX file)`);
  if (!(await isFile(join(folder, "tokenizer.json")))) throw missing("tokenizer.json");

  const config = await readJsonObject(join(folder, "config.json"));
  const stConfig = await readJsonObject(join(folder, "config_sentence_transformers.json"));
  const bertConfig = await readJsonObject(join(folder, "sentence_bert_config.json"));
  const modules = await readModules(folder);

  let pooling = request.pooling;
  if (pooling === undefined) {
    const found = await readPooling(folder, modules);
    if (found !== "cls" && found !== "mean" && found !== "last_token")
      throw optionError(folder, "pooling", found, '"cls", "mean" or "last_token"');
    pooling = found;
  }

  const dim = request.dim ?? positiveInt(config?.["hidden_size"]);
  if (dim === undefined) throw optionError(folder, "dim", "config.json has no hidden_size", "the output dimension");
  const positions = positiveInt(config?.["max_position_embeddings"]);
  const offset = OFFSET_POSITIONS.has(String(config?.["model_type"])) ? 2 : 0;
  const maxTokens =
    request.maxTokens ?? positiveInt(bertConfig?.["max_seq_length"]) ?? (positions && positions - offset);
  if (maxTokens === undefined) {
    throw optionError(
      folder,
      "maxTokens",
      "neither sentence_bert_config.json max_seq_length nor config.json max_position_embeddings is set",
      "tokens per input",
    );
  }
  for (const [field, v] of [
    ["dim", dim],
    ["maxTokens", maxTokens],
  ] as const) {
    if (positiveInt(v) === undefined) {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `\`${field}\` must be a positive integer; got ${String(v)}`, {
        field,
        value: v,
      });
    }
  }

  const normalize = request.normalize ?? modules?.some((m) => m.type.endsWith("Normalize")) ?? false;
  const onnxFile = { path: onnxRel };
  const spec: ModelSpec = {
    description: `custom model from ${folder}`,
    source: { repo: folder, revision: "local" },
    dim,
    maxTokens,
    pooling,
    normalize,
    prompts: promptsFrom(stConfig, request.prompts),
    files: {
      tokenizer: { path: "tokenizer.json" },
      ...(config !== undefined ? { config: { path: "config.json" } } : {}),
      onnx: { fp32: quantization === "fp32" ? onnxFile : { path: "model.onnx" }, [quantization]: onnxFile },
    },
    license: "unknown",
    languages: [],
    paramsM: 0,
  };
  return {
    modelId: folder,
    spec,
    onnxPath: join(folder, ...onnxRel.split("/")),
    tokenizerPath: join(folder, "tokenizer.json"),
    dir: folder,
    quantization,
  };
}
