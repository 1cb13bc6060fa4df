/**
 * Test helper: the chunking view of a real tokenizer.json (no ONNX session), the same wiring as
 * chunkTokenizerFor(model) but on the tokenizer adapter directly, for fast pure-code tests.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { contentTokens } from "../../src/chunking/chunk.js";
import type { ChunkTokenizer } from "../../src/chunking/chunk-types.js";
import { loadTokenizer } from "../../src/tokenizer/tokenizer.js";

export function cachedTokenizerPath(model: string): string {
  return join(process.env.EMBEDKIT_CACHE ?? join(homedir(), ".cache", "embedkit"), model, "tokenizer.json");
}

/** A ChunkTokenizer over the model's tokenizer.json in the cache; window 512 with [CLS] and [SEP]. */
export function chunkTokenizerFromFile(model: string, maxChunkTokens = 510): ChunkTokenizer {
  const tok = loadTokenizer(cachedTokenizerPath(model));
  return {
    maxChunkTokens,
    async documentTokens(texts) {
      const enc = await tok.encode(texts, { maxTokens: 512, truncate: false, offsets: true });
      return enc.map((e) => contentTokens({ offsets: e.offsets!, segments: e.segments! }));
    },
  };
}
