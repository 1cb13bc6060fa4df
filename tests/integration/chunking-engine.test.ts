/**
 * Chunking on a real engine (bge-small-en-v1.5): chunkTokenizerFor(model) wiring, a long
 * Markdown document, and each sentence-bounded chunk re-tokenized alone has exactly the tokens
 * the chunker counted, so embedding chunks one by one never truncates them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chunk } from "../../src/chunking/chunk.js";
import { chunkTokenizerFor } from "../../src/embed/chunk-tokenizer.js";
import type { ChunkTokenizer } from "../../src/chunking/chunk-types.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

let model: TextEmbedding;
let tok: ChunkTokenizer;
before(async () => {
  model = await openTestModel(TEST_MODELS.bgeSmallEn);
  tok = await chunkTokenizerFor(model);
});
after(async () => {
  await model?.dispose();
});

const SECTION = (n: number): string =>
  [
    `## Part ${n}`,
    "",
    `The keeper of lighthouse ${n} kept a ledger of every ship that passed the point. ` +
      "Each entry gave the hour, the wind and the flag. Storms were underlined twice. " +
      "Nobody read the ledger while he lived; it sits in the town museum now, 🙂 open at a page from 1911.",
    "",
    "灯塔看守人每天晚上都写日记。他记录了每一艘经过的船。",
    "",
  ].join("\n");
const DOC = `# Ledgers\n\n${Array.from({ length: 30 }, (_, i) => SECTION(i + 1)).join("\n")}`;

test("the window is the model's less its special tokens: 510 for bge-small-en-v1.5", () => {
  assert.equal(tok.maxChunkTokens, 510);
});

test("markdown chunks of a ~3,000-token document: within budget, covering every token, re-tokenized alone equal", async () => {
  const [all] = await tok.documentTokens([DOC]);
  assert.ok(all!.starts.length > 2500, `document has ${all!.starts.length} tokens`);
  for (const size of [64, 128, 256]) {
    const chunks = await chunk(DOC, { by: "markdown", size }, tok);
    assert.equal(
      chunks.reduce((s, c) => s + c.tokens, 0),
      all!.starts.length,
    );
    const alone = await model.tokenCount(chunks.map((c) => c.text));
    chunks.forEach((c, k) => {
      assert.equal(c.text, DOC.slice(c.start, c.end));
      assert.ok(c.tokens <= size);
      assert.equal(alone[k], c.tokens + 2, `size ${size} chunk ${k}: [CLS] + its tokens + [SEP]`);
    });
  }
});

test("tokenize() offsets are relative to the text, with the prompt's tokens marked", async () => {
  const e5 = await openTestModel(TEST_MODELS.e5Small);
  try {
    const text = "naïve 😀 中文";
    const [t] = await e5.tokenize([text], { promptName: "query" });
    const pieces = Array.from(t!.segments).flatMap((s, i) =>
      s === 0 ? [text.slice(t!.offsets[2 * i]!, t!.offsets[2 * i + 1]!)] : [],
    );
    assert.deepEqual(pieces, ["naïve", "😀", "中", "文"]);
    assert.deepEqual(Array.from(t!.segments).slice(0, 4), [-1, -2, -2, 0], "[CLS] query : ...");
    await assert.rejects(e5.tokenize(["ok", "\uD800"]), { code: "invalid_input" });
  } finally {
    await e5.dispose();
  }
});
