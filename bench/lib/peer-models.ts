/**
 * Prepares, for the peers, a model folder in the layout they expect, from the embedkit cache
 * only: <root>/<org>/<name>/ with tokenizer.json and onnx/ linked to the cached files, plus the
 * small JSON files the cache does not hold (config.json, tokenizer_config.json,
 * special_tokens_map.json), written from the architecture and registry facts. No file is
 * downloaded. FastEmbed (Python) and fastembed-js load it as a custom model folder;
 * transformers.js reads it as its localModelPath (Xenova layout).
 */
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchModel } from "./bench-models.js";

export interface PreparedModel {
  readonly dir: string;
  /** What was written rather than taken from the cache, for the report. */
  readonly synthesized: string;
}

function link(target: string, path: string): void {
  rmSync(path, { force: true, recursive: false });
  symlinkSync(target, path);
}

export function prepareModelFolder(cacheDir: string, root: string, model: BenchModel): PreparedModel {
  const src = join(cacheDir, ...model.id.split("/"));
  const onnxPath = join(src, model.onnx);
  if (!existsSync(join(src, "tokenizer.json")) || !existsSync(onnxPath)) {
    throw new Error(
      `${model.id}: ${onnxPath} or tokenizer.json missing from the embedkit cache (run npm run fetch-models)`,
    );
  }
  const dir = join(root, ...model.id.split("/"));
  mkdirSync(dir, { recursive: true });
  link(join(src, "tokenizer.json"), join(dir, "tokenizer.json"));
  link(join(src, "onnx"), join(dir, "onnx"));
  const a = model.arch;
  const config = {
    architectures: ["BertModel"],
    model_type: "bert",
    hidden_size: a.hidden,
    num_hidden_layers: a.layers,
    num_attention_heads: a.heads,
    intermediate_size: a.intermediate,
    vocab_size: a.vocab,
    max_position_embeddings: a.maxPositions,
    type_vocab_size: 2,
    hidden_act: "gelu",
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
  };
  const special = {
    cls_token: "[CLS]",
    mask_token: "[MASK]",
    pad_token: "[PAD]",
    sep_token: "[SEP]",
    unk_token: "[UNK]",
  };
  const tokenizerConfig = {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    model_max_length: model.maxTokens,
    ...special,
  };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(tokenizerConfig, null, 2));
  writeFileSync(join(dir, "special_tokens_map.json"), JSON.stringify(special, null, 2));
  return {
    dir,
    synthesized:
      `${model.id}: config.json written by the bench (BERT, hidden ${a.hidden}, ${a.layers} layers, ${a.heads} heads, ` +
      `intermediate ${a.intermediate}, vocab ${a.vocab}), tokenizer_config.json (BertTokenizer, lower case, ` +
      `model_max_length ${model.maxTokens}), special_tokens_map.json; tokenizer.json and onnx/ linked from the embedkit cache`,
  };
}
