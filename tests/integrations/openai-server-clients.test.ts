/**
 * The OpenAI-compatible server, unchanged, under the frameworks' own OpenAI embedding clients:
 * LangChain's `OpenAIEmbeddings` (@langchain/openai) and LlamaIndex's `OpenAIEmbedding`
 * (@llamaindex/openai), each pointed at the real server on loopback and driving its framework's
 * vector store. Both leave encoding_format to their openai client, which asks for base64.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import { OpenAIEmbeddings } from "@langchain/openai";
import { OpenAIEmbedding } from "@llamaindex/openai";
import { Document, Settings, VectorStoreIndex } from "llamaindex";
import type { TextEmbedding } from "../../src/index.js";
import { cosine, openServerTestModel, startTestServer, type TestServer } from "../server/harness.js";
import { DOCS, QUERIES } from "./corpus.js";

const TEXTS = DOCS.map((d) => d.text);

describe("OpenAI-compatible server with LangChain and LlamaIndex OpenAI clients", { timeout: 180_000 }, () => {
  let model: TextEmbedding;
  let server: TestServer;
  /** Request bodies the clients sent, seen through the fetch they use (passed through unchanged). */
  const bodies: Record<string, unknown>[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    if (typeof init?.body === "string") bodies.push(JSON.parse(init.body) as Record<string, unknown>);
    return fetch(input, init);
  };
  before(async () => {
    model = await openServerTestModel();
    server = await startTestServer(model, { apiKey: "test-key", servedModelName: "bge-small" });
  });
  after(async () => {
    await server?.close();
    await model?.dispose();
  });

  test("LangChain OpenAIEmbeddings: documents, query, dimensions, and a MemoryVectorStore", async () => {
    const lc = new OpenAIEmbeddings({
      model: "bge-small",
      apiKey: "test-key",
      maxRetries: 0,
      batchSize: 3, // several requests, sent concurrently by LangChain
      configuration: { baseURL: `${server.url}/v1`, fetch: recordingFetch },
    });
    bodies.length = 0;
    const docs = await lc.embedDocuments(TEXTS);
    assert.equal(bodies.length, 3);
    // @langchain/openai sends no encoding_format; the openai client then asks for base64 and decodes it.
    assert.ok(bodies.every((b) => b["encoding_format"] === "base64"));
    const expected = await model.embedAll(TEXTS); // the server embeds texts as given (no prompt)
    docs.forEach((d, i) => assert.ok(cosine(d, expected[i]!) >= 0.99999, `document ${i}`));
    const q = await lc.embedQuery(QUERIES[0].query);
    assert.ok(cosine(q, (await model.embedAll([QUERIES[0].query]))[0]!) >= 0.99999);

    const small = new OpenAIEmbeddings({
      model: "bge-small",
      apiKey: "test-key",
      dimensions: 128,
      maxRetries: 0,
      configuration: { baseURL: `${server.url}/v1` },
    });
    const [d128] = await small.embedDocuments([TEXTS[0]!]);
    assert.equal(d128!.length, 128);
    assert.ok(cosine(d128!, (await model.embedAll([TEXTS[0]!], { dimensions: 128 }))[0]!) >= 0.99999);

    const store = await MemoryVectorStore.fromTexts(
      TEXTS,
      DOCS.map((d) => ({ id: d.id })),
      lc,
    );
    for (const { query, expected: id } of QUERIES) {
      const [top] = await store.similaritySearch(query, 1);
      assert.equal(top!.metadata["id"], id, query);
    }

    const wrongKey = new OpenAIEmbeddings({
      model: "bge-small",
      apiKey: "wrong",
      maxRetries: 0,
      configuration: { baseURL: `${server.url}/v1` },
    });
    await assert.rejects(wrongKey.embedQuery("x"), (e: unknown) => (e as { status?: number }).status === 401);
  });

  test("LlamaIndex OpenAIEmbedding: texts, query, and a VectorStoreIndex retrieval", async () => {
    const li = new OpenAIEmbedding({
      model: "bge-small",
      apiKey: "test-key",
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
      additionalSessionOptions: { fetch: recordingFetch },
    });
    bodies.length = 0;
    const vectors = await li.getTextEmbeddingsBatch(TEXTS);
    // @llamaindex/openai sends none either; its openai client (v5) asks for base64 too.
    assert.ok(bodies.length >= 1 && bodies.every((b) => b["encoding_format"] === "base64"));
    const expected = await model.embedAll(TEXTS);
    vectors.forEach((v, i) => assert.ok(cosine(v, expected[i]!) >= 0.99999, `text ${i}`));

    const documents = DOCS.map((d) => new Document({ text: d.text, id_: d.id, metadata: { id: d.id } }));
    await Settings.withEmbedModel(li, async () => {
      const index = await VectorStoreIndex.fromDocuments(documents);
      const retriever = index.asRetriever({ similarityTopK: 1 });
      for (const { query, expected: id } of QUERIES) {
        const [top] = await retriever.retrieve({ query });
        assert.equal(top!.node.metadata["id"], id, query);
      }
    });
  });
});
