/**
 * The offsets half of late chunking against the Python reference
 * (scripts/golden/make_late_chunk_reference.py): embedkit's chunker gives the reference's chunk
 * character ranges, and its tokenizer maps each range to the same token span the reference
 * pooled, for every model of the late-chunking golden files (e5 with its "passage: " prompt).
 * The vectors themselves are compared once the engine has a spans head.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { chunk, contentTokens } from "../../src/chunking/chunk.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import { TokenIndex } from "../../src/chunking/token-index.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { chunkTokenizerFromFile } from "../helpers/chunk-tokenizer.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

interface Doc {
  id: string;
  text: string;
  chunking: { by: string; size?: number };
  chunks: [number, number][];
}
interface Case {
  id: string;
  prefix: string;
  textTokens: number;
  wholeSpanVsPooled?: number;
  chunks: { start: number; end: number; tokenStart: number; tokenEnd: number; vector: number[] }[];
}

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), "utf8")) as T;
const docs = read<{ documents: Doc[] }>("late-chunking-docs.json").documents;

test("the reference's token-window chunk ranges are what chunk(text, { by: 'tokens' }) gives", async () => {
  const tok = chunkTokenizerFromFile(TEST_MODELS.bgeSmallEn);
  const windowed = docs.filter((d) => d.chunking.by === "tokens");
  assert.ok(windowed.length >= 10);
  for (const d of windowed) {
    const got = await chunk(d.text, { by: "tokens", size: d.chunking.size! }, tok);
    assert.deepEqual(
      got.map((c) => [c.start, c.end]),
      d.chunks,
      d.id,
    );
  }
});

for (const modelId of [TEST_MODELS.bgeSmallEn, TEST_MODELS.miniLM, TEST_MODELS.e5Small]) {
  describe(`late-chunk token spans: ${modelId}`, () => {
    const golden = read<{ cases: Case[] }>(`late-chunking__${modelId.replace("/", "__")}.json`);
    let model: TextEmbedding;
    before(async () => {
      model = await openTestModel(modelId);
    });
    after(async () => {
      await model?.dispose();
    });

    test(">= 12 documents, some over the model's window, with CJK and emoji", () => {
      assert.ok(golden.cases.length >= 12);
      assert.ok(golden.cases.some((c) => c.textTokens > model.maxTokens));
      assert.ok(
        docs.some((d) => /\p{Script=Han}/u.test(d.text)) && docs.some((d) => /\p{Extended_Pictographic}/u.test(d.text)),
      );
    });

    test("each chunk range maps to the reference's token span (tokens starting inside the range)", async () => {
      for (const c of golden.cases) {
        const doc = docs.find((d) => d.id === c.id)!;
        const promptName = c.prefix === "" ? undefined : "passage";
        const [t] = await model.tokenize([doc.text], promptName ? { promptName } : {});
        if (promptName) assert.equal(model.spec.prompts.passage, c.prefix);
        const idx = new TokenIndex(contentTokens(t!));
        assert.equal(idx.length, c.textTokens, c.id);
        for (const ch of c.chunks) {
          assert.deepEqual(
            [idx.at(ch.start), idx.at(ch.end)],
            [ch.tokenStart, ch.tokenEnd],
            `${c.id} [${ch.start}, ${ch.end})`,
          );
        }
      }
    });

    test("a whole-text span vector sits at the recorded cosine from embedkit's ordinary embedding", async () => {
      const c = golden.cases.find((x) => x.id === "whole-text")!;
      const doc = docs.find((d) => d.id === c.id)!;
      assert.deepEqual(doc.chunks, [[0, doc.text.length]]);
      const [v] = await model.embedAll([doc.text], c.prefix === "" ? {} : { promptName: "passage" });
      const cos = cosineSimilarity(v!, Float32Array.from(c.chunks[0]!.vector));
      assert.ok(Math.abs(cos - c.wholeSpanVsPooled!) < 1e-4, `cosine ${cos} vs reference ${c.wholeSpanVsPooled}`);
    });
  });
}
