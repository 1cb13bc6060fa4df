/**
 * L1: nomic-embed-text v1.5. Pure data.
 *
 * Facts: 768 dims, mean pooling, Apache-2.0, 137M params, 8192 tokens (model card, MTEB's
 * nomic_models.py). The card's reference code does mean pooling, then a parameter-free layer
 * norm, then Matryoshka truncation, then L2 normalization; MTEB applies the same layer norm.
 * Matryoshka dims 768/512/256/128/64 are the ones the card reports MTEB scores for.
 * ONNX: the original repo holds onnx/model.onnx, model_quantized.onnx and model_fp16.onnx
 * (uploaded by Xenova, merged as nomic-ai/nomic-embed-text-v1.5 PR #3) and tokenizer.json at
 * the root, so no separate Xenova repo is needed.
 * UNCONFIRMED: inputs past 2048 tokens rely on the model's dynamic NTK RoPE scaling (the card
 * loads it with rotary_scaling_factor=2 for long inputs); whether the ONNX graph applies that
 * scaling has not been checked. Test long inputs against the PyTorch model before relying on
 * the full 8192.
 */
import type { EmbedModelSpec } from "../spec.js";
import { STANDARD_FILES } from "./files.js";
import { NOMIC_PROMPTS } from "./prompts.js";

export const NOMIC_MODELS = {
  "nomic-ai/nomic-embed-text-v1.5": {
    task: "embed",
    description: "nomic-embed-text v1.5: English, 8192-token context, Matryoshka dims down to 64",
    source: { repo: "nomic-ai/nomic-embed-text-v1.5", revision: "main" },
    dim: 768,
    maxTokens: 8192,
    pooling: "mean",
    normalize: true,
    layerNormAfterPooling: true,
    prompts: NOMIC_PROMPTS,
    matryoshkaDims: [768, 512, 256, 128, 64],
    files: STANDARD_FILES,
    license: "Apache-2.0",
    languages: ["en"],
    paramsM: 137,
  },
} as const satisfies Record<string, EmbedModelSpec>;
