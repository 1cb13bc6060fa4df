/**
 * Invariants of model.embedChunks() on real models (fp32): a whole-text late chunk agrees with the
 * ordinary embedding for mean-pooled models; chunk texts are slices of their document; chunks
 * without overlap cover the document; a chunk's vector does not depend on what it is batched
 * with; macro-window late chunking of a document that fits one window is plain late chunking
 * (one pass, span means); a document of megabytes streams through; each bad input is a typed
 * error naming the option or the document, after the documents before it; `normalize: false`
 * keeps the chunk vectors' directions without L2 normalization.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { ChunkedDocument, EmbedChunksOptions } from "../../src/embed/embed-chunks.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { isEmbedkitError } from "../../src/errors.js";
import { cosineSimilarity, l2NormalizeInPlace } from "../../src/pooling/normalize.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const docs = (
  JSON.parse(readFileSync(new URL("../golden/late-chunking-docs.json", import.meta.url), "utf8")) as {
    documents: { id: string; text: string }[];
  }
).documents;
const doc = (id: string): string => docs.find((d) => d.id === id)!.text;
const TEXTS = [doc("short-en"), doc("cjk-mixed"), doc("emoji"), doc("markdown-sections"), doc("medium-en")];

async function collect(model: TextEmbedding, input: unknown, options?: EmbedChunksOptions): Promise<ChunkedDocument[]> {
  const out: ChunkedDocument[] = [];
  for await (const d of model.embedChunks(input as Iterable<unknown>, options)) out.push(d);
  return out;
}

/** Runs `fn`, expecting a typed error; returns it with the documents yielded before it. */
async function failing(
  model: TextEmbedding,
  input: unknown,
  options?: EmbedChunksOptions,
): Promise<{ error: { code: string; message: string; details: Record<string, unknown> }; before: ChunkedDocument[] }> {
  const before: ChunkedDocument[] = [];
  try {
    for await (const d of model.embedChunks(input as Iterable<unknown>, options)) before.push(d);
  } catch (e) {
    assert.ok(isEmbedkitError(e), `not an EmbedkitError: ${String(e)}`);
    return { error: e, before };
  }
  assert.fail("no error");
}

for (const modelId of [TEST_MODELS.miniLM, TEST_MODELS.e5Small]) {
  test(`${modelId}: one late chunk over the whole text agrees with the passage embedding (cos >= 0.999)`, async () => {
    const model = await openTestModel(modelId);
    try {
      for (const text of [doc("short-en"), doc("cjk-mixed"), doc("emoji")]) {
        const [d] = await collect(model, [text], { chunking: { strategy: "late", by: "tokens", size: 100_000 } });
        assert.equal(d!.chunks.length, 1);
        const pooled = await model.passageEmbed(text);
        const cos = cosineSimilarity(d!.chunks[0]!.vector, pooled);
        assert.ok(cos >= 0.999, `cos ${cos}`);
      }
    } finally {
      await model.dispose();
    }
  });
}

describe("late and naive chunking on all-MiniLM-L6-v2 fp32", () => {
  let model: TextEmbedding;
  before(async () => {
    model = await openTestModel(TEST_MODELS.miniLM);
  });
  after(async () => {
    await model?.dispose();
  });

  test("chunk texts are slices of their document; without overlap the chunks cover it; both strategies chunk alike", async () => {
    for (const by of ["tokens", "sentences", "paragraphs", "markdown"] as const) {
      const late = await collect(model, TEXTS, { chunking: { strategy: "late", by, size: 48 } });
      const naive = await collect(model, TEXTS, { chunking: { strategy: "naive", by, size: 48 } });
      assert.equal(late.length, TEXTS.length);
      late.forEach((d, i) => {
        const text = TEXTS[i]!;
        assert.equal(d.id, i);
        assert.ok(d.chunks.length >= 1);
        assert.deepEqual(
          naive[i]!.chunks.map(({ vector: _, ...c }) => c),
          d.chunks.map(({ vector: _, ...c }) => c),
        );
        let covered = 0;
        d.chunks.forEach((c, k) => {
          assert.equal(c.index, k);
          assert.equal(c.text, text.slice(c.start, c.end));
          assert.ok(c.tokens >= 1 && c.tokens <= 48, `${by}: ${c.tokens} tokens`);
          assert.equal(c.vector.length, model.dim);
          // Neighbours share at most one code point (a CJK character or emoji of several tokens).
          assert.ok([...text.slice(c.start, Math.max(c.start, covered))].length <= 1, `${by}: chunks overlap`);
          assert.match(
            text.slice(covered, Math.max(covered, c.start)),
            /^\s*$/u,
            `${by}: text between chunks is dropped`,
          );
          covered = c.end;
        });
        assert.match(text.slice(covered), /^\s*$/u);
      });
    }
  });

  test("normalize: false gives the same directions un-normalized, for both strategies; not a boolean is typed", async () => {
    for (const strategy of ["late", "naive"] as const) {
      const chunking = { strategy, by: "sentences" as const, size: 32 };
      const unit = await collect(model, [doc("medium-en")], { chunking });
      const raw = await collect(model, [doc("medium-en")], { chunking, normalize: false });
      assert.equal(raw[0]!.chunks.length, unit[0]!.chunks.length);
      raw[0]!.chunks.forEach((c, i) => {
        const norm = Math.hypot(...c.vector);
        assert.ok(Math.abs(norm - 1) > 1e-3, `${strategy} chunk ${i}: norm ${norm}`);
        assert.ok(cosineSimilarity(c.vector, unit[0]!.chunks[i]!.vector) > 0.99999, `${strategy} chunk ${i}`);
      });
    }
    const { error } = await failing(model, ["x"], { normalize: "yes" as never });
    assert.equal(error.code, "invalid_option");
    assert.equal(error.details["field"], "normalize");
  });

  test("a chunk's vector does not depend on the documents batched with it", async () => {
    for (const strategy of ["late", "naive"] as const) {
      const options = { chunking: { strategy, by: "sentences" as const, size: 40 } };
      const together = await collect(model, TEXTS, options);
      for (const [i, text] of TEXTS.entries()) {
        const [alone] = await collect(model, [text], options);
        alone!.chunks.forEach((c, k) => {
          const cos = cosineSimilarity(c.vector, together[i]!.chunks[k]!.vector);
          assert.ok(cos >= 0.99999, `${strategy} doc ${i} chunk ${k}: ${cos}`);
        });
      }
    }
  });

  test("late chunking of a document that fits one window is one pass with span means", async () => {
    const text = doc("short-en");
    const [t] = await model.tokenize([text], { promptName: "passage" });
    assert.ok(t!.ids.length <= model.maxTokens);
    const [d] = await collect(model, [text], {
      chunking: { strategy: "late", by: "tokens", size: 32 },
      macroWindow: { window: model.maxTokens, overlap: 100 },
    });
    // Plain late chunking by hand: the whole encoding, each chunk's text tokens (by start offset).
    const spans = d!.chunks.map((c) => {
      const inside: number[] = [];
      t!.segments.forEach((s, i) => {
        if (s === 0 && Math.max(0, t!.offsets[2 * i]!) >= c.start && t!.offsets[2 * i]! < c.end) inside.push(i);
      });
      return [inside[0]!, inside[inside.length - 1]! + 1] as const;
    });
    const encoding = { ids: t!.ids, typeIds: new Int32Array(t!.ids.length), originalLength: t!.ids.length };
    const [means] = await model.runHead([encoding], { kind: "spans", spans: [spans] });
    means!.forEach((m, k) => {
      const cos = cosineSimilarity(l2NormalizeInPlace(Float32Array.from(m)), d!.chunks[k]!.vector);
      assert.ok(cos >= 0.99999, `chunk ${k}: ${cos}`);
    });
  });

  test("a 3-million-character document streams through, tokenized in sections", async () => {
    const para = doc("short-en").replace(/\s+/g, " ");
    // Long runs of spaces: many characters, few tokens (the tokenizer's memory grows with characters).
    const parts: string[] = [];
    for (let i = 0; parts.length * 10_000 < 3_000_000; i++)
      parts.push(`${i} ${para.slice(0, 40)}\n${" ".repeat(9_950)}`);
    const text = parts.join("");
    const before = process.memoryUsage().rss;
    const [d] = await collect(model, [{ id: "big", text }], {
      chunking: { strategy: "late", by: "paragraphs", size: 128 },
    });
    const grown = (process.memoryUsage().rss - before) / 2 ** 20;
    assert.equal(d!.id, "big");
    assert.ok(d!.chunks.length >= 10, `${d!.chunks.length} chunks`);
    for (const c of d!.chunks.slice(0, 50)) assert.equal(c.text, text.slice(c.start, c.end));
    assert.ok(d!.chunks.every((c) => c.vector.every(Number.isFinite)));
    assert.ok(grown < 1024, `RSS grew by ${grown.toFixed(0)} MiB`);
  });

  test("records with ids, strings, async iterables; empty and whitespace-only documents have no chunks", async () => {
    async function* source(): AsyncGenerator<unknown> {
      yield { id: "a", text: doc("short-en") };
      yield "";
      yield "   \n\t ";
      yield { text: "no sentence boundary here at all just words ".repeat(40) };
    }
    const out = await collect(model, source(), { chunking: { strategy: "late", by: "sentences", size: 32 } });
    assert.deepEqual(
      out.map((d) => d.id),
      ["a", 1, 2, 3],
    );
    assert.equal(out[1]!.chunks.length, 0);
    assert.equal(out[2]!.chunks.length, 0);
    assert.ok(out[3]!.chunks.length > 5, "a text without a sentence boundary is split by tokens");
    assert.ok(out[3]!.chunks.every((c) => c.tokens <= 32));
  });

  test("bad input: a typed error naming the option or the document, after the documents before it", async () => {
    const opt = async (options: unknown, field: string): Promise<void> => {
      const { error, before } = await failing(model, [doc("short-en")], options as EmbedChunksOptions);
      assert.equal(error.code, "invalid_option", field);
      assert.equal(error.details.field, field);
      assert.ok(error.message.includes(field), error.message);
      assert.equal(before.length, 0);
    };
    await opt({ chunking: { strategy: "early" } }, "chunking.strategy");
    await opt({ chunking: { by: "words" } }, "chunking.by");
    await opt({ chunking: { size: 0 } }, "chunking.size");
    await opt({ chunking: { size: -3 } }, "chunking.size");
    await opt({ chunking: { strategy: "naive", size: 255 } }, "chunking.size"); // MiniLM: 256 less [CLS] [SEP]
    await opt({ chunking: { size: 32, overlap: 32 } }, "chunking.overlap");
    await opt({ macroWindow: { window: 257 } }, "macroWindow.window");
    await opt({ macroWindow: { window: 2 } }, "macroWindow.window");
    await opt({ macroWindow: { window: 128, overlap: 126 } }, "macroWindow.overlap");

    for (const strategy of ["late", "naive"] as const) {
      const cases: [unknown[], string][] = [
        [["fine text.", 42], "documents[1]"],
        [["fine text.", "also fine.", { id: "x", text: "bad \uD800 surrogate" }], "documents[2].text"],
        [["fine text.", "bad \uDC00"], "documents[1]"],
        [["fine text.", { id: {}, text: "a" }], "documents[1].id"],
        [["fine text.", { title: "no text" }], "documents[1].text"],
      ];
      for (const [input, field] of cases) {
        const { error, before } = await failing(model, input, { chunking: { strategy } });
        assert.equal(error.code, "invalid_input");
        assert.equal(error.details.field, field, error.message);
        assert.equal(before.length, Number(/documents\[(\d+)\]/.exec(field)![1]), "earlier documents are out");
        assert.ok(before.every((d) => d.chunks.length === 1));
      }
    }
    const { error } = await failing(model, 7);
    assert.equal(error.details.field, "documents");
  });
});
