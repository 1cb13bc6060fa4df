/**
 * L2: picks, among the entries of an import source, the ONNX file, the tokenizer, and the
 * optional config.json and ONNX external-data files. Hub layouts (`onnx/model.onnx`,
 * `tokenizer.json`) and langchain4j jars (`bge-small-en-v1.5.onnx`,
 * `bge-small-en-v1.5-tokenizer.json`) are both understood.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { Quantization } from "../types.js";
import type { ImportEntry } from "./import-source.js";

export interface ImportSelection {
  readonly onnx: ImportEntry;
  readonly tokenizer: ImportEntry;
  readonly config: ImportEntry | undefined;
  /** Files beside the ONNX file whose name ends in "_data" (ONNX external data). */
  readonly externalData: readonly ImportEntry[];
}

/** Hub file names of each variant, used to choose when a source holds several ONNX files. */
const HUB_ONNX_NAMES: Readonly<Record<Quantization, string>> = {
  fp32: "model.onnx",
  int8: "model_quantized.onnx",
  fp16: "model_fp16.onnx",
};

const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);
const dirOf = (p: string): string => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "");

function isTokenizer(p: string): boolean {
  const b = base(p);
  return b === "tokenizer.json" || b.endsWith("-tokenizer.json");
}

function pickOnnx(
  onnx: readonly ImportEntry[],
  location: string,
  quantization: Quantization | undefined,
  hubPath: string | undefined,
): ImportEntry {
  const names = onnx.map((e) => e.path).join(", ");
  if (onnx.length === 0) {
    throw new EmbedkitError(ERROR_CODES.MODEL_FILE_MISSING, `no .onnx file was found in "${location}"`, {
      source: location,
      looked_for: "*.onnx",
    });
  }
  if (onnx.length === 1 && onnx[0] !== undefined) return onnx[0];
  if (quantization !== undefined) {
    const wanted = hubPath ? base(hubPath) : HUB_ONNX_NAMES[quantization];
    const named = onnx.filter((e) => base(e.path) === wanted);
    const exact = hubPath ? named.filter((e) => e.path === hubPath || e.path.endsWith(`/${hubPath}`)) : [];
    const pick = exact.length === 1 ? exact : named;
    if (pick.length === 1 && pick[0] !== undefined) return pick[0];
  }
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `"${location}" holds several ONNX files (${names}); pass \`quantization\` (--quantization fp32|int8|fp16) to choose by the hub names ` +
      `${Object.values(HUB_ONNX_NAMES).join(", ")}, or import a folder that holds only the file you want`,
    { source: location, candidates: onnx.map((e) => e.path) },
  );
}

function pickTokenizer(entries: readonly ImportEntry[], onnx: ImportEntry, location: string): ImportEntry {
  const candidates = entries.filter((e) => isTokenizer(e.path));
  if (candidates.length === 0) {
    throw new EmbedkitError(
      ERROR_CODES.MODEL_FILE_MISSING,
      `no tokenizer.json or *-tokenizer.json was found in "${location}"`,
      {
        source: location,
        looked_for: "tokenizer.json or *-tokenizer.json",
      },
    );
  }
  if (candidates.length === 1 && candidates[0] !== undefined) return candidates[0];
  const onnxDir = dirOf(onnx.path);
  const near = new Set([onnxDir, onnxDir.endsWith("onnx") ? dirOf(onnxDir) : onnxDir]);
  const stem = base(onnx.path).replace(/\.onnx$/i, "");
  const score = (e: ImportEntry): number =>
    (near.has(dirOf(e.path)) ? 2 : 0) + (base(e.path) === `${stem}-tokenizer.json` ? 1 : 0);
  const best = Math.max(...candidates.map(score));
  const top = candidates.filter((e) => score(e) === best);
  if (top.length === 1 && top[0] !== undefined) return top[0];
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `"${location}" holds several tokenizer files (${top.map((e) => e.path).join(", ")}) and none is clearly the one for ${onnx.path}; ` +
      "import a folder holding one model",
    { source: location, candidates: top.map((e) => e.path) },
  );
}

export function selectImportFiles(
  entries: readonly ImportEntry[],
  location: string,
  options: { readonly quantization?: Quantization | undefined; readonly hubOnnxPath?: string | undefined },
): ImportSelection {
  const onnx = pickOnnx(
    entries.filter((e) => /\.onnx$/i.test(e.path)),
    location,
    options.quantization,
    options.hubOnnxPath,
  );
  const tokenizer = pickTokenizer(entries, onnx, location);
  const config = entries.find(
    (e) => e.path === (dirOf(tokenizer.path) === "" ? "config.json" : `${dirOf(tokenizer.path)}/config.json`),
  );
  const externalData = entries.filter((e) => dirOf(e.path) === dirOf(onnx.path) && e.path.endsWith("_data"));
  return { onnx, tokenizer, config, externalData };
}
