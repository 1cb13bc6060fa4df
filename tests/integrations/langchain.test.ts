/**
 * embedkit/langchain against the real @langchain/core `Embeddings` contract and a real
 * LangChain `MemoryVectorStore`, on real models from the cache (offline).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import { Embeddings } from "@langchain/core/embeddings";
import { cosineSimilarity, isEmbedkitError, type TextEmbedding } from "../../src/index.js";
import { EmbedkitEmbeddings } from "../../src/integrations/langchain.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { DOCS, QUERIES } from "./corpus.js";

const OFFLINE = { store: { offline: true } } as const;
const cos = (a: number[], b: Float32Array): number => cosineSimilarity(Float32Array.from(a), b);

describe("embedkit/langchain", { timeout: 180_000 }, () => {
  let e5: TextEmbedding;
  before(async () => {
    e5 = await openTestModel(TEST_MODELS.e5Small);
  });
  after(async () => {
    await e5?.dispose();
  });

  test("is a LangChain Embeddings; documents get the passage prompt, queries the query prompt", async () => {
    const embeddings = new EmbedkitEmbeddings({ textEmbedding: e5 });
    assert.ok(embeddings instanceof Embeddings);
    const texts = DOCS.map((d) => d.text);
    const docs = await embeddings.embedDocuments(texts);
    assert.equal(docs.length, texts.length);
    // E5's prefixes written out by hand, embedded as plain text: the integration must agree.
    const byHand = await e5.embedAll(texts.map((t) => `passage: ${t}`));
    docs.forEach((d, i) => {
      assert.equal(d.length, 384);
      assert.ok(Array.isArray(d) && typeof d[0] === "number");
      assert.ok(cos(d, byHand[i]!) >= 0.99999, `document ${i}`);
    });
    const q = await embeddings.embedQuery(QUERIES[0].query);
    const [qByHand] = await e5.embedAll([`query: ${QUERIES[0].query}`]);
    assert.ok(cos(q, qByHand!) >= 0.99999);
    const [plain] = await e5.embedAll([QUERIES[0].query]);
    assert.ok(cos(q, plain!) < 0.999, "the query prompt changes the vector");
    assert.deepEqual(await embeddings.embedDocuments([]), []);
  });

  test("a MemoryVectorStore built from texts retrieves the relevant document (bge-small-en-v1.5)", async () => {
    const embeddings = new EmbedkitEmbeddings({ model: TEST_MODELS.bgeSmallEn, ...OFFLINE });
    try {
      const store = await MemoryVectorStore.fromTexts(
        DOCS.map((d) => d.text),
        DOCS.map((d) => ({ id: d.id })),
        embeddings,
      );
      const model = await embeddings.textEmbedding();
      for (const { query, expected } of QUERIES) {
        const hits = await store.similaritySearchWithScore(query, 3);
        assert.equal(hits[0]![0].metadata["id"], expected, query);
        // The store's score is the cosine of embedkit's own query and passage vectors.
        const q = await model.queryEmbed(query);
        const d = await model.passageEmbed(hits[0]![0].pageContent);
        assert.ok(Math.abs(hits[0]![1] - cosineSimilarity(q, d)) < 1e-5);
      }
      const retriever = store.asRetriever({ k: 1 });
      const [top] = await retriever.invoke("Which city is the capital of Japan?");
      assert.equal(top!.metadata["id"], "tokyo");
    } finally {
      await embeddings.dispose();
    }
  });

  test("the model is created on first use; a failed creation is reported and retried", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "embedkit-lc-")), "model");
    // E5's facts given explicitly: a bare cache folder holds no sentence-transformers files.
    const facts = {
      pooling: "mean",
      dim: 384,
      maxTokens: 512,
      prompts: { query: "query: ", passage: "passage: " },
    } as const;
    const embeddings = new EmbedkitEmbeddings({ model: dir, ...facts, ...OFFLINE }); // no folder yet, no throw
    try {
      await assert.rejects(embeddings.embedQuery("x"), (e: unknown) => isEmbedkitError(e, "unknown_model"));
      await symlink(e5.modelDir, dir); // the folder appears: the next call creates the model
      const q = await embeddings.embedQuery(QUERIES[0].query);
      assert.ok(cos(q, await e5.queryEmbed(QUERIES[0].query)) >= 0.99999);
    } finally {
      await embeddings.dispose();
      await rm(dirname(dir), { recursive: true, force: true });
    }
  });

  test("bad input is a typed error naming the input, and the embeddings keep working", async () => {
    const embeddings = new EmbedkitEmbeddings({ textEmbedding: e5 });
    await assert.rejects(
      embeddings.embedDocuments(["fine", 42 as unknown as string]),
      (e: unknown) => isEmbedkitError(e, "invalid_input") && /inputs\[1\]/.test(e.message),
    );
    await assert.rejects(embeddings.embedQuery(null as unknown as string), (e: unknown) =>
      isEmbedkitError(e, "invalid_input"),
    );
    await assert.rejects(
      new EmbedkitEmbeddings({ model: TEST_MODELS.e5Small, batchSize: 0, ...OFFLINE }).embedQuery("x"),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && /batchSize/.test(e.message),
    );
    assert.equal((await embeddings.embedDocuments(["still fine"])).length, 1);
  });

  test("dispose releases an owned model; a shared one is left to its owner", async () => {
    const owned = new EmbedkitEmbeddings({ model: TEST_MODELS.e5Small, ...OFFLINE });
    const model = await owned.textEmbedding();
    await owned.dispose();
    await assert.rejects(owned.embedQuery("x"), (e: unknown) => isEmbedkitError(e, "disposed"));
    assert.throws(
      () => model.tokenizer,
      (e: unknown) => isEmbedkitError(e, "disposed"),
    );

    const shared = new EmbedkitEmbeddings({ textEmbedding: e5 });
    await shared.dispose();
    await assert.rejects(shared.embedQuery("x"), (e: unknown) => isEmbedkitError(e, "disposed"));
    assert.equal((await e5.embedAll(["the owner's model still works"])).length, 1);
  });
});
