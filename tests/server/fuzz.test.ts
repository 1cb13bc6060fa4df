/**
 * Property-based test (fast-check) of the HTTP edge: random and mutated request bodies,
 * headers, content types, framings and chunkings, written over a raw TCP socket to a real
 * server on loopback, at every route (and at paths and methods that are none). Required: no
 * client fault is answered with a server error (5xx, or TEI's 424 Backend), the server logs no
 * internal failure, never crashes, and still answers a normal request correctly afterwards.
 *
 * Bounded by a time limit (and a run count) so it stays well under a minute in CI; it prints
 * how many cases ran and the seed (EMBEDKIT_FUZZ_SEED=<seed> replays a run).
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { call, cosine, openServerTestModel, startTestServer, type TestServer } from "./harness.js";

const TIME_LIMIT_MS = 40_000;
const MAX_RUNS = 3_000;

const ROUTES: readonly (readonly [method: string, path: string])[] = [
  ["POST", "/embed"],
  ["POST", "/"],
  ["POST", "/invocations"],
  ["POST", "/tokenize"],
  ["POST", "/decode"],
  ["POST", "/v1/embeddings"],
  ["POST", "/embeddings"],
  ["POST", "/embed_chunks"],
  ["GET", "/"],
  ["GET", "/health"],
  ["GET", "/ping"],
  ["GET", "/info"],
  ["GET", "/metrics"],
  ["GET", "/openapi.json"],
  ["GET", "/v1/models"],
];

/** Any JSON-ish value, small. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.integer({ min: -10, max: 70_000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 12 }), { maxLength: 10 }),
  fc.array(fc.integer({ min: -3, max: 40_000 }), { maxLength: 12 }),
  fc.array(fc.array(fc.integer({ min: 0, max: 31_000 }), { maxLength: 6 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

const texts = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 10 })), {
    maxLength: 10,
  }),
);

/** Bodies shaped like each route's request, with random (often wrong) field values. */
const shapedBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      inputs: fc.oneof(texts, anyValue),
      normalize: anyValue,
      truncate: fc.oneof(fc.boolean(), anyValue),
      truncation_direction: fc.oneof(fc.constantFrom("right", "left", "Left", "up"), anyValue),
      prompt_name: fc.oneof(fc.constantFrom("query", "passage", "nope"), anyValue),
      dimensions: fc.oneof(fc.integer({ min: -2, max: 400 }), anyValue),
      add_special_tokens: anyValue,
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      input: fc.oneof(texts, anyValue),
      model: anyValue,
      encoding_format: fc.oneof(fc.constantFrom("float", "base64", "int8"), anyValue),
      dimensions: fc.oneof(fc.integer({ min: -2, max: 400 }), anyValue),
      user: anyValue,
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      inputs: fc.oneof(texts, anyValue),
      chunking: fc.oneof(
        fc.record(
          {
            strategy: fc.oneof(fc.constantFrom("late", "naive", "early"), anyValue),
            by: fc.oneof(fc.constantFrom("tokens", "sentences", "paragraphs", "markdown", "words"), anyValue),
            size: fc.oneof(fc.integer({ min: -2, max: 600 }), anyValue),
            overlap: fc.oneof(fc.integer({ min: -2, max: 600 }), anyValue),
          },
          { requiredKeys: [] },
        ),
        anyValue,
      ),
      normalize: anyValue,
      return_text: anyValue,
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      ids: fc.oneof(anyValue, fc.array(fc.integer({ min: -1, max: 40_000 }), { maxLength: 8 })),
      skip_special_tokens: anyValue,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Bytes of a body: JSON of a shaped body, that JSON mutated, or random bytes. */
const bodyBytes: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 5, arbitrary: shapedBody.map((b) => Buffer.from(JSON.stringify(b) ?? "null")) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        shapedBody,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("delete", "insert", "truncate", "flip")), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 255 }),
      )
      .map(([b, edits, byte]) => {
        let buf = Buffer.from(JSON.stringify(b) ?? "null");
        for (const [at, op] of edits) {
          const i = buf.length === 0 ? 0 : at % buf.length;
          if (op === "delete") buf = Buffer.concat([buf.subarray(0, i), buf.subarray(i + 1)]);
          else if (op === "insert") buf = Buffer.concat([buf.subarray(0, i), Buffer.from([byte]), buf.subarray(i)]);
          else if (op === "truncate") buf = buf.subarray(0, i);
          else if (buf.length > 0) buf[i] = buf[i]! ^ (1 << byte % 8);
        }
        return buf;
      }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
  // Around --max-body-bytes (2048 here).
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("inputs", "input", "ids"), fc.integer({ min: 1500, max: 6000 }))
      .map(([key, n]) =>
        Buffer.from(
          JSON.stringify({ [key]: key === "ids" ? Array.from({ length: n / 2 }, () => 7) : "a ".repeat(n / 2) }),
        ),
      ),
  },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=----x",
      "application/problem+json",
      "application/jsonx",
      "",
      ";",
      "application/",
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,40}$/) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const headerName = fc.oneof(
  fc.constantFrom(
    "x-request-id",
    "authorization",
    "origin",
    "accept",
    "accept-encoding",
    "expect",
    "x-forwarded-for",
    "cookie",
  ),
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,20}$/),
);
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
  fc.constantFrom("Bearer x", "100-continue", "gzip", "*"),
);

const framing = fc.constantFrom("length", "length", "length", "chunked", "none", "short-length", "long-length");

const target = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...ROUTES) },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO"),
      fc.oneof(
        fc.constantFrom(...ROUTES.map((r) => r[1])),
        fc.constantFrom("/v1", "/embed/", "//embed", "/EMBED", "/embed?x=1", "/%2e%2e/", "/v1/models/x", "*"),
        fc.stringMatching(/^\/[\x21-\x7e]{0,50}$/),
      ),
    ),
  },
);

interface Case {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly headers: readonly (readonly [string, string])[];
  readonly framing: string;
  /** Where the raw request is split into separate writes (fractions of its length). */
  readonly cuts: readonly number[];
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    method: fc.constant(""),
    path: fc.constant(""),
    target,
    body: bodyBytes,
    contentType,
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
    framing,
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
  })
  .map(({ target: [method, path], ...rest }) => ({ ...rest, method, path }));

function rawRequest(c: Case): Buffer {
  const lines = [`${c.method} ${c.path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close"];
  if (c.contentType !== undefined) lines.push(`Content-Type: ${c.contentType}`);
  for (const [name, value] of c.headers) lines.push(`${name}: ${value}`);
  let body = c.body;
  if (c.framing === "chunked") {
    lines.push("Transfer-Encoding: chunked");
    const half = Math.floor(body.length / 2);
    const parts = [body.subarray(0, half), body.subarray(half)].filter((p) => p.length > 0);
    body = Buffer.concat([
      ...parts.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from("\r\n")]),
      Buffer.from("0\r\n\r\n"),
    ]);
  } else if (c.framing === "length") lines.push(`Content-Length: ${body.length}`);
  else if (c.framing === "short-length") lines.push(`Content-Length: ${Math.max(0, body.length - 3)}`);
  else if (c.framing === "long-length") lines.push(`Content-Length: ${body.length + 5}`);
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n"), body]);
}

/** Sends the request in pieces over a fresh socket; returns every status code answered, and the raw answer. */
function send(port: number, c: Case): Promise<{ statuses: number[]; raw: string }> {
  const bytes = rawRequest(c);
  const points = [...new Set(c.cuts.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    if (p > last) pieces.push(bytes.subarray(last, p));
    last = Math.max(last, p);
  }
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      // The server may close on a malformed request while we still write: not a failure.
      if (e.code !== "ECONNRESET" && e.code !== "EPIPE") reject(e);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString("latin1");
      const statuses = [...raw.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ statuses, raw });
    });
    socket.on("connect", async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        await new Promise((r) => setTimeout(r, 1));
      }
      // Half-close: a request whose declared length was never sent ends here.
      if (!socket.destroyed) socket.end();
    });
  });
}

describe("property: hostile requests never get a server error", { timeout: 180_000 }, () => {
  let model: TextEmbedding;
  let server: TestServer;
  before(async () => {
    model = await openServerTestModel();
    // Small limits so accepted work stays cheap and the limits themselves are exercised.
    server = await startTestServer(model, {
      maxBodyBytes: 2048,
      maxClientBatchSize: 8,
      maxQueuedInputs: 64,
      maxInputChars: 200,
      maxInputTokens: 32,
      maxBatchSize: 8,
      requestTimeoutMs: 5_000,
    });
  });
  after(async () => {
    await server?.close();
    await model?.dispose();
  });

  test("random and mutated requests over raw sockets: no 5xx or 424, no internal error, then a normal answer", async () => {
    const port = server.port;
    const seed =
      process.env["EMBEDKIT_FUZZ_SEED"] !== undefined
        ? Number(process.env["EMBEDKIT_FUZZ_SEED"])
        : Date.now() ^ (Math.random() * 2 ** 31);
    let cases = 0;
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        cases++;
        const { statuses, raw } = await send(port, c);
        if (statuses.length === 0) seen.set(0, (seen.get(0) ?? 0) + 1);
        for (const s of statuses) {
          seen.set(s, (seen.get(s) ?? 0) + 1);
          assert.ok(s < 500 && s !== 424, `${c.method} ${JSON.stringify(c.path)} answered ${s}: ${raw.slice(0, 600)}`);
        }
      }),
      { seed, numRuns: MAX_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true },
    );
    const summary = [...seen.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}x${n}`)
      .join(" ");
    console.log(`fuzz: ${cases} cases (seed ${seed}); statuses (0: connection closed unanswered) ${summary}`);
    assert.ok(cases >= 100, `at least 100 cases ran (${cases})`);
    assert.ok(
      (seen.get(200) ?? 0) > 0 && [...seen.keys()].some((s) => s >= 400),
      "both accepted and refused requests were generated",
    );
    const internal = server.logs.filter((l) => l["level"] === 50);
    assert.deepEqual(internal, [], "no request was an internal failure");
    // Still healthy, and a normal request is answered correctly.
    assert.equal((await call(server.url, "/health")).status, 200);
    const r = await call(server.url, "/embed", { body: { inputs: ["after the storm", "calm again"] } });
    assert.equal(r.status, 200, r.text);
    const expected = await model.embedAll(["after the storm", "calm again"]);
    (r.body as number[][]).forEach((v, i) => assert.ok(cosine(v, expected[i]!) >= 0.99999, `inputs[${i}]`));
  });
});
