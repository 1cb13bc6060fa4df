/**
 * embedkit/llamaindex against the real LlamaIndex.TS `BaseEmbedding` and a real
 * `VectorStoreIndex` (in-memory SimpleVectorStore), retriever only: no LLM is configured or
 * called. Real models from the cache, offline.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BaseEmbedding } from "@llamaindex/core/embeddings";
import { Document, MetadataMode, Settings, VectorStoreIndex } from "llamaindex";
import { cosineSimilarity, isEmbedkitError, type TextEmbedding } from "../../src/index.js";
import { EmbedkitEmbedding } from "../../src/integrations/llamaindex.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { DOCS, QUERIES } from "./corpus.js";

const OFFLINE = { store: { offline: true } } as const;
const cos = (a: number[], b: Float32Array): number => cosineSimilarity(Float32Array.from(a), b);

describe("embedkit/llamaindex", { timeout: 180_000 }, () => {
  let e5: TextEmbedding;
  before(async () => {
    e5 = await openTestModel(TEST_MODELS.e5Small);
  });
  after(async () => {
    await e5?.dispose();
  });

  test("is a BaseEmbedding; texts get the passage prompt, queries the query prompt", async () => {
    const embedding = new EmbedkitEmbedding({ textEmbedding: e5 });
    assert.ok(embedding instanceof BaseEmbedding);
    const texts = DOCS.map((d) => d.text);
    const byHand = await e5.embedAll(texts.map((t) => `passage: ${t}`));
    // Through LlamaIndex's own batching (embedBatchSize 3 here: three calls, in order).
    const small = new EmbedkitEmbedding({ textEmbedding: e5, embedBatchSize: 3 });
    const progress: number[] = [];
    const batched = await small.getTextEmbeddingsBatch(texts, { progressCallback: (done) => progress.push(done) });
    assert.deepEqual(progress, [3, 6, 8]);
    batched.forEach((v, i) => assert.ok(cos(v, byHand[i]!) >= 0.99999, `text ${i}`));
    assert.ok(cos(await embedding.getTextEmbedding(texts[0]!), byHand[0]!) >= 0.99999);
    const q = await embedding.getQueryEmbedding({ type: "text", text: QUERIES[0].query });
    const [qByHand] = await e5.embedAll([`query: ${QUERIES[0].query}`]);
    assert.ok(cos(q!, qByHand!) >= 0.99999);
    assert.equal(await embedding.getQueryEmbedding({ type: "image_url", image_url: { url: "http://x/y.png" } }), null);
    assert.equal(embedding.embedInfo?.dimensions, 384);
  });

  test("a VectorStoreIndex retrieves the relevant document (bge-small-en-v1.5), no LLM involved", async () => {
    const embedding = new EmbedkitEmbedding({ model: TEST_MODELS.bgeSmallEn, ...OFFLINE });
    try {
      const documents = DOCS.map((d) => new Document({ text: d.text, id_: d.id, metadata: { id: d.id } }));
      const index = await Settings.withEmbedModel(embedding, () => VectorStoreIndex.fromDocuments(documents));
      const retriever = index.asRetriever({ similarityTopK: 3 });
      const model = await embedding.textEmbedding();
      for (const { query, expected } of QUERIES) {
        const hits = await Settings.withEmbedModel(embedding, () => retriever.retrieve({ query }));
        assert.equal(hits[0]!.node.metadata["id"], expected, query);
        // The index's score is the cosine of embedkit's query vector and the node's passage vector.
        const q = await model.queryEmbed(query);
        const d = await model.passageEmbed(hits[0]!.node.getContent(MetadataMode.EMBED));
        assert.ok(Math.abs(hits[0]!.score! - cosineSimilarity(q, d)) < 1e-5);
      }
    } finally {
      await embedding.dispose();
    }
  });

  test("bad input is a typed error, and dispose makes later calls fail with disposed", async () => {
    const embedding = new EmbedkitEmbedding({ model: TEST_MODELS.e5Small, ...OFFLINE });
    await assert.rejects(
      embedding.getTextEmbeddings(["fine", 7 as unknown as string]),
      (e: unknown) => isEmbedkitError(e, "invalid_input") && /inputs\[1\]/.test(e.message),
    );
    assert.equal((await embedding.getTextEmbeddings(["still fine"])).length, 1);
    await embedding.dispose();
    await assert.rejects(embedding.getTextEmbedding("x"), (e: unknown) => isEmbedkitError(e, "disposed"));
    await assert.rejects(
      new EmbedkitEmbedding({ model: "no-such-org/no-such-model", ...OFFLINE }).getTextEmbedding("x"),
      (e: unknown) => isEmbedkitError(e, "unknown_model"),
    );
  });
});
