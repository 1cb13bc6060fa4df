/**
 * SPLADE engine on the real test model: bad inputs are typed errors, the registry keeps dense
 * and sparse models apart, and a local SPLADE folder loads with the same vectors as the cached
 * registry model.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { TextEmbedding } from "../../src/embed/text-embedding.js";
import { getModelSpec } from "../../src/models/registry.js";
import { getSparseSpec, SPARSE_MODELS } from "../../src/models/sparse-registry.js";
import { SparseTextEmbedding } from "../../src/sparse/sparse-text-embedding.js";

const FOLDER = fileURLToPath(new URL("../../../shared/models/splade-tiny", import.meta.url));
const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
const LONG = "word ".repeat(700);

describe("SPLADE engine", () => {
  let splade: SparseTextEmbedding;
  before(async () => {
    splade = await SparseTextEmbedding.create({ model: "embedkit-test/splade-tiny", store: { offline: true } });
  });
  after(() => splade?.dispose());

  test("registry: every sparse record has an fp32 graph, a window and a vocabulary", () => {
    for (const [id, spec] of Object.entries(SPARSE_MODELS)) {
      assert.equal(spec.task, "sparse", id);
      assert.ok(spec.files.onnx.fp32.path.endsWith(".onnx"), id);
      assert.ok(spec.maxTokens > 0 && spec.vocabSize > 0, id);
      assert.equal(spec.queryEncoder === "idf", "idf" in spec.files, `${id}: idf.json iff doc-only`);
    }
    assert.throws(() => getSparseSpec("nope/nope"), code("unknown_model"));
  });

  test("a sparse id given to the dense engine is a typed error naming SparseTextEmbedding", async () => {
    assert.throws(() => getModelSpec("prithivida/Splade_PP_en_v1"), /SparseTextEmbedding/);
    await assert.rejects(TextEmbedding.create({ model: "embedkit-test/splade-tiny" }), code("wrong_model_task"));
    await assert.rejects(TextEmbedding.create({ model: "bm25" }), code("wrong_model_task"));
  });

  test("a dense id given to SparseTextEmbedding is a typed error naming TextEmbedding", async () => {
    await assert.rejects(
      SparseTextEmbedding.create({ model: "BAAI/bge-small-en-v1.5" }),
      (e: unknown) => code("wrong_model_task")(e) && /TextEmbedding\.create/.test((e as Error).message),
    );
    await assert.rejects(SparseTextEmbedding.create({ model: "naver/splade-v4" }), code("unknown_model"));
  });

  test("truncate:false and an over-long text: input_too_long naming the input and the limit", async () => {
    await assert.rejects(splade.embedAll(["short", LONG], { truncate: false }), (e: unknown) => {
      const err = e as { code: string; message: string; details: Record<string, unknown> };
      return err.code === "input_too_long" && /inputs\[1\]/.test(err.message) && err.details["maxTokens"] === 512;
    });
    const [v] = await splade.embedAll([LONG]); // truncated by default
    assert.ok(v!.indices.length > 0);
  });

  test("bad options and inputs are typed errors", async () => {
    await assert.rejects(splade.embedAll(["a"], { topK: 0 }), code("invalid_option"));
    await assert.rejects(splade.embedAll(["a"], { topK: 1.5 }), code("invalid_option"));
    await assert.rejects(
      SparseTextEmbedding.create({ model: "embedkit-test/splade-tiny", topK: -1 }),
      code("invalid_option"),
    );
    await assert.rejects(splade.embedAll(["a", 3 as unknown as string]), code("invalid_input"));
    assert.deepEqual(await splade.embedAll([]), []);
    const bm25 = await SparseTextEmbedding.create({ model: "bm25" });
    assert.throws(
      () => bm25.decode({ indices: new Uint32Array(0), values: new Float32Array(0) }),
      code("invalid_option"),
    );
  });

  test("a local SPLADE folder gives the registry model's vectors", async () => {
    const local = await SparseTextEmbedding.create({ model: FOLDER });
    try {
      assert.equal(local.spec?.queryEncoder, "model");
      const texts = ["what is the capital of france", "sparse vectors"];
      const [a, b] = [await local.embedAll(texts), await splade.embedAll(texts)];
      a.forEach((v, i) => {
        assert.deepEqual(Array.from(v.indices), Array.from(b[i]!.indices));
        assert.deepEqual(Array.from(v.values), Array.from(b[i]!.values));
      });
    } finally {
      await local.dispose();
    }
  });

  test("doc-only folder (idf.json): queries are tokenized and IDF-weighted, documents run the model", async () => {
    const dir = await mkdtemp(join(tmpdir(), "embedkit-doc-only-"));
    try {
      for (const f of ["config.json", "tokenizer.json", "model.onnx"]) await symlink(join(FOLDER, f), join(dir, f));
      await writeFile(join(dir, "idf.json"), JSON.stringify({ capital: 3.5, france: 2.25, the: 0.5, "[CLS]": 9 }));
      const docOnly = await SparseTextEmbedding.create({ model: dir });
      try {
        assert.equal(docOnly.spec?.queryEncoder, "idf");
        const q = await docOnly.queryEmbed("the capital of France, the capital");
        // distinct non-special tokens with a weight, by vocabulary id; "of" has none and is dropped, [CLS] is special
        assert.deepEqual(
          docOnly.decode(q).map((t) => [t.token, t.value]),
          [
            ["the", 0.5],
            ["france", 2.25],
            ["capital", 3.5],
          ], // in index order
        );
        const [top] = await docOnly.queryEmbed(["the capital of france"], { topK: 1 });
        assert.deepEqual(
          docOnly.decode(top!).map((t) => t.token),
          ["capital"],
        );
        const [d] = await docOnly.embedAll(["the capital of france"]);
        const [want] = await splade.embedAll(["the capital of france"]);
        assert.deepEqual(Array.from(d!.indices), Array.from(want!.indices));
      } finally {
        await docOnly.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a local folder that is not a masked LM: wrong_model_task naming the architectures", async () => {
    const dir = await mkdtemp(join(tmpdir(), "embedkit-not-mlm-"));
    try {
      await writeFile(join(dir, "config.json"), JSON.stringify({ architectures: ["BertModel"], vocab_size: 30522 }));
      await assert.rejects(
        SparseTextEmbedding.create({ model: dir }),
        (e: unknown) => code("wrong_model_task")(e) && /BertModel/.test((e as Error).message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("dispose: later calls are a typed error", async () => {
    const s = await SparseTextEmbedding.create({ model: FOLDER });
    await s.dispose();
    await assert.rejects(s.embedAll(["a"]), code("disposed"));
  });
});
