/**
 * embedkit/langchain's EmbedkitRerank against the real @langchain/core `BaseDocumentCompressor`
 * contract, inside LangChain's real `ContextualCompressionRetriever` over a real
 * `MemoryVectorStore`, on real models from the cache (offline).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ContextualCompressionRetriever } from "@langchain/classic/retrievers/contextual_compression";
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import { Document } from "@langchain/core/documents";
import { BaseDocumentCompressor } from "@langchain/core/retrievers/document_compressors";
import { isEmbedkitError, type TextCrossEncoder, type TextEmbedding } from "../../src/index.js";
import { EmbedkitEmbeddings, EmbedkitRerank } from "../../src/integrations/langchain.js";
import { openTestCrossEncoder, TEST_CROSS_ENCODER } from "../helpers/cross-encoder.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const OFFLINE = { store: { offline: true } } as const;

// The test cross-encoder is trained on STS-B (sentence similarity), so the corpus is sentences
// with one paraphrase per query and one near miss.
const DOCS = [
  { id: "guitar", text: "A man is playing the guitar on stage." },
  { id: "onion", text: "A woman is slicing an onion in the kitchen." },
  { id: "instrument", text: "Someone plays an acoustic instrument." },
  { id: "stocks", text: "The stock market fell sharply today." },
  { id: "chef", text: "A chef chops vegetables with a knife." },
  { id: "dog", text: "A dog runs across the grassy field." },
  { id: "rates", text: "Shares dropped after the bank raised interest rates." },
  { id: "puppy", text: "A puppy is chasing a ball in the park." },
] as const;
const QUERIES = [
  { query: "A man is playing a guitar.", expected: "guitar" },
  { query: "A woman is cutting an onion.", expected: "onion" },
  { query: "Stock prices fell.", expected: "stocks" },
  { query: "A dog is running on the grass.", expected: "dog" },
] as const;

describe("embedkit/langchain EmbedkitRerank", { timeout: 180_000 }, () => {
  let ce: TextCrossEncoder;
  let bge: TextEmbedding;
  let store: MemoryVectorStore;
  before(async () => {
    ce = await openTestCrossEncoder();
    bge = await openTestModel(TEST_MODELS.bgeSmallEn);
    store = await MemoryVectorStore.fromTexts(
      DOCS.map((d) => d.text),
      DOCS.map((d) => ({ id: d.id })),
      new EmbedkitEmbeddings({ textEmbedding: bge }),
    );
  });
  after(async () => {
    await ce?.dispose();
    await bge?.dispose();
  });

  test("inside ContextualCompressionRetriever: TextCrossEncoder's own order, scores in metadata.relevanceScore", async () => {
    const compressor = new EmbedkitRerank({ model: TEST_CROSS_ENCODER, topN: 3, ...OFFLINE });
    assert.ok(compressor instanceof BaseDocumentCompressor);
    const baseRetriever = store.asRetriever({ k: DOCS.length });
    const retriever = new ContextualCompressionRetriever({ baseCompressor: compressor, baseRetriever });
    try {
      for (const { query, expected } of QUERIES) {
        const reranked = await retriever.invoke(query);
        assert.equal(reranked.length, 3, query);
        // The same candidates scored by the engine directly, in the order the vector store gave them.
        const candidates = await baseRetriever.invoke(query);
        const own = await ce.rerank(
          query,
          candidates.map((d) => d.pageContent),
          { topK: 3 },
        );
        assert.deepEqual(
          reranked.map((d) => d.metadata["id"]),
          own.map((r) => candidates[r.index]!.metadata["id"]),
          query,
        );
        reranked.forEach((d, i) => {
          const score = d.metadata["relevanceScore"] as number;
          assert.ok(Math.abs(score - own[i]!.score) < 1e-5, `${query}: score ${i}`);
          if (i > 0) assert.ok(score <= (reranked[i - 1]!.metadata["relevanceScore"] as number));
        });
        assert.equal(reranked[0]!.metadata["id"], expected, query);
      }
    } finally {
      await compressor.dispose();
    }
  });

  test("keeps metadata and ids, returns new documents; topN above the count keeps all; [] gives []", async () => {
    const compressor = new EmbedkitRerank({ crossEncoder: ce, topN: 50 });
    const docs = DOCS.map(
      (d, i) =>
        new Document<Record<string, unknown>>({ pageContent: d.text, metadata: { id: d.id, n: i }, id: `doc-${i}` }),
    );
    const out = await compressor.compressDocuments(docs, QUERIES[1].query);
    assert.equal(out.length, docs.length);
    const scores = await ce.rerankPairs(docs.map((d) => [QUERIES[1].query, d.pageContent]));
    for (const d of out) {
      const n = d.metadata["n"] as number;
      assert.equal(d.id, `doc-${n}`);
      assert.equal(d.pageContent, docs[n]!.pageContent);
      assert.ok(Math.abs((d.metadata["relevanceScore"] as number) - scores[n]!) < 1e-5);
      assert.equal(docs[n]!.metadata["relevanceScore"], undefined, "the input documents are not modified");
    }
    assert.deepEqual(await compressor.compressDocuments([], "anything"), []);
    const top1 = await compressor.rerank(docs, QUERIES[0].query, { topN: 1 });
    assert.equal(top1.length, 1);
    assert.equal(docs[top1[0]!.index]!.metadata["id"], QUERIES[0].expected);
    assert.equal(new EmbedkitRerank({ crossEncoder: ce }).topN, 3, "default topN");
  });

  test("bad input: topN out of range, empty query, non-string pageContent; the compressor keeps working", async () => {
    for (const topN of [0, -1, 1.5, Number.NaN, "3" as unknown as number]) {
      assert.throws(
        () => new EmbedkitRerank({ crossEncoder: ce, topN }),
        (e: unknown) =>
          isEmbedkitError(e, "invalid_option") &&
          /topN must be an integer >= 1/.test(e.message) &&
          (e.details as { field?: string }).field === "topN",
        String(topN),
      );
    }
    const compressor = new EmbedkitRerank({ crossEncoder: ce });
    const docs = DOCS.map((d) => new Document({ pageContent: d.text }));
    await assert.rejects(compressor.rerank(docs, "q", { topN: 0 }), (e: unknown) =>
      isEmbedkitError(e, "invalid_option"),
    );
    for (const query of ["", "   "]) {
      await assert.rejects(
        compressor.compressDocuments(docs, query),
        (e: unknown) => isEmbedkitError(e, "invalid_input") && /query must not be empty/.test(e.message),
      );
    }
    // Through the retriever too: the empty query reaches the compressor, which refuses it.
    const retriever = new ContextualCompressionRetriever({
      baseCompressor: compressor,
      baseRetriever: store.asRetriever({ k: 4 }),
    });
    await assert.rejects(retriever.invoke(""), (e: unknown) => isEmbedkitError(e, "invalid_input"));
    await assert.rejects(
      compressor.compressDocuments([docs[0]!, { pageContent: 7, metadata: {} } as unknown as Document], "q"),
      (e: unknown) => isEmbedkitError(e, "invalid_input") && /documents\[1\]\.pageContent/.test(e.message),
    );
    assert.equal((await compressor.compressDocuments(docs, QUERIES[2].query)).length, 3);
  });

  test("lazy creation: a bad model rejects on first call; dispose releases an owned reranker only", async () => {
    const bad = new EmbedkitRerank({ model: "no-such-org/no-such-reranker", ...OFFLINE }); // no throw yet
    await assert.rejects(bad.compressDocuments([new Document({ pageContent: "x" })], "q"), (e: unknown) =>
      isEmbedkitError(e),
    );
    const owned = new EmbedkitRerank({ model: TEST_CROSS_ENCODER, ...OFFLINE });
    const model = await owned.crossEncoder();
    await owned.dispose();
    await assert.rejects(owned.compressDocuments([], "q"), (e: unknown) => isEmbedkitError(e, "disposed"));
    await assert.rejects(model.rerank("q", ["d"]), (e: unknown) => isEmbedkitError(e, "disposed"));
    const shared = new EmbedkitRerank({ crossEncoder: ce });
    await shared.dispose();
    await assert.rejects(shared.compressDocuments([], "q"), (e: unknown) => isEmbedkitError(e, "disposed"));
    assert.equal((await ce.rerank("q", ["the owner's reranker still works"])).length, 1);
  });
});
