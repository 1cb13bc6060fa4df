/**
 * A corrupted model file is never used silently: real copies of cached all-MiniLM-L6-v2 files,
 * with bytes overwritten inside model.onnx (size unchanged), against the real model store, the
 * real ONNX Runtime, and the CLI (with a local hub on 127.0.0.1 for `models pull`).
 */
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { storeConfigFromEnv } from "../../src/config/schema.js";
import { TextEmbedding } from "../../src/embed/text-embedding.js";
import { ERROR_CODES, isEmbedkitError } from "../../src/errors.js";
import { readManifest } from "../../src/hub/manifest.js";
import { startFakeHub } from "../helpers/fake-hub.js";
import { run } from "../helpers/run-cli.js";

const MODEL = "sentence-transformers/all-MiniLM-L6-v2";
const REPO = "Xenova/all-MiniLM-L6-v2";
const INT8 = "onnx/model_quantized.onnx";
const real = join(storeConfigFromEnv().cacheDir, "sentence-transformers", "all-MiniLM-L6-v2");

/** Overwrites `length` bytes at `offset` with 0xFF (a NaN in any float32 it lands in); the size stays. */
async function overwrite(path: string, offset: number, length = 4096): Promise<void> {
  const fh = await open(path, "r+");
  try {
    await fh.write(Buffer.alloc(length, 0xff), 0, length, offset);
  } finally {
    await fh.close();
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function expectCode(code: string, ...mention: string[]): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const m of mention) assert.ok(e.message.includes(m), `message should mention ${m}: ${e.message}`);
    return true;
  };
}

describe("model integrity", () => {
  let dir: string;
  let cacheDir: string;
  const modelDir = (): string => join(cacheDir, "sentence-transformers", "all-MiniLM-L6-v2");
  const onnxPath = (): string => join(modelDir(), ...INT8.split("/"));
  const open8 = (): Promise<TextEmbedding> =>
    TextEmbedding.create({ model: MODEL, quantization: "int8", store: { cacheDir, offline: true } });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-integrity-"));
    if (!(await exists(join(real, INT8))))
      throw new Error(`${MODEL} int8 is not in the cache at ${real}: run \`npm run fetch-models\` first`);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // A copy of the cached int8 variant (new mtimes, so the first load must hash and record them).
    cacheDir = await mkdtemp(join(dir, "cache-"));
    await mkdir(join(modelDir(), "onnx"), { recursive: true });
    await copyFile(join(real, "tokenizer.json"), join(modelDir(), "tokenizer.json"));
    await copyFile(join(real, INT8), onnxPath());
    const manifest = await readManifest(real);
    const files = manifest!.files.filter((f) => f.path === INT8 || f.path === "tokenizer.json");
    const stale = files.map(({ mtimeMs: _ignored, ...rest }) => rest);
    await writeFile(
      join(modelDir(), "embedkit-manifest.json"),
      JSON.stringify({ version: 1, modelId: MODEL, files: stale }),
    );
  });

  test("the first load hashes each file and records its size and mtime; a same-size corruption fails the next load", async () => {
    const m = await open8();
    await m.dispose();
    const entry = (await readManifest(modelDir()))!.files.find((f) => f.path === INT8)!;
    assert.equal(entry.mtimeMs, (await stat(onnxPath())).mtimeMs);
    assert.equal(entry.size, (await stat(onnxPath())).size);

    // A touch alone (same bytes, new mtime) is hashed again, passes, and is recorded again.
    const later = new Date(Date.now() + 5000);
    await utimes(onnxPath(), later, later);
    await (await open8()).dispose();
    assert.equal(
      (await readManifest(modelDir()))!.files.find((f) => f.path === INT8)!.mtimeMs,
      (await stat(onnxPath())).mtimeMs,
    );

    const size = (await stat(onnxPath())).size;
    await overwrite(onnxPath(), Math.floor(size / 2));
    assert.equal((await stat(onnxPath())).size, size);
    await assert.rejects(open8(), expectCode(ERROR_CODES.MODEL_FILE_CORRUPT, onnxPath(), "sha256", entry.sha256));
    const r = await run(["embed", "hello", "-m", MODEL, "-q", "int8", "--cache-dir", cacheDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error \[model_file_corrupt\]: cached file ".*model_quantized\.onnx".*sha256/);
    assert.equal(r.stdout, "");
  });

  test("models pull re-hashes every file: never `ready` for a damaged one, which it downloads again", async () => {
    const hub = await startFakeHub(
      new Map([
        [`${REPO}@main/tokenizer.json`, await readFile(join(real, "tokenizer.json"))],
        [`${REPO}@main/${INT8}`, await readFile(join(real, INT8))],
      ]),
    );
    try {
      const pull = (offline: boolean) =>
        run(["models", "pull", MODEL, "-q", "int8", "--cache-dir", cacheDir], "", {
          EMBEDKIT_OFFLINE: offline ? "1" : "0",
          HF_ENDPOINT: hub.url,
        });
      let r = await pull(true);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ready at .* \(sha256 verified\)/);
      // Corrupt it and put the recorded mtime back: the cheap check cannot see it, pull still does.
      const before = await stat(onnxPath());
      await overwrite(onnxPath(), 1_000_000);
      await utimes(onnxPath(), before.atime, before.mtime);
      r = await pull(true);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\[model_file_corrupt\].*model_quantized\.onnx.*sha256/);
      assert.doesNotMatch(r.stdout, /ready/);
      assert.equal(hub.requests.length, 0);
      r = await pull(false);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ready/);
      assert.equal(hub.requestsFor(INT8).length, 1);
      assert.deepEqual(await readFile(onnxPath()), await readFile(join(real, INT8)));
      await (await open8()).dispose();
    } finally {
      await hub.close();
    }
  });

  test("a failed pull leaves no empty model folder, and `models list --cached` shows no half-pulled model", async () => {
    const fresh = await mkdtemp(join(dir, "fresh-"));
    const tokenizerOnly = new Map([[`${REPO}@main/tokenizer.json`, await readFile(join(real, "tokenizer.json"))]]);
    for (const files of [new Map<string, Buffer>(), tokenizerOnly]) {
      const hub = await startFakeHub(files);
      try {
        const r = await run(["models", "pull", MODEL, "-q", "int8", "--cache-dir", fresh], "", {
          EMBEDKIT_OFFLINE: "0",
          HF_ENDPOINT: hub.url,
        });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /\[hub_not_found\]/);
      } finally {
        await hub.close();
      }
      const list = await run(["models", "list", "--cached", "--json", "--cache-dir", fresh]);
      assert.deepEqual(JSON.parse(list.stdout), []);
    }
    // Nothing was downloaded in the first run: no folder at all. The second kept the tokenizer (and
    // its manifest) for the next try, but no empty onnx/ folder.
    assert.deepEqual(await readdir(join(fresh, "sentence-transformers", "all-MiniLM-L6-v2")), [
      "embedkit-manifest.json",
      "tokenizer.json",
    ]);
  });

  test("corrupted weights that are never hashed (a local folder) give NON_FINITE_OUTPUT, never null vectors", async () => {
    // A local model folder: no manifest, so nothing to hash against; the output guard is what remains.
    const folder = join(dir, "minilm-local");
    await mkdir(join(folder, "onnx"), { recursive: true });
    await mkdir(join(folder, "1_Pooling"), { recursive: true });
    await copyFile(join(real, "tokenizer.json"), join(folder, "tokenizer.json"));
    await copyFile(join(real, "onnx", "model.onnx"), join(folder, "onnx", "model.onnx"));
    await writeFile(join(folder, "config.json"), JSON.stringify({ hidden_size: 384, max_position_embeddings: 512 }));
    await writeFile(join(folder, "1_Pooling", "config.json"), JSON.stringify({ pooling_mode_mean_tokens: true }));
    // The first ~47 MB are the word-embedding table (rows of unused tokens change nothing); 88% into
    // the file lies an encoder layer's weight matrix, which every input goes through.
    const size = (await stat(join(folder, "onnx", "model.onnx"))).size;
    const m = await TextEmbedding.create({ model: folder });
    try {
      assert.ok((await m.embedAll(["hello world"]))[0]!.every(Number.isFinite));
    } finally {
      await m.dispose();
    }
    await overwrite(join(folder, "onnx", "model.onnx"), Math.floor(size * 0.88));
    const bad = await TextEmbedding.create({ model: folder });
    try {
      await assert.rejects(
        bad.embedAll(["hello world", "a second text"]),
        expectCode(ERROR_CODES.NON_FINITE_OUTPUT, "inputs[0]", "NaN"),
      );
    } finally {
      await bad.dispose();
    }
    const r = await run(["embed", "hello world", "--model", folder]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^embedkit embed: error \[non_finite_output\]: the model produced NaN for text 1 of the command line/,
    );
    assert.doesNotMatch(r.stdout, /null/);
  });
});
