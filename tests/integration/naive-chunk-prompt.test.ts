/**
 * Naive chunks are embedded with the passage prompt, so their token budget is the window less
 * the special tokens and the prompt's tokens: on e5-small-v2 ("passage: " prefix), int8, a size
 * that would only fit without the prompt is a typed error naming chunking.size and the limit, and
 * at the limit every chunk plus its prompt fits the 512-token window (nothing truncated).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { isEmbedkitError } from "../../src/errors.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

let model: TextEmbedding;
let promptTokens: number;
before(async () => {
  model = await openTestModel(TEST_MODELS.e5Small, { quantization: "int8" });
  const [t] = await model.tokenize(["a"], { promptName: "passage" });
  promptTokens = [...t!.segments].filter((s) => s === -2).length;
});
after(async () => {
  await model?.dispose();
});

const LONG = Array.from({ length: 120 }, (_, i) => `Sentence number ${i} talks about topic ${i % 7}.`).join(" ");

test("naive: a size within the window but not with the passage prompt is refused, naming the limit", async () => {
  assert.ok(promptTokens > 0, "e5's passage prompt has tokens");
  const limit = model.maxTokens - 2 - promptTokens;
  await assert.rejects(
    async () => {
      for await (const _ of model.embedChunks([LONG], {
        chunking: { strategy: "naive", by: "tokens", size: limit + 1 },
      }))
        void _;
    },
    (e: unknown) =>
      isEmbedkitError(e) &&
      e.code === "invalid_option" &&
      e.details["field"] === "chunking.size" &&
      e.details["limit"] === limit &&
      e.message.includes(String(limit + 1)),
  );
  // Late chunks take their states from macro windows: the same size is fine there.
  for await (const d of model.embedChunks([LONG], { chunking: { strategy: "late", by: "tokens", size: limit + 1 } }))
    assert.ok(d.chunks.length >= 2);
});

test("naive at the limit: every chunk with its prompt fits the window", async () => {
  const limit = model.maxTokens - 2 - promptTokens;
  const docs = [];
  for await (const d of model.embedChunks([LONG], { chunking: { strategy: "naive", by: "tokens", size: limit } }))
    docs.push(d);
  const chunks = docs[0]!.chunks;
  assert.ok(chunks.length >= 2);
  assert.equal(chunks[0]!.tokens, limit);
  const encoded = await model.tokenize(
    chunks.map((c) => c.text),
    { promptName: "passage" },
  );
  for (const e of encoded) assert.ok(e.ids.length <= model.maxTokens, `${e.ids.length} tokens`);
  assert.equal(encoded[0]!.ids.length, model.maxTokens);
});
