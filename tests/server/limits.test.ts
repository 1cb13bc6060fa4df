/**
 * The server's edges: API key, CORS, size limits (413/422), overload (429), clients that go
 * away (dropped before inference), and dynamic batching made visible in /metrics.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import {
  call,
  concurrently,
  counter,
  histogram,
  openServerTestModel,
  startTestServer,
  type TestServer,
} from "./harness.js";

type TeiError = { error: string; error_type: string };

describe("server limits, auth, CORS, batching", { timeout: 120_000 }, () => {
  let model: TextEmbedding;
  const servers: TestServer[] = [];
  const start = async (o: Parameters<typeof startTestServer>[1]) => {
    const s = await startTestServer(model, o);
    servers.push(s);
    return s;
  };
  before(async () => {
    model = await openServerTestModel();
  });
  after(async () => {
    for (const s of servers) await s.close();
    await model?.dispose();
  });

  test("API key: 401 without or with a wrong key, 200 with it; /health needs none", async () => {
    const s = await start({ apiKey: "s3cret" });
    const none = await call(s.url, "/embed", { body: { inputs: "hi" } });
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, {
      error: "this server needs an API key: send `Authorization: Bearer <key>`",
      error_type: "Validation",
    });
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="embedkit"');
    const wrong = await call(s.url, "/embed", { body: { inputs: "hi" }, headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
    assert.equal((await call(s.url, "/info", { headers: { authorization: "Basic czNjcmV0" } })).status, 401);
    const ok = await call(s.url, "/embed", { body: { inputs: "hi" }, headers: { authorization: "Bearer s3cret" } });
    assert.equal(ok.status, 200);
    assert.equal((await call(s.url, "/health")).status, 200);
    const v1 = await call(s.url, "/v1/embeddings", { body: { input: "hi" } });
    assert.equal(v1.status, 401);
    assert.equal((v1.body as { error: { code: string } }).error.code, "invalid_api_key");
  });

  test("CORS: preflight from an allowed origin (before auth), none for others or without configuration", async () => {
    const s = await start({ apiKey: "k", corsAllowOrigin: ["https://app.example"] });
    const pre = await call(s.url, "/v1/embeddings", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "https://app.example");
    assert.match(pre.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", /authorization/);
    assert.equal(pre.headers.get("access-control-max-age"), "600");
    const actual = await call(s.url, "/embed", {
      body: { inputs: "x" },
      headers: { origin: "https://app.example", authorization: "Bearer k" },
    });
    assert.equal(actual.headers.get("access-control-allow-origin"), "https://app.example");
    assert.match(actual.headers.get("access-control-expose-headers") ?? "", /x-inference-time/);
    const other = await call(s.url, "/embed", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    const unconfigured = await start({});
    const none = await call(unconfigured.url, "/embed", {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    assert.equal(none.status, 204);
    assert.equal(none.headers.get("access-control-allow-origin"), null);
    const any = await start({ corsAllowOrigin: ["*"] });
    const star = await call(any.url, "/health", { headers: { origin: "https://whoever.example" } });
    assert.equal(star.headers.get("access-control-allow-origin"), "*");
  });

  test("413 for a body over --max-body-bytes; 422 for more inputs than --max-client-batch-size and for an input over --max-input-chars", async () => {
    const s = await start({ maxBodyBytes: 4096, maxClientBatchSize: 8, maxQueuedInputs: 64, maxInputChars: 300 });
    const big = await call(s.url, "/embed", { body: { inputs: "y ".repeat(5000) } });
    assert.equal(big.status, 413);
    assert.equal((big.body as TeiError).error_type, "Validation");
    assert.match((big.body as TeiError).error, /the limit is 4096 bytes \(--max-body-bytes\)/);
    // The same without a content-length header (chunked): refused while reading.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${s.url}/embed`,
        { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.write('{"inputs":"');
      req.write("z".repeat(8000));
      req.end('"}');
    });
    assert.equal(chunked, 413);
    const many = await call(s.url, "/embed", { body: { inputs: Array.from({ length: 9 }, () => "a") } });
    // TEI: "batch size {n} > maximum allowed batch size" is ErrorType::Validation -> 422
    // (router/src/http/server.rs, embed); OpenAI answers a request problem with 400.
    assert.equal(many.status, 422);
    assert.equal((many.body as TeiError).error_type, "Validation");
    assert.match(
      (many.body as TeiError).error,
      /`inputs` holds 9 inputs; the limit is 8 per request \(--max-client-batch-size\)/,
    );
    const oaMany = await call(s.url, "/v1/embeddings", { body: { input: Array.from({ length: 9 }, () => "a") } });
    assert.equal(oaMany.status, 400);
    assert.equal((oaMany.body as { error: { code: string } }).error.code, "too_many_inputs");
    const long = await call(s.url, "/embed", { body: { inputs: ["ok", "w".repeat(301)] } });
    assert.equal(long.status, 422);
    assert.match(
      (long.body as TeiError).error,
      /`inputs\[1\]` has 301 characters; the limit is 300 \(--max-input-chars\)/,
    );
    assert.equal((await call(s.url, "/embed", { body: { inputs: "still serving" } })).status, 200);
  });

  test("429 when --max-concurrent-requests is reached, then the server recovers", async () => {
    const s = await start({ maxConcurrentRequests: 2 });
    const texts = Array.from({ length: 24 }, (_, i) => `request ${i} with a few words to embed`);
    const answers = (
      await concurrently(
        s.url,
        texts.map((t) => ({ path: "/embed", body: { inputs: [t, t, t, t] } })),
      )
    ).map((a) => ({
      ...a,
      body: JSON.parse(a.text) as unknown,
    }));
    const statuses = answers.map((a) => a.status);
    assert.ok(statuses.includes(429), `some are refused: ${statuses.join(",")}`);
    assert.ok(statuses.includes(200), "some are served");
    assert.deepEqual([...new Set(statuses)].sort(), [200, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    assert.deepEqual((refused.body as TeiError).error_type, "Overloaded");
    assert.match((refused.body as TeiError).error, /--max-concurrent-requests 2/);
    assert.equal(refused.headers["retry-after"], "1");
    const oa = await concurrently(
      s.url,
      texts.map((t) => ({ path: "/v1/embeddings", body: { input: t } })),
    );
    const oaRefused = oa.find((a) => a.status === 429);
    assert.ok(oaRefused, "the OpenAI route is limited too");
    assert.equal((JSON.parse(oaRefused.text) as { error: { type: string } }).error.type, "server_overloaded");
    assert.equal((await call(s.url, "/embed", { body: { inputs: "after the storm" } })).status, 200);
  });

  test("429 when --max-queued-inputs is reached", async () => {
    const s = await start({ maxQueuedInputs: 40, maxClientBatchSize: 32 });
    const batch = Array.from({ length: 32 }, (_, i) => `text ${i}`);
    // 8 requests of 32 inputs arrive at once; only one fits in 40 queued inputs at a time.
    const answers = await concurrently(
      s.url,
      Array.from({ length: 8 }, () => ({ path: "/embed", body: { inputs: batch } })),
    );
    const statuses = new Set(answers.map((a) => a.status));
    assert.deepEqual([...statuses].sort(), [200, 429], `statuses: ${answers.map((a) => a.status).join(",")}`);
    assert.match((JSON.parse(answers.find((a) => a.status === 429)!.text) as TeiError).error, /--max-queued-inputs/);
  });

  test("a request whose client went away is dropped before inference", async () => {
    const s = await start({ maxBatchSize: 4 });
    // A long request queues 24 rows (6 calls of 4); a second one comes in behind it, and its
    // client gives up as soon as the server has admitted it.
    const busy = call(s.url, "/embed", {
      body: { inputs: Array.from({ length: 24 }, (_, i) => `${"filler words ".repeat(20)} ${i}`) },
    });
    while (s.metrics.inflight.get() < 1) await new Promise((r) => setTimeout(r, 2));
    const [gone] = await concurrently(s.url, [{ path: "/embed", body: { inputs: ["never embedded", "me neither"] } }], {
      abortWhen: () => s.metrics.inflight.get() >= 2,
    });
    assert.equal(gone!.status, 0, "the client aborted");
    assert.equal((await busy).status, 200);
    await new Promise((r) => setTimeout(r, 50));
    const metrics = (await call(s.url, "/metrics")).text;
    assert.equal(counter(metrics, "embedkit_dropped_inputs_total"), 2);
    assert.equal(histogram(metrics, "embedkit_batch_size").sum, 24, "only the long request's rows were run");
    const line = s.logs.find((l) => l["status"] === 499);
    assert.ok(line, "the dropped request is logged as 499");
  });

  test("dynamic batching: under concurrent load the mean batch size rises", async () => {
    const s = await start({ maxWaitMs: 5 });
    const one = (i: number) => call(s.url, "/embed", { body: { inputs: `a single text number ${i}` } });
    for (let i = 0; i < 8; i++) assert.equal((await one(i)).status, 200);
    const sequential = histogram((await call(s.url, "/metrics")).text, "embedkit_batch_size");
    assert.equal(sequential.sum / sequential.count, 1, "one client: one text per call");
    const answers = await concurrently(
      s.url,
      Array.from({ length: 64 }, (_, i) => ({ path: "/embed", body: { inputs: `a single text number ${100 + i}` } })),
    );
    assert.ok(answers.every((a) => a.status === 200));
    const after = histogram((await call(s.url, "/metrics")).text, "embedkit_batch_size");
    const mean = (after.sum - sequential.sum) / (after.count - sequential.count);
    assert.ok(mean >= 4, `64 concurrent single-text requests: mean batch size ${mean.toFixed(1)}`);
    const requests = histogram((await call(s.url, "/metrics")).text, "embedkit_batch_requests");
    assert.ok(requests.sum / requests.count > 1);
  });
});
