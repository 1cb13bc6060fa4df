/**
 * Every route of the real server (bge-small-en-v1.5 on loopback), the vectors it returns
 * (equal to the engine's embedAll, TEI /embed equal to the OpenAI route), and every kind of
 * bad request: bad JSON, wrong types, empty inputs, over-long inputs, unknown routes.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { call, cosine, openServerTestModel, startTestServer, type TestServer } from "./harness.js";

const TEXTS = [
  "A man is playing a guitar.",
  "Embeddings map text to vectors.",
  "東京は日本の首都です。",
  "café 🎉 naïve",
  "   ",
];
const LONG = Array.from({ length: 700 }, (_, i) => `word${i % 37}`).join(" ");

type TeiError = { error: string; error_type: string };
type OpenAIBody = {
  data: { embedding: number[]; index: number }[];
  usage: { prompt_tokens: number; total_tokens: number };
  model: string;
};

describe("server routes", { timeout: 120_000 }, () => {
  let model: TextEmbedding;
  let server: TestServer;
  let url: string;
  before(async () => {
    model = await openServerTestModel();
    server = await startTestServer(model);
    url = server.url;
  });
  after(async () => {
    await server?.close();
    await model?.dispose();
  });

  test("GET /health and /info", async () => {
    const h = await call(url, "/health");
    assert.equal(h.status, 200);
    const info = await call(url, "/info");
    assert.equal(info.status, 200);
    assert.deepEqual(
      { ...(info.body as object) },
      {
        model_id: "BAAI/bge-small-en-v1.5",
        model_sha: null,
        model_dtype: "float32",
        model_type: { embedding: { pooling: "cls" } },
        dimension: 384,
        max_concurrent_requests: 512,
        max_input_length: 512,
        max_batch_tokens: 2048,
        max_batch_requests: 32,
        max_client_batch_size: 2048,
        auto_truncate: false,
        batching: true,
        version: "test",
      },
    );
  });

  test("POST /embed equals embedAll (cosine >= 0.99999), for a string and a list", async () => {
    const expected = await model.embedAll(TEXTS);
    const list = await call(url, "/embed", { body: { inputs: TEXTS } });
    assert.equal(list.status, 200, list.text);
    const vectors = list.body as number[][];
    assert.equal(vectors.length, TEXTS.length);
    vectors.forEach((v, i) => {
      assert.equal(v.length, 384);
      assert.ok(cosine(v, expected[i]!) >= 0.99999, `inputs[${i}]`);
    });
    const one = await call(url, "/embed", { body: { inputs: TEXTS[0] } });
    assert.equal((one.body as number[][]).length, 1);
    assert.ok(cosine((one.body as number[][])[0]!, expected[0]!) >= 0.99999);
  });

  test("/embed options: normalize, dimensions, prompt_name, truncate and its direction", async () => {
    const raw = (await call(url, "/embed", { body: { inputs: TEXTS[1], normalize: false } })).body as number[][];
    const norm = Math.hypot(...raw[0]!);
    assert.ok(Math.abs(norm - 1) > 1e-3, "normalize: false keeps the raw norm");
    const dims = (await call(url, "/embed", { body: { inputs: [TEXTS[1]], dimensions: 64 } })).body as number[][];
    const engineDims = await model.embedAll([TEXTS[1]!], { dimensions: 64 });
    assert.equal(dims[0]!.length, 64);
    assert.ok(cosine(dims[0]!, engineDims[0]!) >= 0.99999);
    const query = (await call(url, "/embed", { body: { inputs: "what is a guitar?", prompt_name: "query" } }))
      .body as number[][];
    assert.ok(cosine(query[0]!, await model.queryEmbed("what is a guitar?")) >= 0.99999);
    const right = (await call(url, "/embed", { body: { inputs: [LONG], truncate: true } })).body as number[][];
    assert.ok(cosine(right[0]!, (await model.embedAll([LONG], { truncate: true }))[0]!) >= 0.99999);
    const left = await call(url, "/embed", { body: { inputs: [LONG], truncate: true, truncation_direction: "Left" } });
    assert.equal(left.status, 200);
    const engineLeft = await model.embedAll([LONG], { truncate: true, truncationDirection: "left" });
    assert.ok(cosine((left.body as number[][])[0]!, engineLeft[0]!) >= 0.99999);
  });

  test("TEI /embed equals the OpenAI route", async () => {
    const tei = (await call(url, "/embed", { body: { inputs: TEXTS } })).body as number[][];
    const oa = (await call(url, "/v1/embeddings", { body: { input: TEXTS, model: "anything" } })).body as OpenAIBody;
    assert.equal(oa.model, "BAAI/bge-small-en-v1.5");
    oa.data.forEach((d, i) => {
      assert.equal(d.index, i);
      assert.ok(cosine(d.embedding, tei[i]!) >= 0.99999);
    });
    const alias = (await call(url, "/embeddings", { body: { input: TEXTS[0] } })).body as OpenAIBody;
    assert.ok(cosine(alias.data[0]!.embedding, tei[0]!) >= 0.99999);
  });

  test("OpenAI token-id input embeds the same as the text it tokenizes to", async () => {
    const tokens = (await call(url, "/tokenize", { body: { inputs: TEXTS[0] } })).body as { id: number }[][];
    const ids = tokens[0]!.map((t) => t.id);
    const byIds = (await call(url, "/v1/embeddings", { body: { input: ids } })).body as OpenAIBody;
    const byText = (await call(url, "/v1/embeddings", { body: { input: [TEXTS[0]] } })).body as OpenAIBody;
    assert.ok(cosine(byIds.data[0]!.embedding, byText.data[0]!.embedding) >= 0.99999);
    assert.equal(byIds.usage.prompt_tokens, ids.length);
    const nested = await call(url, "/v1/embeddings", { body: { input: [ids, ids.slice(0, 3)] } });
    assert.equal(nested.status, 200);
    const bad = await call(url, "/v1/embeddings", { body: { input: [101, 99999999, 102] } });
    assert.equal(bad.status, 400);
    assert.match((bad.body as { error: { message: string } }).error.message, /input\[0\]\[1\]` is token id 99999999/);
  });

  test("POST /tokenize and /decode", async () => {
    const t = await call(url, "/tokenize", { body: { inputs: ["café 🎉 naïve"] } });
    assert.equal(t.status, 200);
    const toks = (
      t.body as { id: number; text: string; special: boolean; start: number | null; stop: number | null }[][]
    )[0]!;
    assert.deepEqual(
      toks.map((x) => [x.text, x.special]),
      [
        ["[CLS]", true],
        ["café", false],
        ["🎉", false],
        ["naïve", false],
        ["[SEP]", true],
      ],
    );
    assert.equal("café 🎉 naïve".slice(toks[2]!.start!, toks[2]!.stop!), "🎉");
    const plain = (await call(url, "/tokenize", { body: { inputs: "hello", add_special_tokens: false } })).body as {
      text: string;
    }[][];
    assert.deepEqual(
      plain[0]!.map((x) => x.text),
      ["hello"],
    );
    const ids = toks.map((x) => x.id);
    const d = await call(url, "/decode", { body: { ids } });
    assert.deepEqual(d.body, ["cafe naive"], "special tokens ([CLS], [UNK], [SEP]) are skipped by default");
    const both = await call(url, "/decode", { body: { ids: [ids, ids], skip_special_tokens: false } });
    assert.deepEqual(both.body, ["[CLS] cafe [UNK] naive [SEP]", "[CLS] cafe [UNK] naive [SEP]"]);
    const bad = await call(url, "/decode", { body: { ids: [1, 2, 9999999] } });
    assert.equal(bad.status, 422);
    assert.match((bad.body as TeiError).error, /`ids\[2\]` is token id 9999999/);
  });

  test("bad JSON is 400; a body that is not an object, wrong types and missing fields are 422 naming the field", async () => {
    const cases: [unknown, number, RegExp][] = [
      ["{not json", 400, /not valid JSON/],
      ["", 400, /body is empty/],
      ['"just a string"', 422, /must be a JSON object/],
      [{}, 422, /`inputs` is required/],
      [{ inputs: 42 }, 422, /`inputs` must be a string or an array of strings, got 42 \(number\)/],
      [{ inputs: ["ok", 7] }, 422, /`inputs\[1\]` must be a string, got 7 \(number\)/],
      [{ inputs: "x", truncate: "yes" }, 422, /`truncate` must be a boolean/],
      [{ inputs: "x", dimensions: 0 }, 422, /`dimensions` must be at least 1/],
      [{ inputs: "x", dimensions: 385 }, 422, /`dimensions` must be from 1 to 384/],
      [{ inputs: "x", prompt_name: "nope" }, 422, /`prompt_name` must be one of "query", "passage", "symmetric"/],
    ];
    for (const [body, status, message] of cases) {
      const r = await call(url, "/embed", { body });
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
      // TEI's error_type values are its ErrorType variant names (router/src/lib.rs).
      assert.equal((r.body as TeiError).error_type, "Validation");
      assert.match((r.body as TeiError).error, message);
    }
  });

  test("empty input list and empty strings are 400 `Empty` (as TEI); whitespace is embedded", async () => {
    // TEI: an empty list or string is TextEmbeddingsError::Empty -> ErrorType::Empty -> 400
    // (core/src/tokenization.rs `inputs.is_empty()`; router/src/http/server.rs `From<&ErrorType> for StatusCode`).
    for (const body of [{ inputs: [] }, { inputs: "" }, { inputs: ["fine", ""] }]) {
      const r = await call(url, "/embed", { body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal((r.body as TeiError).error_type, "Empty");
    }
    assert.equal((await call(url, "/embed", { body: { inputs: "   " } })).status, 200);
    const oa = await call(url, "/v1/embeddings", { body: { input: [] } });
    assert.equal(oa.status, 400);
    assert.equal((oa.body as { error: { code: string } }).error.code, "empty_input");
  });

  test("over-long inputs: 422 on /embed naming the index and token count, 400 input_too_long on /v1", async () => {
    const tei = await call(url, "/embed", { body: { inputs: ["short", LONG] } });
    // TEI: over-long without truncate is TextEmbeddingsError::Validation -> 422 `Validation`
    // (core/src/tokenization.rs "`inputs` must have less than {max_input_length} tokens").
    assert.equal(tei.status, 422);
    assert.equal((tei.body as TeiError).error_type, "Validation");
    assert.match(
      (tei.body as TeiError).error,
      /`inputs\[1\]` has 1402 tokens; the limit is 512 \(send "truncate": true to cut it\)/,
    );
    const oa = await call(url, "/v1/embeddings", { body: { input: ["short", LONG] } });
    assert.equal(oa.status, 400);
    assert.deepEqual(oa.body, {
      error: {
        message: "`input[1]` has 1402 tokens; the limit is 512",
        type: "invalid_request_error",
        param: "input",
        code: "input_too_long",
      },
    });
    const wrongType = await call(url, "/v1/embeddings", { body: { input: { text: "x" } } });
    assert.equal(wrongType.status, 400);
    assert.equal((wrongType.body as { error: { type: string; param: string } }).error.param, "input");
  });

  test("a large client batch is split server-side, not refused", async () => {
    const texts = Array.from({ length: 140 }, (_, i) => `sentence ${i}`);
    const before = server.metrics.batchSize.totals().count;
    const r = await call(url, "/embed", { body: { inputs: texts } });
    assert.equal(r.status, 200);
    const vectors = r.body as number[][];
    assert.equal(vectors.length, 140);
    assert.ok(
      server.metrics.batchSize.totals().count - before >= 5,
      "140 inputs with --max-batch-size 32 take at least 5 calls",
    );
    const expected = await model.embedAll([texts[0]!, texts[139]!]);
    assert.ok(cosine(vectors[0]!, expected[0]!) >= 0.99999);
    assert.ok(cosine(vectors[139]!, expected[1]!) >= 0.99999);
  });

  test("unknown routes are 404, wrong methods 405 with Allow", async () => {
    // TEI (axum) answers these with a bare 404/405; the body here adds a message, and its
    // error_type stays within TEI's six values.
    const nf = await call(url, "/nope");
    assert.equal(nf.status, 404);
    assert.equal((nf.body as TeiError).error_type, "Validation");
    assert.match((nf.body as TeiError).error, /no route GET \/nope/);
    const na = await call(url, "/embed", { method: "GET" });
    assert.equal(na.status, 405);
    assert.equal(na.headers.get("allow"), "POST");
    const health = await call(url, "/health", { method: "POST", body: {} });
    assert.equal(health.status, 405);
    assert.equal(health.headers.get("allow"), "GET, HEAD");
  });

  test("request ids are honored or generated; timing headers; one JSON log line per request", async () => {
    const r = await call(url, "/embed", { body: { inputs: "timing" }, headers: { "x-request-id": "req-42" } });
    assert.equal(r.headers.get("x-request-id"), "req-42");
    for (const h of ["x-total-time", "x-tokenization-time", "x-queue-time", "x-inference-time"]) {
      assert.ok(Number(r.headers.get(h)) >= 0, h);
    }
    assert.equal(r.headers.get("x-compute-tokens"), "3");
    const generated = await call(url, "/health");
    assert.match(generated.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const line = server.logs.find((l) => l["reqId"] === "req-42");
    assert.ok(line, "a log line carries the request id");
    assert.equal(line["route"], "embed");
    assert.equal(line["status"], 200);
    assert.equal(typeof line["inferenceMs"], "number");
  });

  test("GET /metrics is Prometheus text with request and batch metrics", async () => {
    const m = await call(url, "/metrics");
    assert.equal(m.status, 200);
    assert.match(m.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.match(m.text, /^embedkit_requests_total\{route="embed",status="200"\} \d+$/m);
    assert.match(m.text, /^embedkit_batch_size_bucket\{le="\+Inf"\} \d+$/m);
    assert.match(m.text, /^process_resident_memory_bytes \d+$/m);
  });

  test("GET /openapi.json is generated from the request schemas", async () => {
    const r = await call(url, "/openapi.json");
    const doc = r.body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    assert.equal(doc.openapi, "3.1.0");
    for (const p of ["/embed", "/tokenize", "/decode", "/v1/embeddings", "/embeddings"])
      assert.ok(doc.paths[p]?.["post"], p);
    for (const p of ["/info", "/health", "/metrics", "/openapi.json"]) assert.ok(doc.paths[p]?.["get"], p);
    const embed = doc.components.schemas["EmbedRequest"]!;
    assert.deepEqual(Object.keys(embed.properties ?? {}).sort(), [
      "dimensions",
      "inputs",
      "normalize",
      "precision",
      "prompt_name",
      "ranges",
      "truncate",
      "truncation_direction",
    ]);
    assert.ok(doc.components.schemas["OpenAIEmbeddingRequest"]?.properties?.["encoding_format"]);
  });
});
