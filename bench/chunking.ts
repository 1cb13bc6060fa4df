/**
 * `npm run bench:chunks` — what splitting a long document costs, part by part.
 *
 * On a document built by repeating the late-chunking golden documents (English, CJK, emoji,
 * Markdown) to --chars characters: the tokenizer with and without offsets, sentence
 * segmentation of the whole string at once vs embedkit's line-by-line windows (V8's
 * Intl.Segmenter is quadratic in the string's length), and chunk() per strategy, in
 * characters/s and tokens/s, with the RSS after each step. No model is run.
 *
 * Flags: --chars N (default 200000), --size N (chunk size, default 256), --model id.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chunkDocuments, contentTokens } from "../src/chunking/chunk.js";
import type { ChunkBy, ChunkTokenizer } from "../src/chunking/chunk-types.js";
import { sentenceCuts } from "../src/chunking/segment-text.js";
import { resolveModelFiles } from "../src/hub/index.js";
import { storeConfigFromEnv } from "../src/index.js";
import { loadTokenizer } from "../src/tokenizer/tokenizer.js";
import { loadAverage } from "./lib/machine.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    chars: { type: "string", default: "200000" },
    size: { type: "string", default: "256" },
    model: { type: "string", default: "BAAI/bge-small-en-v1.5" },
  },
});
const chars = Number(values.chars);
const size = Number(values.size);
const resolved = await resolveModelFiles({
  model: values.model,
  quantization: "fp32",
  store: storeConfigFromEnv(undefined, { offline: true }),
});
const tokenizer = loadTokenizer(resolved.tokenizerPath);
const docs = (
  JSON.parse(readFileSync(new URL("../tests/golden/late-chunking-docs.json", import.meta.url), "utf8")) as {
    documents: { text: string }[];
  }
).documents.map((d) => d.text);
const base = docs.join("\n\n");
const doc = base.repeat(Math.ceil(chars / base.length)).slice(0, chars);
const rss = (): string => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
const time = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await f();
  return [r, (performance.now() - t0) / 1000];
};

const rows: string[][] = [];
const [plain, tPlain] = await time(() => tokenizer.encode([doc], { maxTokens: 512, truncate: false }));
const tokens = plain[0]!.ids.length;
rows.push(["tokenize, no offsets", fmt(tPlain), fmt(chars / tPlain / 1000), fmt(tokens / tPlain / 1000), rss()]);
const [withOffsets, tOff] = await time(() =>
  tokenizer.encode([doc], { maxTokens: 512, truncate: false, offsets: true }),
);
rows.push(["tokenize, with offsets", fmt(tOff), fmt(chars / tOff / 1000), fmt(tokens / tOff / 1000), rss()]);
const segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });
const wholeChars = Math.min(chars, 120_000); // quadratic: capped so the run stays short
const [, tWhole] = await time(() => [...segmenter.segment(doc.slice(0, wholeChars))].length);
rows.push([
  `Intl.Segmenter whole string (${wholeChars} chars)`,
  fmt(tWhole),
  fmt(wholeChars / tWhole / 1000),
  "-",
  rss(),
]);
const [, tLines] = await time(() => sentenceCuts(doc, 0, doc.length).length);
rows.push(["sentenceCuts (lines, windows)", fmt(tLines), fmt(chars / tLines / 1000), "-", rss()]);

const e = withOffsets[0]!;
const pre: ChunkTokenizer = {
  maxChunkTokens: 510,
  documentTokens: () => Promise.resolve([contentTokens({ offsets: e.offsets!, segments: e.segments! })]),
};
for (const by of ["tokens", "sentences", "paragraphs", "markdown"] as ChunkBy[]) {
  const [out, t] = await time(() => chunkDocuments([doc], { by, size }, pre));
  rows.push([
    `chunk by ${by} (size ${size}), tokens given`,
    fmt(t),
    fmt(chars / t / 1000),
    fmt(tokens / t / 1000),
    rss(),
  ]);
  rows.at(-1)![0] += `: ${out[0]!.length} chunks`;
}
console.log(`document: ${chars} characters, ${tokens} tokens (${values.model}); ${loadAverage()}`);
console.log(formatTable(["step", "seconds", "k chars/s", "k tokens/s", "RSS MiB"], rows));
