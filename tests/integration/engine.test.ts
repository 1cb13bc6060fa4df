/**
 * Invariants of the engine on real models: batch and padding invariance, order, prompts,
 * truncation, streaming, Matryoshka, bad input, dispose.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import { TextEmbedding } from "../../src/embed/text-embedding.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const TEXTS = [
  "A man is playing a guitar.",
  "Embeddings map text to vectors.",
  "short",
  "The quick brown fox jumps over the lazy dog near the riverbank while the sun sets slowly behind the hills.",
  "",
  "   ",
  "東京は日本の首都です。",
  "Emoji 🎉🚀 and accents: café, naïve, Zürich.",
  "What is the capital of France?",
  "Paris is the capital and most populous city of France, with an estimated population of two million residents.",
  "x".repeat(50),
  "Numbers 3.14159 and URLs https://example.com/a?b=c",
];
const LONG = Array.from({ length: 700 }, (_, i) => `word${i % 37}`).join(" ");

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string, message?: RegExp): Promise<void> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    assert.ok(isEmbedkitError(e), `expected EmbedkitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return;
  }
  assert.fail(`expected an error with code ${code}`);
}

describe("engine invariants: bge-small-en-v1.5", () => {
  let model: TextEmbedding;
  before(async () => {
    model = await openTestModel(TEST_MODELS.bgeSmallEn, { batchSize: 4 });
  });
  after(async () => {
    await model?.dispose();
  });

  test("facts come from the registry", () => {
    assert.equal(model.dim, 384);
    assert.equal(model.maxTokens, 512);
    assert.equal(model.modelId, "BAAI/bge-small-en-v1.5");
  });

  test("a text's vector does not depend on its batch (cosine >= 0.99999)", async () => {
    const batched = await model.embedAll([...TEXTS, LONG]);
    for (const [i, t] of [...TEXTS, LONG].entries()) {
      const [alone] = await model.embedAll([t]);
      const cos = cosineSimilarity(alone!, batched[i]!);
      assert.ok(cos >= 0.99999, `text ${i}: cosine ${cos}`);
    }
  });

  test("vectors are unit length and finite, also for empty and whitespace-only text", async () => {
    const vs = await model.embedAll(TEXTS);
    for (const v of vs) {
      assert.equal(v.length, 384);
      assert.ok(v.every(Number.isFinite));
      assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    }
  });

  test("streaming yields batchSize arrays in input order, equal to embedAll", async () => {
    async function* source(): AsyncGenerator<string> {
      for (const t of TEXTS) yield t;
    }
    const streamed: Float32Array[] = [];
    const sizes: number[] = [];
    for await (const batch of model.embed(source(), { batchSize: 5 })) {
      sizes.push(batch.length);
      streamed.push(...batch);
    }
    assert.deepEqual(sizes, [5, 5, 2]);
    const all = await model.embedAll(TEXTS);
    all.forEach((v, i) => assert.ok(cosineSimilarity(v, streamed[i]!) >= 0.99999));
  });

  test("queryEmbed applies the model's instruction; passageEmbed applies none", async () => {
    const q = await model.queryEmbed("what is a vector?");
    const [manual] = await model.embedAll([
      "Represent this sentence for searching relevant passages: what is a vector?",
    ]);
    assert.ok(cosineSimilarity(q, manual!) >= 0.99999);
    const [p] = await model.passageEmbed(["what is a vector?"]);
    const [plain] = await model.embedAll(["what is a vector?"]);
    assert.ok(cosineSimilarity(p!, plain!) >= 0.99999);
    assert.ok(cosineSimilarity(q, plain!) < 0.999, "the instruction changes the vector");
  });

  test("over-long input is truncated and reported by default", async () => {
    const r = await model.embedDetailed(["short one", LONG]);
    assert.deepEqual(r.truncated, [false, true]);
    assert.ok(r.tokenCounts[1]! > 512, `token count ${r.tokenCounts[1]}`);
    const [count] = await model.tokenCount(LONG);
    assert.equal(count, r.tokenCounts[1]);
  });

  test("with truncate: false an over-long input is a typed error naming it and its token count", async () => {
    const [count] = await model.tokenCount(LONG);
    await expectCode(
      model.embedAll(["fine", LONG], { truncate: false }),
      "input_too_long",
      new RegExp(`inputs\\[1\\] has ${count} tokens; the model accepts at most 512`),
    );
  });

  test("a bad input mid-stream fails after every earlier vector was yielded", async () => {
    const inputs: unknown[] = Array.from({ length: 11 }, (_, i) => `text number ${i}`);
    inputs.push(42);
    const got: Float32Array[] = [];
    await expectCode(
      (async () => {
        for await (const b of model.embed(inputs, { batchSize: 4 })) got.push(...b);
      })(),
      "invalid_input",
      /inputs\[11\] must be a string, got 42/,
    );
    assert.equal(got.length, 11);
  });

  test("an over-long input mid-stream with truncate: false keeps earlier vectors", async () => {
    const got: Float32Array[] = [];
    await expectCode(
      (async () => {
        for await (const b of model.embed(["a", "b", "c", LONG, "d"], { batchSize: 2, truncate: false }))
          got.push(...b);
      })(),
      "input_too_long",
      /inputs\[3\]/,
    );
    assert.equal(got.length, 3);
  });

  test("bad inputs in embedAll fail before any work, and the model keeps working", async () => {
    await expectCode(model.embedAll(["ok", null as unknown as string]), "invalid_input", /inputs\[1\]/);
    await expectCode(model.embedAll(["ok", "bad \uD800 surrogate"]), "invalid_input", /not valid UTF-16/);
    await expectCode(model.embedAll("not an array" as unknown as string[]), "invalid_input");
    assert.deepEqual(await model.embedAll([]), []);
    assert.equal((await model.embedAll(["still fine"])).length, 1);
  });

  test("Matryoshka dimensions: leading components, renormalized", async () => {
    const [full] = await model.embedAll(["dimension test"]);
    const [cut] = await model.embedAll(["dimension test"], { dimensions: 128 });
    assert.equal(cut!.length, 128);
    assert.ok(Math.abs(norm(cut!) - 1) < 1e-5);
    const prefix = full!.slice(0, 128);
    assert.ok(cosineSimilarity(prefix, cut!) >= 0.99999);
    await expectCode(
      model.embedAll(["x"], { dimensions: 1000 }),
      "invalid_option",
      /dimensions must be an integer from 1 to 384, got 1000/,
    );
  });

  test("concurrent calls give the same vectors as sequential ones", async () => {
    const seq = await model.embedAll(TEXTS);
    const par = await Promise.all(TEXTS.map((t) => model.embedAll([t])));
    par.forEach(([v], i) => assert.ok(cosineSimilarity(v!, seq[i]!) >= 0.99999));
  });
});

describe("engine: prompts, variants, options, lifecycle", () => {
  test("e5 passageEmbed and queryEmbed apply 'passage: ' and 'query: '", async () => {
    const e5 = await openTestModel(TEST_MODELS.e5Small);
    try {
      const [p] = await e5.passageEmbed(["the sky is blue"]);
      const [manualP] = await e5.embedAll(["passage: the sky is blue"]);
      assert.ok(cosineSimilarity(p!, manualP!) >= 0.99999);
      const q = await e5.queryEmbed("why is the sky blue");
      const [manualQ] = await e5.embedAll(["query: why is the sky blue"]);
      assert.ok(cosineSimilarity(q, manualQ!) >= 0.99999);
      const [sym] = await e5.embedAll(["why is the sky blue"], { promptName: "symmetric" });
      assert.ok(cosineSimilarity(sym!, manualQ!) >= 0.99999);
    } finally {
      await e5.dispose();
    }
  });

  test("the int8 variant loads and agrees with fp32 in direction", async () => {
    const fp32 = await openTestModel(TEST_MODELS.bgeSmallEn);
    const int8 = await openTestModel(TEST_MODELS.bgeSmallEn, { quantization: "int8" });
    try {
      const a = await fp32.embedAll(TEXTS.slice(0, 4));
      const b = await int8.embedAll(TEXTS.slice(0, 4));
      a.forEach((v, i) => assert.ok(cosineSimilarity(v, b[i]!) > 0.95, `text ${i}`));
      assert.equal(int8.quantization, "int8");
    } finally {
      await fp32.dispose();
      await int8.dispose();
    }
  });

  test("a disposed model refuses work with a typed error; dispose twice is fine", async () => {
    const m = await openTestModel(TEST_MODELS.miniLM);
    assert.equal(m.maxTokens, 256);
    await m.dispose();
    await m.dispose();
    await expectCode(m.embedAll(["x"]), "disposed");
  });

  test("unknown model, unknown variant and bad options are typed errors", async () => {
    await expectCode(
      TextEmbedding.create({ model: "BAAI/bge-smal-en", store: { offline: true } }),
      "unknown_model",
      /not in the registry/,
    );
    await expectCode(
      TextEmbedding.create({ model: TEST_MODELS.bgeSmallEn, quantization: "int4" as "int8", store: { offline: true } }),
      "unknown_variant",
    );
    await expectCode(
      TextEmbedding.create({ batchSize: 0, store: { offline: true } }),
      "invalid_option",
      /batchSize must be an integer from 1/,
    );
  });
});

describe("engine: custom model from a local folder", () => {
  test("pooling and normalization come from the sentence-transformers files; overrides win", async () => {
    const registry = await openTestModel(TEST_MODELS.miniLM);
    const dir = await mkdtemp(join(tmpdir(), "embedkit-local-"));
    try {
      await symlink(join(registry.modelDir, "onnx", "model.onnx"), join(dir, "model.onnx"));
      await symlink(join(registry.modelDir, "tokenizer.json"), join(dir, "tokenizer.json"));
      await writeFile(join(dir, "config.json"), JSON.stringify({ hidden_size: 384, max_position_embeddings: 512 }));
      await writeFile(join(dir, "sentence_bert_config.json"), JSON.stringify({ max_seq_length: 256 }));
      await mkdir(join(dir, "1_Pooling"));
      await writeFile(
        join(dir, "1_Pooling", "config.json"),
        JSON.stringify({ word_embedding_dimension: 384, pooling_mode_mean_tokens: true }),
      );
      await writeFile(
        join(dir, "modules.json"),
        JSON.stringify([
          { idx: 0, name: "0", path: "", type: "sentence_transformers.models.Transformer" },
          { idx: 1, name: "1", path: "1_Pooling", type: "sentence_transformers.models.Pooling" },
          { idx: 2, name: "2", path: "2_Normalize", type: "sentence_transformers.models.Normalize" },
        ]),
      );
      const local = await TextEmbedding.create({ model: dir, store: { offline: true } });
      try {
        assert.equal(local.spec.pooling, "mean");
        assert.equal(local.maxTokens, 256);
        const a = await local.embedAll(TEXTS);
        const b = await registry.embedAll(TEXTS);
        a.forEach((v, i) => assert.ok(cosineSimilarity(v, b[i]!) >= 0.99999, `text ${i}`));
      } finally {
        await local.dispose();
      }
      const cls = await TextEmbedding.create({ model: dir, pooling: "cls", store: { offline: true } });
      try {
        assert.equal(cls.spec.pooling, "cls");
        const [v] = await cls.embedAll([TEXTS[0]!]);
        const [m] = await registry.embedAll([TEXTS[0]!]);
        assert.ok(cosineSimilarity(v!, m!) < 0.999, "cls pooling gives a different vector");
      } finally {
        await cls.dispose();
      }
      await rm(join(dir, "tokenizer.json"));
      await expectCode(
        TextEmbedding.create({ model: dir, store: { offline: true } }),
        "model_file_missing",
        /tokenizer\.json/,
      );
    } finally {
      await registry.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("engine: streams over many windows (read-ahead pipeline)", () => {
  let model: TextEmbedding;
  const texts = Array.from({ length: 23 }, (_, i) => `stream text ${i}: ${"more words ".repeat(i % 7)}`);
  before(async () => {
    // Windows of 4 texts, so 23 texts pass through 6 windows and the read-ahead is exercised.
    model = await openTestModel(TEST_MODELS.miniLM, { batchSize: 2, windowSize: 4 });
  });
  after(async () => {
    await model.dispose();
  });

  /** A source that records how far it was read and whether it was closed. */
  function source(items: readonly unknown[], failAt = -1) {
    const state = { read: 0, closed: false };
    const iterable: AsyncIterable<unknown> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          if (state.read === failAt) throw new Error(`source failed at ${failAt}`);
          if (state.read >= items.length) return { done: true, value: undefined };
          return { done: false, value: items[state.read++] };
        },
        return: async () => {
          state.closed = true;
          return { done: true, value: undefined };
        },
      }),
    };
    return { iterable, state };
  }

  test("every window's vectors come out in input order, equal to embedAll", async () => {
    const all = await model.embedAll(texts);
    const got: Float32Array[] = [];
    for await (const b of model.embed(source(texts).iterable as AsyncIterable<string>)) {
      assert.ok(b.length <= 2);
      got.push(...b);
    }
    assert.equal(got.length, texts.length);
    got.forEach((v, i) => assert.ok(cosineSimilarity(v, all[i]!) >= 0.99999, `text ${i}`));
  });

  test("a bad input in a later window: every earlier vector first, then the error; the source is closed", async () => {
    const { iterable, state } = source([...texts.slice(0, 13), null, ...texts.slice(13)]);
    const got: Float32Array[] = [];
    await expectCode(
      (async () => {
        for await (const b of model.embed(iterable as AsyncIterable<string>)) got.push(...b);
      })(),
      "invalid_input",
      /inputs\[13\]/,
    );
    assert.equal(got.length, 13);
    assert.ok(state.closed, "the source was closed");
  });

  test("an over-long input in a later window (truncate: false): earlier vectors, then the error", async () => {
    const { iterable, state } = source([...texts.slice(0, 9), LONG, ...texts.slice(9)]);
    const got: Float32Array[] = [];
    await expectCode(
      (async () => {
        for await (const b of model.embed(iterable as AsyncIterable<string>, { truncate: false })) got.push(...b);
      })(),
      "input_too_long",
      /inputs\[9\]/,
    );
    assert.equal(got.length, 9);
    assert.ok(state.closed, "the source was closed");
  });

  test("a source that fails: every vector read before the failure, then the source's own error", async () => {
    const { iterable } = source(texts, 10);
    const got: Float32Array[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of model.embed(iterable as AsyncIterable<string>)) got.push(...b);
      })(),
      /source failed at 10/,
    );
    assert.equal(got.length, 10);
  });

  test("dispose() during a stream: windows already computing are handed out, then a disposed error", async () => {
    const own = await openTestModel(TEST_MODELS.miniLM, { batchSize: 2, windowSize: 4 });
    const { iterable, state } = source(texts.slice(0, 12));
    const got: Float32Array[] = [];
    let disposing: Promise<void> | undefined;
    await expectCode(
      (async () => {
        for await (const b of own.embed(iterable as AsyncIterable<string>)) {
          got.push(...b);
          disposing ??= own.dispose(); // window 0 is being handed out; window 1 is computing
        }
      })(),
      "disposed",
    );
    await disposing;
    assert.equal(got.length, 8, "windows 0 and 1 (computed before dispose took effect) were not lost");
    assert.ok(state.closed, "the source was closed");
  });

  test("a consumer that stops early closes the source, and the model keeps working", async () => {
    const { iterable, state } = source(texts);
    for await (const b of model.embed(iterable as AsyncIterable<string>)) {
      assert.equal(b.length, 2);
      break;
    }
    assert.ok(state.closed, "the source was closed");
    assert.ok(state.read < texts.length, `read ${state.read} of ${texts.length}: the stream stopped reading`);
    assert.equal((await model.embedAll(["still works"])).length, 1);
  });
});
