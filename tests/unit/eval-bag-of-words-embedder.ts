/**
 * Test helper, not a model: a deterministic fake Embedder whose vectors count vocabulary words,
 * so that cosine similarities, and therefore rankings, can be worked out by hand. It records
 * every call so tests can check prompts and caching.
 */
import type { Embedder, PromptName } from "../../src/types.js";

export class BagOfWordsTestEmbedder implements Embedder {
  readonly modelId = "test/bag-of-words";
  readonly dim: number;
  readonly calls: { texts: string[]; promptName: PromptName | undefined }[] = [];
  disposed = false;

  constructor(readonly vocabulary: readonly string[]) {
    this.dim = vocabulary.length;
  }

  vector(text: string): Float32Array {
    const v = new Float32Array(this.dim);
    for (const word of text.toLowerCase().split(/[^a-z]+/)) {
      const j = this.vocabulary.indexOf(word);
      if (j >= 0) v[j] = (v[j] as number) + 1;
    }
    return v;
  }

  async embedAll(texts: readonly string[], options: { promptName?: PromptName } = {}): Promise<Float32Array[]> {
    this.calls.push({ texts: [...texts], promptName: options.promptName });
    return texts.map((t) => this.vector(t));
  }

  get embeddedTexts(): number {
    return this.calls.reduce((s, c) => s + c.texts.length, 0);
  }

  dispose(): void {
    this.disposed = true;
  }
}
