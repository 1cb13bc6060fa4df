/**
 * The official `openai` npm client, unchanged, against the server: strings, arrays, base64 (the
 * client's default) and float encodings, dimensions, usage, errors, and the API key.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import OpenAI from "openai";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { cosine, openServerTestModel, startTestServer, type TestServer } from "./harness.js";

const TEXTS = ["The cat sat on the mat.", "Vectors for search.", "Un texte en français."];

describe("openai client", { timeout: 120_000 }, () => {
  let model: TextEmbedding;
  let server: TestServer;
  let client: OpenAI;
  before(async () => {
    model = await openServerTestModel();
    server = await startTestServer(model, { apiKey: "test-key", servedModelName: "bge-small" });
    client = new OpenAI({ apiKey: "test-key", baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 30_000 });
  });
  after(async () => {
    await server?.close();
    await model?.dispose();
  });

  test("embeddings.create with a string (the client asks for base64 and decodes it)", async () => {
    const r = await client.embeddings.create({ model: "bge-small", input: TEXTS[0]! });
    assert.equal(r.object, "list");
    assert.equal(r.model, "bge-small");
    assert.equal(r.data.length, 1);
    const expected = (await model.embedAll([TEXTS[0]!]))[0]!;
    assert.equal(r.data[0]!.embedding.length, 384);
    assert.ok(cosine(r.data[0]!.embedding, expected) >= 0.99999);
    const [tokens] = await model.tokenCount(TEXTS[0]!);
    assert.equal(r.usage.prompt_tokens, tokens);
    assert.equal(r.usage.total_tokens, tokens);
  });

  test("an array, as float and as base64, equals embedAll", async () => {
    const expected = await model.embedAll(TEXTS);
    const asFloat = await client.embeddings.create({ model: "x", input: TEXTS, encoding_format: "float" });
    const asBase64 = await client.embeddings.create({ model: "x", input: TEXTS, encoding_format: "base64" });
    assert.deepEqual(
      asFloat.data.map((d) => d.index),
      [0, 1, 2],
    );
    asFloat.data.forEach((d, i) => assert.ok(cosine(d.embedding, expected[i]!) >= 0.99999));
    // The client returns the base64 string as is when asked for it explicitly.
    asBase64.data.forEach((d, i) => {
      const bytes = Buffer.from(d.embedding as unknown as string, "base64");
      const v = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      assert.deepEqual(Array.from(v), asFloat.data[i]!.embedding);
    });
  });

  test("dimensions truncates and renormalizes", async () => {
    const r = await client.embeddings.create({ model: "x", input: TEXTS, dimensions: 128, encoding_format: "float" });
    const expected = await model.embedAll(TEXTS, { dimensions: 128 });
    r.data.forEach((d, i) => {
      assert.equal(d.embedding.length, 128);
      assert.ok(Math.abs(Math.hypot(...d.embedding) - 1) < 1e-5);
      assert.ok(cosine(d.embedding, expected[i]!) >= 0.99999);
    });
  });

  test("errors arrive as the client's typed errors with OpenAI's shape", async () => {
    const long = "token ".repeat(600);
    await assert.rejects(client.embeddings.create({ model: "x", input: [long] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.status, 400);
      assert.equal(e.code, "input_too_long");
      assert.equal(e.param, "input");
      assert.match(e.message, /`input\[0\]` has 602 tokens; the limit is 512/);
      return true;
    });
    await assert.rejects(client.embeddings.create({ model: "x", input: "" }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.code, "empty_input");
      return true;
    });
  });

  test("a wrong API key is a 401 AuthenticationError", async () => {
    const wrong = new OpenAI({ apiKey: "nope", baseURL: `${server.url}/v1`, maxRetries: 0 });
    await assert.rejects(wrong.embeddings.create({ model: "x", input: "hi" }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.AuthenticationError);
      assert.equal(e.status, 401);
      assert.equal(e.code, "invalid_api_key");
      return true;
    });
  });
});
