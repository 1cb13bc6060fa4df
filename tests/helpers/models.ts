/**
 * Test helper: opens a real model from the embedkit cache, offline. A missing model is a test
 * failure with the command that fetches it, never a skip.
 */
import { isEmbedkitError } from "../../src/errors.js";
import { TextEmbedding, type TextEmbeddingOptions } from "../../src/embed/text-embedding.js";

export async function openTestModel(model: string, options: TextEmbeddingOptions = {}): Promise<TextEmbedding> {
  try {
    return await TextEmbedding.create({ ...options, model, store: { offline: true, ...options.store } });
  } catch (e) {
    if (isEmbedkitError(e) && ["offline_model_not_cached", "model_file_missing"].includes(e.code)) {
      throw new Error(
        `test model ${model} (${options.quantization ?? "fp32"}) is not in the cache: run \`npm run fetch-models\` first.\n${e.message}`,
      );
    }
    throw e;
  }
}

export const TEST_MODELS = {
  bgeSmallEn: "BAAI/bge-small-en-v1.5",
  miniLM: "sentence-transformers/all-MiniLM-L6-v2",
  e5Small: "intfloat/e5-small-v2",
  bgeSmallZh: "BAAI/bge-small-zh-v1.5",
} as const;
