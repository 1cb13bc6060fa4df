/**
 * The CLI, run in-process through main() with real streams and the real default model.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile, copyFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { storeConfigFromEnv } from "../../src/config/schema.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { parseLines, run } from "../helpers/run-cli.js";

describe("embedkit CLI", () => {
  let dir: string;
  let model: TextEmbedding;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-cli-"));
    model = await openTestModel(TEST_MODELS.bgeSmallEn);
  });
  after(async () => {
    await model?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("stdin: one text per line in, one JSON line per text out, in order, equal to the library", async () => {
    const texts = ["first line", "second line", "", "fourth: 東京 🎉"];
    const r = await run(["embed"], texts.join("\n") + "\n");
    assert.equal(r.code, 0, r.stderr);
    const lines = parseLines(r.stdout);
    assert.deepEqual(
      lines.map((l) => l.index),
      [0, 1, 2, 3],
    );
    const lib = await model.embedAll(texts);
    lines.forEach((l, i) => assert.ok(cosineSimilarity(Float32Array.from(l.embedding), lib[i]!) >= 0.99999));
  });

  test("texts as arguments, with a prompt and Matryoshka dimensions", async () => {
    const r = await run(["embed", "what is a vector?", "--prompt", "query", "--dimensions", "64"]);
    assert.equal(r.code, 0, r.stderr);
    const [line] = parseLines(r.stdout);
    assert.equal(line!.embedding.length, 64);
    const q = await model.queryEmbed("what is a vector?", { dimensions: 64 });
    assert.ok(cosineSimilarity(Float32Array.from(line!.embedding), q) >= 0.99999);
  });

  test("--input jsonl with ids to --output .npy and .jsonl", async () => {
    const input = join(dir, "docs.jsonl");
    await writeFile(input, ['{"id": "a", "text": "alpha"}', '{"id": "b", "text": "beta"}', '"gamma"'].join("\n"));
    const npy = join(dir, "out.npy");
    let r = await run(["embed", "--input", input, "--output", npy]);
    assert.equal(r.code, 0, r.stderr);
    const buf = await readFile(npy);
    assert.match(buf.subarray(10, 128).toString("latin1"), /'shape': \(3, 384\)/);
    const jsonl = join(dir, "out.jsonl");
    r = await run(["embed", "-i", input, "-o", jsonl]);
    assert.equal(r.code, 0, r.stderr);
    const lines = parseLines(await readFile(jsonl, "utf8"));
    assert.deepEqual(
      lines.map((l) => l.id),
      ["a", "b", undefined],
    );
    const fromNpy = new Float32Array(buf.buffer.slice(buf.byteOffset + 128, buf.byteOffset + 128 + 384 * 4));
    assert.ok(cosineSimilarity(fromNpy, Float32Array.from(lines[0]!.embedding)) >= 0.99999);
  });

  test("a broken input line fails with the line named; every earlier vector is kept in FILE.partial", async () => {
    const input = join(dir, "bad.jsonl");
    const good = Array.from({ length: 70 }, (_, i) => JSON.stringify({ text: `document ${i}` }));
    await writeFile(input, [...good, "{broken", '{"text": "never"}'].join("\n"));
    const out = join(dir, "partial.jsonl");
    const r = await run(["embed", "--input", input, "--output", out, "--batch-size", "16"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error \[invalid_input\]: line 71 of .*bad\.jsonl is not valid JSON/);
    assert.match(r.stderr, /the 70 vectors before the error are in .*partial\.jsonl\.partial/);
    assert.equal(parseLines(await readFile(`${out}.partial`, "utf8")).length, 70);
    await assert.rejects(readFile(out), /ENOENT/); // the output itself is only written by a run that succeeds
  });

  test("usage errors and bad option values exit 2; other typed errors exit 1", async () => {
    assert.equal((await run(["frobnicate"])).code, 2);
    assert.equal((await run(["embed", "--bogus"])).code, 2);
    assert.equal((await run(["embed", "x", "--prompt", "sideways"])).code, 2);
    const r = await run(["embed", "x", "--batch-size", "0"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\[invalid_option\]: batchSize must be an integer from 1 .*got 0 \(set by --batch-size\)/);
    const u = await run(["embed", "x", "--model", "BAAI/bge-smal-en-v1.5"]);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /\[unknown_model\].*did you mean "BAAI\/bge-small-en-v1.5"/);
  });

  test("models list and info read the registry and the cache", async () => {
    const r = await run(["models", "list", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { id: string; cached: string[]; default: boolean }[];
    assert.equal(rows.find((x) => x.default)?.id, "BAAI/bge-small-en-v1.5");
    assert.ok(rows.find((x) => x.id === "BAAI/bge-small-en-v1.5")!.cached.includes("fp32"));
    const info = await run(["models", "info", "intfloat/e5-small-v2"]);
    assert.match(info.stdout, /query "query: ", passage "passage: "/);
  });

  test("models import from a folder into a fresh cache, recognized by sha256, then idempotent", async () => {
    const store = storeConfigFromEnv();
    const src = join(dir, "minilm-q");
    await mkdir(src, { recursive: true });
    const cached = join(store.cacheDir, "sentence-transformers", "all-MiniLM-L6-v2");
    await copyFile(join(cached, "tokenizer.json"), join(src, "tokenizer.json"));
    await copyFile(join(cached, "onnx", "model.onnx"), join(src, "model.onnx"));
    const cache = join(dir, "fresh-cache");
    let r = await run(["models", "import", src, "--cache-dir", cache]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported sentence-transformers\/all-MiniLM-L6-v2 \(fp32, recognized by sha256\)/);
    r = await run(["models", "import", src, "--cache-dir", cache]);
    assert.match(r.stdout, /already present/);
    r = await run(["embed", "hello", "--model", "sentence-transformers/all-MiniLM-L6-v2", "--cache-dir", cache]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseLines(r.stdout)[0]!.embedding.length, 384);
  });
});
