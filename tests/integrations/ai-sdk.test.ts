/**
 * embedkit/ai-sdk through the AI SDK's own `embed`, `embedMany`, `cosineSimilarity` and
 * `wrapEmbeddingModel` (to watch the calls the SDK makes): prompts, batching limits, parallel
 * calls, Matryoshka dimensions, aborts, typed errors. Real models from the cache, offline.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TooManyEmbeddingValuesForCallError, type EmbeddingModelV4 } from "@ai-sdk/provider";
import { cosineSimilarity, embed, embedMany, wrapEmbeddingModel } from "ai";
import { isEmbedkitError, type TextEmbedding } from "../../src/index.js";
import { createEmbedkit, type EmbedkitProvider } from "../../src/integrations/ai-sdk.js";
import { TEST_MODELS } from "../helpers/models.js";
import { DOCS, QUERIES } from "./corpus.js";

const TEXTS = DOCS.map((d) => d.text);

/** Wraps a model with SDK middleware that records each doEmbed call and the concurrency seen. */
function watched(model: EmbeddingModelV4, onCall?: (n: number) => void) {
  const calls: number[] = [];
  const outcomes: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const wrapped = wrapEmbeddingModel({
    model,
    middleware: {
      specificationVersion: "v4",
      wrapEmbed: async ({ doEmbed, params }) => {
        calls.push(params.values.length);
        running++;
        maxRunning = Math.max(maxRunning, running);
        try {
          const r = await doEmbed();
          outcomes.push("ok");
          return r;
        } catch (e) {
          outcomes.push((e as Error).name);
          throw e;
        } finally {
          running--;
          onCall?.(calls.length);
        }
      },
    },
  });
  return { wrapped, calls, outcomes, maxRunning: () => maxRunning };
}

describe("embedkit/ai-sdk", { timeout: 240_000 }, () => {
  let provider: EmbedkitProvider;
  let bge: TextEmbedding;
  before(async () => {
    provider = createEmbedkit({ store: { offline: true } });
    // The provider's own model, loaded once, used as the reference.
    await embed({ model: provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn), value: "warm up" });
    bge = await (
      await import("../../src/index.js")
    ).TextEmbedding.create({
      model: TEST_MODELS.bgeSmallEn,
      store: { offline: true },
    });
  });
  after(async () => {
    await provider?.dispose();
    await bge?.dispose();
  });

  test("embedMany and embed give embedkit's passage and query vectors; the SDK's cosine ranks them", async () => {
    const model = provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn);
    assert.equal(model.specificationVersion, "v4");
    const { embeddings, usage } = await embedMany({ model, values: TEXTS });
    const expected = await bge.passageEmbed(TEXTS);
    embeddings.forEach((e, i) => assert.ok(cosineSimilarity(e, Array.from(expected[i]!)) >= 0.99999, `value ${i}`));
    const counts = await bge.tokenCount(TEXTS);
    assert.equal(
      usage.tokens,
      counts.reduce((a, b) => a + b, 0),
    );
    for (const { query, expected: id } of QUERIES) {
      const { embedding } = await embed({
        model,
        value: query,
        providerOptions: { embedkit: { promptName: "query" } },
      });
      assert.ok(cosineSimilarity(embedding, Array.from(await bge.queryEmbed(query))) >= 0.99999);
      const ranked = embeddings.map((e, i) => ({ i, s: cosineSimilarity(embedding, e) })).sort((a, b) => b.s - a.s);
      assert.equal(DOCS[ranked[0]!.i]!.id, id, query);
    }
    // A model-level prompt, and null for the text as given.
    const asQuery = provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn, { promptName: "query" });
    const { embedding: q } = await embed({ model: asQuery, value: QUERIES[0].query });
    assert.ok(cosineSimilarity(q, Array.from(await bge.queryEmbed(QUERIES[0].query))) >= 0.99999);
    const { embedding: raw } = await embed({
      model: asQuery,
      value: QUERIES[0].query,
      providerOptions: { embedkit: { promptName: null } },
    });
    assert.ok(cosineSimilarity(raw, Array.from((await bge.embedAll([QUERIES[0].query]))[0]!)) >= 0.99999);
  });

  test("dimensions: Matryoshka output through embedMany's own option", async () => {
    const model = provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn);
    const { embeddings } = await embedMany({ model, values: TEXTS.slice(0, 3), dimensions: 128 });
    const expected = await bge.passageEmbed(TEXTS.slice(0, 3), { dimensions: 128 });
    embeddings.forEach((e, i) => {
      assert.equal(e.length, 128);
      assert.ok(cosineSimilarity(e, Array.from(expected[i]!)) >= 0.99999);
    });
  });

  test("maxEmbeddingsPerCall splits embedMany; supportsParallelCalls decides whether calls overlap", async () => {
    const values = Array.from({ length: 10 }, (_, i) => `sentence number ${i} about ${TEXTS[i % TEXTS.length]}`);
    const expected = await bge.passageEmbed(values);
    for (const parallel of [false, true]) {
      const base = provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn, {
        maxEmbeddingsPerCall: 3,
        supportsParallelCalls: parallel,
      });
      const w = watched(base);
      const { embeddings } = await embedMany({ model: w.wrapped, values, maxParallelCalls: 4 });
      assert.deepEqual(w.calls, [3, 3, 3, 1]);
      assert.equal(w.maxRunning() > 1, parallel, `parallel ${parallel}: max ${w.maxRunning()} at once`);
      embeddings.forEach((e, i) => assert.ok(cosineSimilarity(e, Array.from(expected[i]!)) >= 0.99999));
    }
    // Called directly with more than the limit: the SDK's own error.
    const limited = provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn, { maxEmbeddingsPerCall: 2 });
    await assert.rejects(limited.doEmbed({ values: ["a", "b", "c"] }), (e: unknown) =>
      TooManyEmbeddingValuesForCallError.isInstance(e),
    );
  });

  test("abort: before the call, between the SDK's calls, and while a call computes", async () => {
    const model = provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn, { maxEmbeddingsPerCall: 4 });
    await assert.rejects(embed({ model, value: "x", abortSignal: AbortSignal.abort() }), { name: "AbortError" });

    const between = new AbortController();
    const w = watched(model, (n) => n === 1 && between.abort());
    const values = Array.from({ length: 16 }, (_, i) => `value ${i}`);
    await assert.rejects(embedMany({ model: w.wrapped, values, abortSignal: between.signal }), {
      name: "AbortError",
    });
    // The SDK still makes its next call; embedkit refuses it before any work.
    assert.deepEqual(w.outcomes, ["ok", "AbortError"]);

    // 40 values in one call (about a second of work): the abort lands while the first chunk computes.
    const long = Array.from(
      { length: 40 },
      (_, i) => `${i} ${TEXTS[i % TEXTS.length]} ${TEXTS[(i + 3) % TEXTS.length]}`,
    );
    const during = new AbortController();
    const big = provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn);
    const running = embedMany({ model: big, values: long, abortSignal: during.signal });
    setTimeout(() => during.abort(), 50);
    await assert.rejects(running, { name: "AbortError" });
    const { embedding } = await embed({ model: big, value: "the model still works after an abort" });
    assert.equal(embedding.length, 384);
  });

  test("bad settings and options are typed errors naming the field", async () => {
    assert.throws(
      () => provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn, { maxEmbeddingsPerCall: 0 }),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && /maxEmbeddingsPerCall/.test(e.message),
    );
    assert.throws(
      () => provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn, { promptName: "document" as "passage" }),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && /promptName/.test(e.message),
    );
    assert.throws(
      () => provider.textEmbeddingModel(""),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && /modelId/.test(e.message),
    );
    const model = provider.textEmbeddingModel(TEST_MODELS.bgeSmallEn);
    await assert.rejects(
      embed({ model, value: "x", providerOptions: { embedkit: { promptName: "bogus" } } }),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && /providerOptions\.embedkit\.promptName/.test(e.message),
    );
    await assert.rejects(
      embedMany({ model, values: ["x"], dimensions: 1000 }),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && /dimensions/.test(e.message),
    );
    await assert.rejects(
      embedMany({ model, values: ["ok", 5 as unknown as string] }),
      (e: unknown) => isEmbedkitError(e, "invalid_input") && /inputs\[1\]/.test(e.message),
    );
    await assert.rejects(
      embed({ model: provider.textEmbeddingModel("no-such-org/no-such-model"), value: "x" }),
      (e: unknown) => isEmbedkitError(e, "unknown_model"),
    );
  });

  test("dispose releases the provider's models; later calls fail with disposed", async () => {
    const own = createEmbedkit({ store: { offline: true } });
    const model = own.textEmbeddingModel(TEST_MODELS.e5Small);
    assert.equal((await embed({ model, value: "x" })).embedding.length, 384);
    await own.dispose();
    await assert.rejects(embed({ model, value: "x" }), (e: unknown) => isEmbedkitError(e, "disposed"));
    await assert.rejects(embed({ model: own.textEmbeddingModel(TEST_MODELS.miniLM), value: "x" }), (e: unknown) =>
      isEmbedkitError(e, "disposed"),
    );
  });
});
