/**
 * L2: turns a reranker name into files on disk: a registry id from the cache (downloaded when
 * absent, unless offline), or a local cross-encoder folder whose facts are read from the files
 * sentence-transformers writes: config.json's `sentence_transformers.activation_fn` (or, when
 * absent, its label count: one label means sigmoid, as CrossEncoder defaults) and
 * `max_position_embeddings`.
 */
import { stat } from "node:fs/promises";
import { join, resolve as resolvePath } from "node:path";
import type { StoreConfig } from "../config/schema.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { getRerankSpec, isRerankModelId } from "../models/rerank-registry.js";
import type { RerankActivation, RerankModelSpec } from "../models/spec.js";
import type { Quantization } from "../types.js";
import type { DownloadProgress } from "./download-file.js";
import { readJsonObject } from "./read-json-file.js";
import { resolveCachedFiles } from "./resolve.js";

/** Facts given explicitly for a local folder; each wins over what its config.json says. */
export interface RerankOverrides {
  /** Local models: the activation, instead of config.json's. */
  readonly activation?: RerankActivation | undefined;
  /** Local models: the most tokens per pair, instead of config.json's `max_position_embeddings`. */
  readonly maxTokens?: number | undefined;
}

export interface RerankResolveRequest {
  /** A registry reranker id, or the path of a local cross-encoder folder. */
  readonly model: string;
  readonly quantization: Quantization;
  readonly store: StoreConfig;
  readonly revision?: string | undefined;
  readonly onProgress?: ((p: DownloadProgress) => void) | undefined;
  readonly overrides?: RerankOverrides | undefined;
}

/** A reranker's facts and the paths of its files. */
export interface ResolvedReranker {
  /** Registry id, or the absolute folder path of a local model. */
  readonly modelId: string;
  readonly spec: RerankModelSpec;
  readonly onnxPath: string;
  readonly tokenizerPath: string;
  readonly dir: string;
  readonly quantization: Quantization;
}

const ONNX_NAMES: Readonly<Record<Quantization, readonly string[]>> = {
  fp32: ["model.onnx", "onnx/model.onnx"],
  int8: ["model_quantized.onnx", "onnx/model_quantized.onnx"],
  fp16: ["model_fp16.onnx", "onnx/model_fp16.onnx"],
};

/** Models whose max_position_embeddings counts the padding offset (2 positions are not usable). */
const OFFSET_POSITIONS = new Set(["roberta", "xlm-roberta", "camembert"]);

async function kind(path: string): Promise<"file" | "dir" | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? "dir" : s.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}

/** sentence-transformers' activation_fn ("torch.nn.modules.activation.Sigmoid", "...Identity"). */
function activationOf(config: Readonly<Record<string, unknown>> | undefined, folder: string): RerankActivation {
  const st = config?.["sentence_transformers"];
  const fn = typeof st === "object" && st !== null ? (st as Record<string, unknown>)["activation_fn"] : undefined;
  if (typeof fn === "string") {
    if (/sigmoid$/i.test(fn)) return "sigmoid";
    if (/identity$/i.test(fn)) return "none";
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `the cross-encoder in "${folder}" names activation_fn "${fn}"; embedkit applies sigmoid or none: pass \`activation\``,
      { folder, field: "activation", value: fn, allowed: ["sigmoid", "none"] },
    );
  }
  const labels = config?.["id2label"];
  const n = typeof labels === "object" && labels !== null ? Object.keys(labels).length : undefined;
  return n === undefined || n === 1 ? "sigmoid" : "none";
}

async function resolveLocalReranker(
  folder: string,
  quantization: Quantization,
  overrides: RerankOverrides,
): Promise<ResolvedReranker> {
  const dir = resolvePath(folder);
  const missing = (what: string): EmbedkitError =>
    new EmbedkitError(ERROR_CODES.MODEL_FILE_MISSING, `the cross-encoder folder "${dir}" has no ${what}`, {
      folder: dir,
      missing: what,
    });
  let onnxRel: string | undefined;
  for (const c of ONNX_NAMES[quantization]) if ((await kind(join(dir, c))) === "file") onnxRel ??= c;
  if (onnxRel === undefined) throw missing(`${ONNX_NAMES[quantization].join(" or ")} (the ${quantization} ONNX file)`);
  if ((await kind(join(dir, "tokenizer.json"))) !== "file") throw missing("tokenizer.json");
  const config = await readJsonObject(join(dir, "config.json"));
  const positions = config?.["max_position_embeddings"];
  const offset = OFFSET_POSITIONS.has(String(config?.["model_type"])) ? 2 : 0;
  const maxTokens =
    overrides.maxTokens ??
    (typeof positions === "number" && Number.isInteger(positions) && positions > offset ? positions - offset : 512);
  const onnxFile = { path: onnxRel };
  const spec: RerankModelSpec = {
    task: "rerank",
    description: `local cross-encoder ${dir}`,
    source: { repo: dir, revision: "local" },
    maxTokens,
    activation: overrides.activation ?? activationOf(config, dir),
    files: { tokenizer: { path: "tokenizer.json" }, onnx: { fp32: onnxFile, [quantization]: onnxFile } },
    license: "unknown",
    languages: [],
    paramsM: 0,
  };
  return {
    modelId: dir,
    spec,
    onnxPath: join(dir, ...onnxRel.split("/")),
    tokenizerPath: join(dir, "tokenizer.json"),
    dir,
    quantization,
  };
}

/** The files of a reranker: from the cache or the hub for a registry id, else a local folder. */
export async function resolveRerankerFiles(request: RerankResolveRequest): Promise<ResolvedReranker> {
  const { model, quantization, store } = request;
  const overrides = request.overrides ?? {};
  if (!isRerankModelId(model)) {
    if ((await kind(model)) === "dir") return resolveLocalReranker(model, quantization, overrides);
    getRerankSpec(model); // throws: wrong_model_task for an embedder, unknown_model with suggestions
  }
  const given = Object.entries(overrides).filter(([, v]) => v !== undefined);
  if (given.length > 0) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${given.map(([k]) => `\`${k}\``).join(", ")} can only be set for a local model folder; "${model}" is a registry model whose facts are fixed`,
      { model, options: given.map(([k]) => k) },
    );
  }
  const spec = getRerankSpec(model);
  const files = await resolveCachedFiles({
    model,
    modelId: model,
    quantization,
    store,
    record: spec,
    revision: request.revision,
    onProgress: request.onProgress,
  });
  return { modelId: model, spec, quantization, ...files };
}

/**
 * Whether `model` names a reranker: a registry reranker id, or a folder whose config.json
 * declares a sequence-classification architecture (what a cross-encoder export is).
 */
export async function isRerankerModel(model: string): Promise<boolean> {
  if (isRerankModelId(model)) return true;
  if ((await kind(model)) !== "dir") return false;
  const config = await readJsonObject(join(model, "config.json")).catch(() => undefined);
  const archs = config?.["architectures"];
  return Array.isArray(archs) && archs.some((a) => typeof a === "string" && a.endsWith("ForSequenceClassification"));
}
