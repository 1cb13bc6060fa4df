/**
 * L2: what resolving a model yields: its facts and the paths of its files on disk.
 */
import type { ModelSpec } from "../models/spec.js";
import type { Quantization } from "../types.js";

export interface ResolvedModel {
  /** Registry id, or the absolute folder path of a custom local model. */
  readonly modelId: string;
  readonly spec: ModelSpec;
  readonly onnxPath: string;
  readonly tokenizerPath: string;
  /** The model folder (cache folder of a registry model, or the local folder). */
  readonly dir: string;
  readonly quantization: Quantization;
}
