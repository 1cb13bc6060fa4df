/**
 * `embedkit embed --chunk late|naive` on all-MiniLM-L6-v2 int8: one JSON line per chunk with the
 * document's id (or line number), the chunk's offsets and text and its vector (equal to the
 * library's); .npy output with the metadata in a JSON-lines sidecar; bad flags and bad documents
 * as typed errors naming the flag or the line.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { run } from "../helpers/run-cli.js";

const MODEL = ["--model", TEST_MODELS.miniLM, "--quantization", "int8"];
const DOCS = [
  {
    id: "a",
    text: "Late chunking embeds a document once. Each chunk is pooled from its tokens.\n\nA second paragraph follows.",
  },
  { text: "No id here. This record is identified by its line number. It has three sentences." },
];
let dir: string;
let input: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "embedkit-cli-chunks-"));
  input = join(dir, "docs.jsonl");
  await writeFile(input, `${JSON.stringify(DOCS[0])}\n\n${JSON.stringify(DOCS[1])}\n`);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Line {
  id: string | number;
  chunk: number;
  start: number;
  end: number;
  text: string;
  embedding?: number[];
}
const lines = (s: string): Line[] =>
  s
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Line);

for (const strategy of ["late", "naive"] as const) {
  test(`--chunk ${strategy}: one JSON line per chunk, the library's vectors`, async () => {
    const out = join(dir, `${strategy}.jsonl`);
    const r = await run([
      "embed",
      ...MODEL,
      "--chunk",
      strategy,
      "--chunk-by",
      "sentences",
      "--chunk-size",
      "12",
      "--input",
      input,
      "--output",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const got = lines(await readFile(out, "utf8"));
    const model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
    try {
      const want: {
        id: string | number;
        index: number;
        start: number;
        end: number;
        text: string;
        vector: Float32Array;
      }[] = [];
      for await (const d of model.embedChunks(
        DOCS.map((d, i) => ({ id: d.id ?? [1, 3][i]!, text: d.text })),
        {
          chunking: { strategy, by: "sentences", size: 12 },
        },
      )) {
        for (const c of d.chunks) want.push({ id: d.id, ...c });
      }
      assert.equal(got.length, want.length);
      assert.ok(got.length >= 4);
      got.forEach((g, k) => {
        const w = want[k]!;
        assert.deepEqual([g.id, g.chunk, g.start, g.end, g.text], [w.id, w.index, w.start, w.end, w.text]);
        const doc = DOCS[g.id === "a" ? 0 : 1]!.text;
        assert.equal(g.text, doc.slice(g.start, g.end));
        assert.ok(cosineSimilarity(Float32Array.from(g.embedding!), w.vector) > 0.99999);
      });
      assert.deepEqual([...new Set(got.map((g) => g.id))], ["a", 3]); // line 3: the blank line 2 is skipped
    } finally {
      await model.dispose();
    }
  });
}

test("--chunk with .npy output: vectors in the matrix, the metadata in <out>.chunks.jsonl", async () => {
  const out = join(dir, "chunks.npy");
  const r = await run([
    "embed",
    ...MODEL,
    "--chunk",
    "late",
    "--chunk-by",
    "tokens",
    "--chunk-size",
    "8",
    "--input",
    input,
    "--output",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const meta = lines(await readFile(`${out}.chunks.jsonl`, "utf8"));
  assert.ok(meta.length >= 4 && meta.every((m) => m.embedding === undefined));
  const npy = await readFile(out);
  assert.match(npy.subarray(10, 128).toString("latin1"), new RegExp(`'shape': \\(${meta.length}, 384\\)`));
  assert.equal((await stat(out)).size, 128 + meta.length * 384 * 4);
});

test("bad chunk flags and documents: typed errors naming the flag or the line, exit 2, nothing written", async () => {
  const out = join(dir, "bad.jsonl");
  const cases: [string[], RegExp][] = [
    [["--chunk", "early"], /--chunk must be late or naive/],
    [["--chunk", "late", "--chunk-size", "ten"], /--chunk-size must be an integer/],
    [["--chunk", "naive", "--chunk-size", "300"], /--chunk-size|chunking\.size.*at most 254/],
    [["--chunk", "late", "--chunk-size", "8", "--chunk-overlap", "8"], /--chunk-overlap|chunking\.overlap/],
    [["--chunk", "late", "--chunk-by", "words"], /--chunk-by|chunking\.by/],
    [["--chunk", "late", "--prompt", "query"], /--prompt cannot be used with --chunk \(got --prompt query\)/],
    [["--chunk", "naive", "--sparse"], /--sparse \(or a sparse model\) cannot be used with --chunk/],
  ];
  for (const [flags, message] of cases) {
    const r = await run(["embed", ...MODEL, ...flags, "--input", input, "--output", out]);
    assert.equal(r.code, 2, `${flags.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    await assert.rejects(stat(out));
  }
  const bad = join(dir, "bad-doc.jsonl");
  await writeFile(bad, `${JSON.stringify(DOCS[0])}\n${JSON.stringify({ text: "lone \uD800 surrogate" })}\n`);
  const r = await run(["embed", ...MODEL, "--chunk", "late", "--input", bad, "--output", out]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /line 2 of .*bad-doc\.jsonl/);
  assert.match(r.stderr, /UTF-16|surrogate/);
  await assert.rejects(stat(out));
});
