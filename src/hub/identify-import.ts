/**
 * L2: decides which registry model and variant an imported ONNX file is: explicit options
 * first, else its sha256 against every hash the registry publishes. A file that contradicts
 * the registry's published sha256/size is MODEL_FILE_CORRUPT.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { getHubRecord, HUB_MODEL_IDS } from "../models/hub-record.js";
import type { HubRecord, ModelFile } from "../models/spec.js";
import type { Quantization } from "../types.js";
import { onnxFileFor } from "./onnx-file-for.js";
import type { FileDigest } from "./sha256-file.js";

export interface Identified {
  readonly modelId: string;
  readonly spec: HubRecord;
  readonly quantization: Quantization;
  readonly onnx: ModelFile;
  readonly by: "explicit" | "sha256";
}

interface Match {
  readonly modelId: string;
  readonly quantization: Quantization;
}

function registryMatches(sha256: string): Match[] {
  const out: Match[] = [];
  for (const modelId of HUB_MODEL_IDS) {
    const spec = getHubRecord(modelId);
    for (const [q, f] of Object.entries(spec.files.onnx) as [Quantization, ModelFile | undefined][]) {
      if (f?.sha256 !== undefined && f.sha256.toLowerCase() === sha256) out.push({ modelId, quantization: q });
    }
  }
  return out;
}

const describe = (m: Match): string => `${m.modelId} (${m.quantization})`;

export function identifyImport(
  digest: FileDigest,
  options: { readonly model?: string | undefined; readonly quantization?: Quantization | undefined },
  what: string,
): Identified {
  const matches = registryMatches(digest.sha256);
  const { model, quantization } = options;
  const details = { file: what, sha256: digest.sha256, size: digest.size, matches: matches.map(describe) };

  if (model !== undefined && quantization !== undefined) {
    const spec = getHubRecord(model);
    const onnx = onnxFileFor(model, spec, quantization);
    const shaBad = onnx.sha256 !== undefined && onnx.sha256.toLowerCase() !== digest.sha256;
    const sizeBad = onnx.size !== undefined && onnx.size !== digest.size;
    if (shaBad || sizeBad) {
      const other = matches.length > 0 ? `; it is the published file of ${matches.map(describe).join(", ")}` : "";
      throw new EmbedkitError(
        ERROR_CODES.MODEL_FILE_CORRUPT,
        `${what} is not the registry's ${quantization} file of "${model}": ` +
          (shaBad
            ? `sha256 expected ${onnx.sha256}, got ${digest.sha256}`
            : `size expected ${onnx.size} bytes, got ${digest.size}`) +
          `${other}; nothing was written`,
        { ...details, model, quantization, expectedSha256: onnx.sha256, expectedSize: onnx.size },
      );
    }
    return { modelId: model, spec, quantization, onnx, by: "explicit" };
  }

  const candidates = matches.filter(
    (m) =>
      (model === undefined || m.modelId === model) && (quantization === undefined || m.quantization === quantization),
  );
  if (model !== undefined) getHubRecord(model); // UNKNOWN_MODEL for a typo, before anything else
  if (candidates.length === 1 && candidates[0] !== undefined) {
    const { modelId, quantization: q } = candidates[0];
    const spec = getHubRecord(modelId);
    return { modelId, spec, quantization: q, onnx: onnxFileFor(modelId, spec, q), by: "sha256" };
  }
  const found =
    matches.length > 0
      ? ` (its sha256 matches ${matches.map(describe).join(", ")})`
      : ` (sha256 ${digest.sha256} matches no published file)`;
  if (candidates.length > 1) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${what} matches several registry files${found}; pass \`model\` (--model) and \`quantization\` (--quantization)`,
      details,
    );
  }
  if (model !== undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `cannot tell which variant of "${model}" ${what} is${found}; pass \`quantization\` (--quantization fp32|int8|fp16)`,
      details,
    );
  }
  throw new EmbedkitError(
    ERROR_CODES.UNKNOWN_MODEL,
    `cannot tell which registry model ${what} is${found}; pass \`model\` (--model <id>)` +
      (quantization === undefined ? " and `quantization` (--quantization fp32|int8|fp16)" : ""),
    details,
  );
}
