/**
 * TEI compatibility, case by case against what TEI's router does (huggingface/
 * text-embeddings-inference, router/src/http/server.rs and router/src/lib.rs): its extra embed
 * and health routes, its statuses and `error_type` values, its integer timing headers; and the
 * HTTP details around them (HEAD, Content-Type, OpenAI's GET /v1/models).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { call, cosine, openServerTestModel, startTestServer, type TestServer } from "./harness.js";

type TeiError = { error: string; error_type: string };
type OpenAIError = { error: { message: string; type: string; param: string | null; code: string } };

const LONG = Array.from({ length: 700 }, (_, i) => `word${i % 37}`).join(" ");

describe("TEI compatibility", { timeout: 120_000 }, () => {
  let model: TextEmbedding;
  let server: TestServer;
  let url: string;
  before(async () => {
    model = await openServerTestModel();
    server = await startTestServer(model, { maxClientBatchSize: 8, maxQueuedInputs: 64, maxInputChars: 5000 });
    url = server.url;
  });
  after(async () => {
    await server?.close();
    await model?.dispose();
  });

  test('POST / and POST /invocations are the embed route (TEI: `.route("/", post(embed))`, SageMaker\'s /invocations)', async () => {
    const texts = ["A man is playing a guitar.", "東京は日本の首都です。"];
    const expected = await model.embedAll(texts);
    for (const path of ["/", "/invocations", "/embed"]) {
      const r = await call(url, path, { body: { inputs: texts } });
      assert.equal(r.status, 200, `${path}: ${r.text}`);
      const vectors = r.body as number[][];
      assert.equal(vectors.length, 2);
      vectors.forEach((v, i) => assert.ok(cosine(v, expected[i]!) >= 0.99999, `${path} inputs[${i}]`));
    }
  });

  test("GET /, GET /ping and GET /health are the health route (TEI: public_routes); HEAD answers like GET", async () => {
    for (const path of ["/", "/ping", "/health"]) {
      const r = await call(url, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.text, "");
      const head = await call(url, path, { method: "HEAD" });
      assert.equal(head.status, 200, `HEAD ${path}`);
    }
    // HEAD on a GET route with a body: the same headers (content-length included), no body.
    for (const path of ["/info", "/metrics", "/openapi.json", "/v1/models"]) {
      const get = await call(url, path);
      const head = await call(url, path, { method: "HEAD" });
      assert.equal(head.status, 200, `HEAD ${path}`);
      assert.equal(head.text, "", `HEAD ${path} has no body`);
      assert.equal(head.headers.get("content-type"), get.headers.get("content-type"));
      if (path !== "/metrics") assert.equal(head.headers.get("content-length"), get.headers.get("content-length"));
    }
    const options = await call(url, "/", { method: "OPTIONS" });
    assert.equal(options.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
  });

  test("statuses and error_type values match TEI's, case by case", async () => {
    // Expected values from TEI's source: `impl From<&ErrorType> for StatusCode` in
    // router/src/http/server.rs (Unhealthy 503, Backend 424, Overloaded 429, Tokenizer 422,
    // Validation 422, Empty 400) and `pub enum ErrorType` in router/src/lib.rs, serialized as
    // its variant names. Body-level refusals are axum's (Json extractor: 400 syntax, 422 data).
    const cases: { what: string; body: unknown; status: number; type: string; message: RegExp }[] = [
      // core/src/tokenization.rs: `inputs.is_empty()` -> TextEmbeddingsError::Empty
      { what: "empty string", body: { inputs: "" }, status: 400, type: "Empty", message: /empty string/ },
      // router/src/http/server.rs embed: `inputs.is_empty()` -> ErrorType::Empty
      { what: "empty list", body: { inputs: [] }, status: 400, type: "Empty", message: /`inputs` is empty/ },
      // core/src/tokenization.rs: "`inputs` must have less than {max_input_length} tokens" -> Validation
      { what: "over-long input", body: { inputs: LONG }, status: 422, type: "Validation", message: /1402 tokens/ },
      // core/src/tokenization.rs: "`inputs` must have less than {limit} characters" -> Validation
      {
        what: "too many characters",
        body: { inputs: "w".repeat(5001) },
        status: 422,
        type: "Validation",
        message: /5001 characters; the limit is 5000/,
      },
      // router/src/http/server.rs embed: "batch size {n} > maximum allowed batch size" -> Validation
      {
        what: "too many inputs",
        body: { inputs: Array.from({ length: 9 }, () => "a") },
        status: 422,
        type: "Validation",
        message: /holds 9 inputs; the limit is 8/,
      },
      // axum's Json extractor: JsonDataError is 422, JsonSyntaxError is 400
      { what: "wrong type", body: { inputs: 42 }, status: 422, type: "Validation", message: /must be a string/ },
      { what: "bad JSON", body: "{nope", status: 400, type: "Validation", message: /not valid JSON/ },
    ];
    for (const c of cases) {
      const r = await call(url, "/embed", { body: c.body });
      assert.equal(r.status, c.status, `${c.what}: ${r.text}`);
      assert.equal((r.body as TeiError).error_type, c.type, c.what);
      assert.match((r.body as TeiError).error, c.message, c.what);
    }
    // No route: axum's 404 (TEI has no fallback); a wrong method: axum's 405.
    assert.equal((await call(url, "/v2/embed", { body: { inputs: "x" } })).status, 404);
    assert.equal((await call(url, "/invocations")).status, 405);
  });

  test("timing headers are whole milliseconds and x-compute-time is sent, as TEI's ResponseMetadata", async () => {
    for (const [path, body] of [
      ["/embed", { inputs: ["timing", "headers"] }],
      ["/", { inputs: "timing" }],
      ["/v1/embeddings", { input: "timing" }],
    ] as const) {
      const r = await call(url, path, { body });
      assert.equal(r.status, 200);
      // router/src/lib.rs `impl From<ResponseMetadata> for HeaderMap`: `.as_millis().to_string()`.
      for (const h of ["x-compute-time", "x-total-time", "x-tokenization-time", "x-queue-time", "x-inference-time"]) {
        assert.match(r.headers.get(h) ?? "(missing)", /^\d+$/, `${path} ${h}`);
      }
      assert.ok(Number(r.headers.get("x-compute-time")) <= Number(r.headers.get("x-total-time")) + 1);
      assert.match(r.headers.get("x-compute-tokens") ?? "", /^\d+$/);
      assert.match(r.headers.get("x-compute-characters") ?? "", /^\d+$/);
    }
  });

  test("JSON routes need Content-Type application/json: 415 otherwise, in the route's error style", async () => {
    // axum's Json extractor (TEI): a missing or non-JSON content type is 415 Unsupported Media Type.
    const body = JSON.stringify({ inputs: "hello" });
    for (const type of [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonp",
      "",
    ]) {
      const r = await call(url, "/embed", { body, headers: { "content-type": type } });
      assert.equal(r.status, 415, `${JSON.stringify(type)}: ${r.text}`);
      assert.equal((r.body as TeiError).error_type, "Validation");
      assert.match((r.body as TeiError).error, /Content-Type/);
    }
    const missing = await fetch(`${url}/embed`, { method: "POST", body: new Uint8Array(Buffer.from(body)) });
    assert.equal(missing.status, 415);
    assert.match(((await missing.json()) as TeiError).error, /has no Content-Type/);
    const oa = await call(url, "/v1/embeddings", {
      body: JSON.stringify({ input: "x" }),
      headers: { "content-type": "text/plain" },
    });
    assert.equal(oa.status, 415);
    assert.equal((oa.body as OpenAIError).error.code, "unsupported_media_type");
    assert.equal((oa.body as OpenAIError).error.type, "invalid_request_error");
    assert.equal((oa.body as OpenAIError).error.param, "content-type");
    for (const type of ["application/json; charset=utf-8", "Application/JSON", "application/vnd.embed+json"]) {
      const ok = await call(url, "/embed", { body, headers: { "content-type": type } });
      assert.equal(ok.status, 200, `${type}: ${ok.text}`);
    }
    // Routes without a body take any content type.
    assert.equal((await call(url, "/health", { headers: { "content-type": "text/plain" } })).status, 200);
  });

  test("GET /v1/models lists the served model in OpenAI's shape", async () => {
    const r = await call(url, "/v1/models");
    assert.equal(r.status, 200);
    const list = r.body as {
      object: string;
      data: { id: string; object: string; created: number; owned_by: string }[];
    };
    assert.equal(list.object, "list");
    assert.equal(list.data.length, 1);
    const [m] = list.data;
    assert.equal(m!.id, "BAAI/bge-small-en-v1.5");
    assert.equal(m!.object, "model");
    assert.equal(m!.owned_by, "BAAI");
    assert.ok(
      Number.isInteger(m!.created) && Math.abs(m!.created - Date.now() / 1000) < 600,
      "created is a Unix time in seconds",
    );
    const post = await call(url, "/v1/models", { body: {} });
    assert.equal(post.status, 405);
    assert.equal((post.body as OpenAIError).error.code, "method_not_allowed");
  });
});
