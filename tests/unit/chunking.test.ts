/**
 * Chunking: the splitters on the real bge-small-en-v1.5 tokenizer (no model run). Property tests
 * over generated documents (seeded), then one test per strategy and per bad input.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chunk, chunkDocuments } from "../../src/chunking/chunk.js";
import type { ChunkBy, ChunkSpan } from "../../src/chunking/chunk-types.js";
import { sentenceCuts } from "../../src/chunking/segment-text.js";
import { chunkTokenizerFromFile } from "../helpers/chunk-tokenizer.js";

const tok = chunkTokenizerFromFile("BAAI/bge-small-en-v1.5");

/** mulberry32: a small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "The lighthouse keeper wrote in his ledger every night. ",
  "Was it the wind? ",
  "Ships passed the point at dawn!\n",
  "今天天气很好。",
  "我们去公园吧！",
  "日本語の文章です。",
  "emoji 😀🎉 and flags 🇫🇷 here. ",
  "e\u0301te\u0301 cafe\u0301 naïve. ",
  "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis ",
  "no boundary here just words and words and more words ",
  "\n\n",
  "\n# Heading one\n",
  "\n## Heading two\n",
  "\n```\n# not a heading\ncode();\n```\n",
  "   ",
  "\t",
  "𝔸𝔹ℂ letters. ",
];

function randomDoc(r: () => number): string {
  const n = 1 + Math.floor(r() * 60);
  let s = "";
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)]!;
  return s;
}

function checkChunks(
  doc: string,
  chunks: ChunkSpan[],
  size: number,
  overlap: number,
  by: ChunkBy,
  total: number,
): void {
  const label = `${by} size ${size} overlap ${overlap} doc ${JSON.stringify(doc.slice(0, 40))}`;
  chunks.forEach((c, k) => {
    assert.equal(c.index, k, label);
    assert.equal(c.text, doc.slice(c.start, c.end), `${label}: chunk ${k} text is text.slice(start, end)`);
    assert.ok(c.tokens >= 1 && c.tokens <= size, `${label}: chunk ${k} has ${c.tokens} tokens`);
    assert.equal(c.tokens, c.tokenEnd - c.tokenStart, label);
    assert.equal(c.text, c.text.trim(), `${label}: chunk ${k} is trimmed`);
  });
  if (total === 0) {
    assert.equal(chunks.length, 0, label);
    return;
  }
  assert.equal(chunks[0]!.tokenStart, 0, `${label}: starts at the first token`);
  assert.equal(chunks.at(-1)!.tokenEnd, total, `${label}: ends at the last token`);
  for (let k = 1; k < chunks.length; k++) {
    const prev = chunks[k - 1]!;
    const c = chunks[k]!;
    if (overlap === 0) {
      assert.equal(c.tokenStart, prev.tokenEnd, `${label}: chunk ${k} follows chunk ${k - 1} token for token`);
      if (by !== "tokens") {
        assert.ok(c.start >= prev.end, `${label}: chunks ${k - 1} and ${k} do not overlap`);
        assert.equal(doc.slice(prev.end, c.start).trim(), "", `${label}: only whitespace between chunks`);
      }
    } else {
      assert.ok(c.tokenStart <= prev.tokenEnd && c.tokenStart >= prev.tokenStart, `${label}: chunk ${k} overlap`);
      assert.ok(prev.tokenEnd - c.tokenStart <= overlap || by === "tokens", `${label}: overlap at most ${overlap}`);
      assert.ok(c.tokenEnd > prev.tokenEnd, `${label}: progress`);
      if (by === "tokens") assert.equal(c.tokenStart, prev.tokenStart + size - overlap, label);
    }
  }
}

describe("chunking properties over generated documents (seeded)", () => {
  const BYS: ChunkBy[] = ["tokens", "sentences", "paragraphs", "markdown"];
  for (const by of BYS) {
    test(`${by}: text === slice(start, end), within budget, tokens covered in order`, async () => {
      const r = rng(by.length * 7919);
      for (let round = 0; round < 12; round++) {
        const docs = Array.from({ length: 4 }, () => randomDoc(r));
        const all = await tok.documentTokens(docs);
        for (const size of [1, 3, 8, 17, 64, 510]) {
          for (const overlap of [0, Math.floor(size / 3)]) {
            if (overlap >= size) continue;
            const chunks = await chunkDocuments(docs, { by, size, overlap }, tok);
            docs.forEach((d, i) => checkChunks(d, chunks[i]!, size, overlap, by, all[i]!.starts.length));
          }
        }
      }
    });
  }
});

test("sentence cuts line by line and in windows equal Intl.Segmenter over the whole text", () => {
  const seg = new Intl.Segmenter(undefined, { granularity: "sentence" });
  const whole = (t: string): number[] => [...seg.segment(t)].map((x) => x.index).filter((i) => i > 0);
  const r = rng(42);
  for (let round = 0; round < 30; round++) {
    const doc = randomDoc(r);
    assert.deepEqual(sentenceCuts(doc, 0, doc.length), whole(doc), JSON.stringify(doc.slice(0, 60)));
  }
  // One line of ~40k characters (windows of 8192), sentences of every length.
  const line = Array.from({ length: 900 }, (_, i) => `Sentence ${i} has ${"words ".repeat(i % 13)}in it. `).join("");
  assert.ok(line.length > 30000 && !line.includes("\n"));
  assert.deepEqual(sentenceCuts(line, 0, line.length), whole(line));
  const sub = sentenceCuts(line, 5000, 20000);
  assert.deepEqual(
    sub,
    whole(line.slice(5000, 20000)).map((i) => i + 5000),
  );
});

describe("strategies", () => {
  test("tokens: fixed windows with overlap; the last window is shorter", async () => {
    const doc = Array.from({ length: 25 }, (_, i) => `w${i}`).join(" "); // "w0" is 2 tokens: w ##0
    const c = await chunkDocuments([doc], { by: "tokens", size: 10, overlap: 4 }, tok);
    const [n] = (await tok.documentTokens([doc])).map((t) => t.starts.length);
    assert.deepEqual(
      c[0]!.map((x) => [x.tokenStart, x.tokenEnd]),
      [0, 6, 12, 18, 24, 30, 36, 42].filter((s) => s < n! - 4 || s === 0).map((s) => [s, Math.min(s + 10, n!)]),
    );
  });

  test("sentences are packed whole up to size, and a sentence longer than size is split by tokens", async () => {
    const s1 = "The cat sat on the mat. "; // 7 tokens
    const s2 = "It was a sunny day. "; // 6 tokens
    const s3 = "Birds sang. "; // 3 tokens
    const c = await chunk(s1 + s2 + s3, { by: "sentences", size: 13 }, tok);
    assert.deepEqual(
      c.map((x) => x.text),
      ["The cat sat on the mat. It was a sunny day.", "Birds sang."],
    );
    const long = Array.from({ length: 100 }, (_, i) => `word${i % 10}`).join(" "); // no boundary: one sentence
    const parts = await chunk(`Short one. Then ${long}. Tail.`, { by: "sentences", size: 30 }, tok);
    assert.ok(parts.length >= 8);
    assert.equal(parts[0]!.text, "Short one.");
    assert.ok(parts.every((p) => p.tokens <= 30));
    const total = parts.reduce((s, p) => s + p.tokens, 0);
    const [all] = await tok.documentTokens([`Short one. Then ${long}. Tail.`]);
    assert.equal(total, all!.starts.length, "nothing dropped");
  });

  test("CJK sentences are cut at 。！？ (Intl.Segmenter)", async () => {
    const doc = "今天天气很好。我们去公园吧！你觉得怎么样？好的。";
    const c = await chunk(doc, { by: "sentences", size: 8 }, tok);
    assert.deepEqual(
      c.map((x) => x.text),
      ["今天天气很好。", "我们去公园吧！", "你觉得怎么样？好的。"].flatMap((s) =>
        s.length > 8 ? [s.slice(0, 7), s.slice(7)] : [s],
      ),
    );
  });

  test("markdown: sections at headings (not inside code fences), then paragraphs, then sentences", async () => {
    const doc = [
      "# Install",
      "Run the installer. It takes a minute.",
      "",
      "```sh",
      "# this is a comment, not a heading",
      "npm install embedkit",
      "```",
      "## Configure",
      "Set the cache folder. Set the token.",
      "",
      "Then restart.",
      "# Use",
      "Call embed on your texts.",
    ].join("\n");
    const c = await chunk(doc, { by: "markdown", size: 20 }, tok);
    assert.ok(c.every((x) => x.tokens <= 20));
    assert.ok(
      c.every((x) => !x.text.startsWith("npm") && !x.text.startsWith("# this")),
      "the fenced block stays with its section",
    );
    assert.ok(c.some((x) => x.text.startsWith("## Configure")));
    assert.ok(c.some((x) => x.text.startsWith("# Use")));
    const whole = await chunk(doc, { by: "markdown", size: 510 }, tok);
    assert.equal(whole.length, 1);
    assert.equal(whole[0]!.text, doc.trim());
  });

  test("paragraphs: blank lines are the first cut", async () => {
    const doc = "First paragraph, one sentence. Second sentence.\n\nSecond paragraph here.\n\n\nThird.";
    const c = await chunk(doc, { by: "paragraphs", size: 12 }, tok);
    assert.deepEqual(
      c.map((x) => x.text),
      ["First paragraph, one sentence. Second sentence.", "Second paragraph here.\n\n\nThird."],
    );
  });

  test("sentence overlap repeats whole trailing sentences of the previous chunk, at most overlap tokens", async () => {
    const doc = "One two. Three four. Five six. Seven eight. Nine ten. Eleven twelve.";
    const c = await chunk(doc, { by: "sentences", size: 9, overlap: 3 }, tok);
    assert.deepEqual(
      c.map((x) => x.text),
      ["One two. Three four.", "Three four. Five six. Seven eight.", "Seven eight. Nine ten. Eleven twelve."],
    );
  });

  test("offsets are UTF-16 through emoji, flags, combining marks and astral letters", async () => {
    // A sentence after ". " must start with a capital for UAX #29 to break there.
    const doc = "😀 First. 🇫🇷🇯🇵 Second e\u0301. 𝔸𝔹 Third.";
    const c = await chunk(doc, { by: "sentences", size: 5 }, tok);
    for (const x of c) assert.equal(x.text, doc.slice(x.start, x.end));
    assert.deepEqual(
      c.map((x) => x.text),
      ["😀 First.", "🇫🇷🇯🇵 Second e\u0301.", "𝔸𝔹 Third."],
    );
  });
});

describe("bad input", () => {
  const invalid =
    (field: string, code = "invalid_option") =>
    (e: unknown) => {
      const err = e as { code?: string; details?: { field?: string }; message: string };
      assert.equal(err.code, code);
      assert.equal(err.details?.field, field);
      return true;
    };

  test("empty and whitespace-only documents give no chunk; a text with no sentence boundary is one sentence", async () => {
    assert.deepEqual(await chunk("", {}, tok), []);
    assert.deepEqual(await chunk(" \n\t\u3000 ", { by: "markdown" }, tok), []);
    const c = await chunk("no punctuation at all just words", { by: "sentences", size: 50 }, tok);
    assert.deepEqual(
      c.map((x) => x.text),
      ["no punctuation at all just words"],
    );
  });

  test("size not a positive integer, or over the model's window, is invalid_option naming size and the limit", async () => {
    for (const size of [0, -3, 1.5, Number.NaN, "64" as unknown as number]) {
      await assert.rejects(chunk("x", { size }, tok), invalid("size"));
    }
    await assert.rejects(chunk("x", { size: 511 }, tok), (e: { message: string; details: { limit: number } }) => {
      assert.match(e.message, /size must be at most 510/);
      assert.equal(e.details.limit, 510);
      return true;
    });
  });

  test("overlap not smaller than size, negative or fractional is invalid_option naming overlap", async () => {
    for (const overlap of [64, 65, -1, 0.5]) {
      await assert.rejects(chunk("x", { size: 64, overlap }, tok), invalid("overlap"));
    }
  });

  test("unknown strategy, bad locale, options not an object", async () => {
    await assert.rejects(chunk("x", { by: "words" as ChunkBy }, tok), invalid("by"));
    await assert.rejects(chunk("x", { locale: "not a locale!!" }, tok), invalid("locale"));
    await assert.rejects(chunk("x", 5 as never, tok), invalid("options"));
  });

  test("invalid UTF-16 and non-strings are invalid_input naming the document", async () => {
    await assert.rejects(
      chunkDocuments(["fine", "bad \uD800 here"], {}, tok),
      invalid("documents[1]", "invalid_input"),
    );
    await assert.rejects(
      chunkDocuments(["fine", 42 as unknown as string], {}, tok),
      invalid("documents[1]", "invalid_input"),
    );
    await assert.rejects(chunk("\uDC00", {}, tok), invalid("text", "invalid_input"));
  });
});
