/**
 * L2: the ONNX file of a registry model's variant, or a typed error naming the variants it has.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { ModelFile, ModelSpec } from "../models/spec.js";
import type { Quantization } from "../types.js";

export function onnxFileFor(
  modelId: string,
  spec: { readonly files: Pick<ModelSpec["files"], "onnx"> },
  quantization: Quantization,
): ModelFile {
  const file = spec.files.onnx[quantization];
  if (file !== undefined) return file;
  const available = Object.keys(spec.files.onnx);
  throw new EmbedkitError(
    ERROR_CODES.UNKNOWN_VARIANT,
    `model "${modelId}" has no "${quantization}" variant; \`quantization\` must be one of ${available.map((q) => `"${q}"`).join(", ")}`,
    { model: modelId, quantization, available },
  );
}
