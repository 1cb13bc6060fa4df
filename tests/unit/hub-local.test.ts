/**
 * Custom local models (src/hub/local.ts): facts read from sentence-transformers files in
 * folders built here, overrides winning over files, and typed errors for missing/broken files.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { ERROR_CODES, isEmbedkitError, type EmbedkitError } from "../../src/errors.js";
import { resolveLocalModel } from "../../src/hub/local.js";
import { resolveModelFiles } from "../../src/hub/resolve.js";

let root: string;

const BASE: Readonly<Record<string, string>> = {
  "model.onnx": "graph",
  "tokenizer.json": "{}",
  "config.json": JSON.stringify({ hidden_size: 384, max_position_embeddings: 512, model_type: "bert" }),
  "modules.json": JSON.stringify([
    { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
    { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
    { idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" },
  ]),
  "1_Pooling/config.json": JSON.stringify({
    word_embedding_dimension: 384,
    pooling_mode_cls_token: false,
    pooling_mode_mean_tokens: true,
  }),
  "config_sentence_transformers.json": JSON.stringify({ prompts: { query: "query: ", document: "passage: " } }),
};

async function folder(files: Readonly<Record<string, string | undefined>>, name = "m"): Promise<string> {
  const dir = join(root, name);
  for (const [p, data] of Object.entries(files)) {
    if (data === undefined) continue;
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), data);
  }
  return dir;
}

function pooling(flags: Record<string, boolean>): string {
  return JSON.stringify({ word_embedding_dimension: 384, ...flags });
}

function expectCode(code: string, ...mustMention: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal((e as EmbedkitError).code, code, (e as Error).message);
    for (const s of mustMention)
      assert.ok((e as Error).message.includes(s), `message should mention ${s}: ${(e as Error).message}`);
    return true;
  };
}

describe("resolveLocalModel", () => {
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "embedkit-local-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reads dim, maxTokens, pooling, normalization and prompts from the sentence-transformers files", async () => {
    const dir = await folder(BASE);
    const r = await resolveLocalModel({ folder: dir });
    assert.equal(r.modelId, dir);
    assert.equal(r.dir, dir);
    assert.equal(r.onnxPath, join(dir, "model.onnx"));
    assert.equal(r.tokenizerPath, join(dir, "tokenizer.json"));
    assert.equal(r.quantization, "fp32");
    assert.equal(r.spec.dim, 384);
    assert.equal(r.spec.maxTokens, 512);
    assert.equal(r.spec.pooling, "mean");
    assert.equal(r.spec.normalize, true);
    assert.deepEqual(r.spec.prompts, { query: "query: ", passage: "passage: ", symmetric: "" });
  });

  for (const [flag, expected] of [
    ["pooling_mode_cls_token", "cls"],
    ["pooling_mode_mean_tokens", "mean"],
    ["pooling_mode_lasttoken", "last_token"],
  ] as const) {
    it(`maps ${flag} to ${expected}`, async () => {
      const dir = await folder({ ...BASE, "1_Pooling/config.json": pooling({ [flag]: true }) });
      assert.equal((await resolveLocalModel({ folder: dir })).spec.pooling, expected);
    });
  }

  it("finds the pooling folder named in modules.json", async () => {
    const modules = JSON.stringify([{ idx: 1, name: "1", path: "pool", type: "sentence_transformers.models.Pooling" }]);
    const dir = await folder({
      ...BASE,
      "modules.json": modules,
      "1_Pooling/config.json": undefined,
      "pool/config.json": pooling({ pooling_mode_cls_token: true }),
    });
    const r = await resolveLocalModel({ folder: dir });
    assert.equal(r.spec.pooling, "cls");
    assert.equal(r.spec.normalize, false, "no Normalize module");
  });

  it("refuses to guess the pooling, and accepts it as an override", async () => {
    const noPooling = await folder({ ...BASE, "1_Pooling/config.json": undefined }, "a");
    await assert.rejects(
      resolveLocalModel({ folder: noPooling }),
      expectCode(ERROR_CODES.INVALID_OPTION, "`pooling`", noPooling),
    );
    assert.equal((await resolveLocalModel({ folder: noPooling, pooling: "cls" })).spec.pooling, "cls");

    const maxPool = await folder({ ...BASE, "1_Pooling/config.json": pooling({ pooling_mode_max_tokens: true }) }, "b");
    await assert.rejects(
      resolveLocalModel({ folder: maxPool }),
      expectCode(ERROR_CODES.INVALID_OPTION, "pooling_mode_max_tokens", "`pooling`"),
    );

    const two = await folder(
      { ...BASE, "1_Pooling/config.json": pooling({ pooling_mode_cls_token: true, pooling_mode_mean_tokens: true }) },
      "c",
    );
    await assert.rejects(resolveLocalModel({ folder: two }), expectCode(ERROR_CODES.INVALID_OPTION, "`pooling`"));
  });

  it("lets explicit overrides win over the files", async () => {
    const dir = await folder(BASE);
    const r = await resolveLocalModel({
      folder: dir,
      pooling: "cls",
      normalize: false,
      prompts: { query: "Q: " },
      dim: 256,
      maxTokens: 128,
    });
    assert.equal(r.spec.pooling, "cls");
    assert.equal(r.spec.normalize, false);
    assert.deepEqual(r.spec.prompts, { query: "Q: ", passage: "passage: ", symmetric: "" });
    assert.equal(r.spec.dim, 256);
    assert.equal(r.spec.maxTokens, 128);
    await assert.rejects(resolveLocalModel({ folder: dir, dim: 0 }), expectCode(ERROR_CODES.INVALID_OPTION, "`dim`"));
  });

  it("prefers sentence_bert_config.json max_seq_length, and needs dim and maxTokens from somewhere", async () => {
    const st = await folder({ ...BASE, "sentence_bert_config.json": JSON.stringify({ max_seq_length: 256 }) }, "a");
    assert.equal((await resolveLocalModel({ folder: st })).spec.maxTokens, 256);
    const noConfig = await folder({ ...BASE, "config.json": undefined }, "b");
    await assert.rejects(resolveLocalModel({ folder: noConfig }), expectCode(ERROR_CODES.INVALID_OPTION, "`dim`"));
    await assert.rejects(
      resolveLocalModel({ folder: noConfig, dim: 384 }),
      expectCode(ERROR_CODES.INVALID_OPTION, "`maxTokens`"),
    );
    assert.equal((await resolveLocalModel({ folder: noConfig, dim: 384, maxTokens: 64 })).spec.maxTokens, 64);
  });

  it("finds onnx/model.onnx and onnx/model_quantized.onnx for int8", async () => {
    const dir = await folder({
      ...BASE,
      "model.onnx": undefined,
      "onnx/model.onnx": "g",
      "onnx/model_quantized.onnx": "q",
    });
    assert.equal((await resolveLocalModel({ folder: dir })).onnxPath, join(dir, "onnx", "model.onnx"));
    const q = await resolveLocalModel({ folder: dir, quantization: "int8" });
    assert.equal(q.onnxPath, join(dir, "onnx", "model_quantized.onnx"));
    assert.equal(q.quantization, "int8");
  });

  it("a missing ONNX file or tokenizer is MODEL_FILE_MISSING naming the folder and the file", async () => {
    const noOnnx = await folder({ ...BASE, "model.onnx": undefined }, "a");
    await assert.rejects(
      resolveLocalModel({ folder: noOnnx }),
      expectCode(ERROR_CODES.MODEL_FILE_MISSING, noOnnx, "model.onnx"),
    );
    const fp32Only = await folder(BASE, "b");
    await assert.rejects(
      resolveLocalModel({ folder: fp32Only, quantization: "int8" }),
      expectCode(ERROR_CODES.MODEL_FILE_MISSING, "onnx/model_quantized.onnx"),
    );
    const noTok = await folder({ ...BASE, "tokenizer.json": undefined }, "c");
    await assert.rejects(
      resolveLocalModel({ folder: noTok }),
      expectCode(ERROR_CODES.MODEL_FILE_MISSING, noTok, "tokenizer.json"),
    );
  });

  it("broken JSON is MODEL_FILE_CORRUPT naming the file", async () => {
    for (const [i, file] of [
      "config.json",
      "1_Pooling/config.json",
      "modules.json",
      "config_sentence_transformers.json",
    ].entries()) {
      const dir = await folder({ ...BASE, [file]: "{ not json" }, `broken${i}`);
      await assert.rejects(
        resolveLocalModel({ folder: dir }),
        expectCode(ERROR_CODES.MODEL_FILE_CORRUPT, join(dir, file)),
      );
    }
  });

  it("resolveModelFiles routes a folder path to the local model", async () => {
    const dir = await folder(BASE);
    const store = {
      cacheDir: join(root, "cache"),
      offline: true,
      hfEndpoint: "http://127.0.0.1:9",
      hfToken: undefined,
    };
    const r = await resolveModelFiles({ model: dir, store, overrides: { normalize: false } });
    assert.equal(r.dir, dir);
    assert.equal(r.spec.normalize, false);
    await assert.rejects(
      resolveModelFiles({ model: join(root, "nope"), store }),
      expectCode(ERROR_CODES.UNKNOWN_MODEL),
    );
  });
});
