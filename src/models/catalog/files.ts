/**
 * L1: the file layout of a transformers.js-style ONNX export (the Xenova/* repositories and
 * the upstream repos that copied it): tokenizer.json and config.json at the root, weights in
 * onnx/. Pure data. Entries with published hashes spell their files out instead.
 */

export const TOKENIZER_JSON = { path: "tokenizer.json" } as const;
export const CONFIG_JSON = { path: "config.json" } as const;

export const ONNX_FP32 = { path: "onnx/model.onnx" } as const;
/** 8-bit dynamic quantization as published by the export ("model_quantized"). */
export const ONNX_INT8 = { path: "onnx/model_quantized.onnx" } as const;
export const ONNX_FP16 = { path: "onnx/model_fp16.onnx" } as const;

/** tokenizer, config, and fp32 + int8 + fp16 weights, no published hashes. */
export const STANDARD_FILES = {
  tokenizer: TOKENIZER_JSON,
  config: CONFIG_JSON,
  onnx: { fp32: ONNX_FP32, int8: ONNX_INT8, fp16: ONNX_FP16 },
} as const;
