/**
 * Builds the comparison corpora once, in the driver, and writes them to files every peer reads,
 * so all peers embed exactly the same texts. Also the per-model token counts the throughput
 * figures are computed from: real tokens, special tokens included, capped at the model's limit
 * (what every peer truncates to), never padding.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TextEmbedding } from "../../src/index.js";
import type { BenchModel } from "./bench-models.js";
import { buildCorpus, type Corpus, type CorpusSpec } from "./sts-corpus.js";

export interface CorpusFile {
  readonly corpus: Corpus;
  readonly path: string;
}

export async function writeCorpora(specs: readonly CorpusSpec[], dir: string, cacheDir: string): Promise<CorpusFile[]> {
  mkdirSync(dir, { recursive: true });
  const counter = await TextEmbedding.create({ model: "BAAI/bge-small-en-v1.5", store: { cacheDir, offline: true } });
  try {
    const out: CorpusFile[] = [];
    for (const spec of specs) {
      const corpus = await buildCorpus(spec, (t) => counter.tokenCount(t));
      const path = join(dir, `corpus-${spec.kind}-${spec.size}-${spec.seed}.json`);
      writeFileSync(path, JSON.stringify({ kind: corpus.kind, seed: spec.seed, texts: corpus.texts }));
      out.push({ corpus, path });
    }
    return out;
  } finally {
    await counter.dispose();
  }
}

/** Tokens each text is run with by `model`: its own tokenizer's count, capped at its limit. */
export async function modelTokenCounts(
  model: BenchModel,
  texts: readonly string[],
  cacheDir: string,
): Promise<number[]> {
  const m = await TextEmbedding.create({
    model: model.id,
    quantization: model.quantization,
    store: { cacheDir, offline: true },
  });
  try {
    return (await m.tokenCount(texts)).map((n) => Math.min(n, model.maxTokens));
  } finally {
    await m.dispose();
  }
}
