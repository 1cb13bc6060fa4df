/**
 * POST /embed_chunks on a real server on loopback with the real int8 MiniLM: per document its
 * chunks equal to the library's embedChunks on the same texts (offsets, token counts, vectors
 * within 1e-6), late and naive, `normalize: false`, `return_text`; and each bad input's status and
 * body (chunking options refused by the library's typed errors, the server's count, size and body
 * limits).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ChunkedDocument, EmbedChunksOptions } from "../../src/embed/embed-chunks.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { call, startTestServer, type TestServer } from "./harness.js";

const LONG = Array.from(
  { length: 12 },
  (_, i) => `Paragraph ${i} is about subject ${i}, which the keeper wrote down in the ledger that night.`,
).join(" ");
const DOCS = [LONG, "Cats sleep for most of the day and hunt at dusk. They purr when they are content.", "Short."];

interface ChunkJson {
  index: number;
  start: number;
  end: number;
  tokens: number;
  text?: string;
  embedding: number[];
}

async function library(model: TextEmbedding, texts: string[], options: EmbedChunksOptions): Promise<ChunkedDocument[]> {
  const out: ChunkedDocument[] = [];
  for await (const d of model.embedChunks(texts, options)) out.push(d);
  return out;
}

function assertSame(got: ChunkJson[][], want: ChunkedDocument[], label: string): void {
  assert.equal(got.length, want.length, label);
  got.forEach((chunks, d) => {
    assert.deepEqual(
      chunks.map((c) => [c.index, c.start, c.end, c.tokens]),
      want[d]!.chunks.map((c) => [c.index, c.start, c.end, c.tokens]),
      `${label}: document ${d}`,
    );
    chunks.forEach((c, i) => {
      const v = want[d]!.chunks[i]!.vector;
      const diff = Math.max(...c.embedding.map((x, k) => Math.abs(x - v[k]!)));
      assert.ok(diff < 1e-6, `${label}: document ${d} chunk ${i}: max |diff| ${diff}`);
    });
  });
}

describe("POST /embed_chunks", { timeout: 60_000 }, () => {
  let model: TextEmbedding;
  let server: TestServer;
  before(async () => {
    model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
    server = await startTestServer(model, { maxClientBatchSize: 4, maxInputChars: 5000, maxBodyBytes: 100_000 });
  });
  after(async () => {
    await server.close();
    await model.dispose();
  });

  test("late and naive: chunks and vectors equal the library's embedChunks on the same texts", async () => {
    for (const chunking of [
      { strategy: "late" as const, size: 16 },
      { strategy: "naive" as const, by: "tokens" as const, size: 12, overlap: 4 },
    ]) {
      const r = await call(server.url, "/embed_chunks", { body: { inputs: DOCS, chunking } });
      assert.equal(r.status, 200, r.text);
      const got = r.body as ChunkJson[][];
      assertSame(got, await library(model, DOCS, { chunking }), chunking.strategy);
      assert.ok(got[0]!.length > 3, "the long document has several chunks");
      assert.ok(
        got.flat().every((c) => c.text === undefined),
        "no text without return_text",
      );
      const norm = Math.hypot(...got[0]![0]!.embedding);
      assert.ok(Math.abs(norm - 1) < 1e-5, `normalized by default (norm ${norm})`);
    }
  });

  test("return_text, a single string, normalize: false", async () => {
    const chunking = { strategy: "late" as const, by: "sentences" as const, size: 24 };
    const r = await call(server.url, "/embed_chunks", {
      body: { inputs: LONG, chunking, return_text: true, normalize: false, truncate: false },
    });
    assert.equal(r.status, 200, r.text);
    const got = r.body as ChunkJson[][];
    assert.equal(got.length, 1);
    got[0]!.forEach((c) => assert.equal(c.text, LONG.slice(c.start, c.end)));
    assertSame(got, await library(model, [LONG], { chunking, normalize: false }), "normalize false");
    assert.ok(Math.abs(Math.hypot(...got[0]![0]!.embedding) - 1) > 1e-3, "not normalized");
  });

  test("bad input: 4xx with TEI's body, naming the field and the limit", async () => {
    const late = { strategy: "late" };
    const cases: { body: unknown; status: number; type: string; re: RegExp }[] = [
      { body: { inputs: DOCS }, status: 422, type: "Validation", re: /`chunking` is required/ },
      { body: { chunking: late }, status: 422, type: "Validation", re: /`inputs` is required/ },
      {
        body: { inputs: DOCS, chunking: { strategy: "early" } },
        status: 422,
        type: "Validation",
        re: /chunking\.strategy must be one of late, naive, got "early"/,
      },
      {
        body: { inputs: DOCS, chunking: { strategy: "late", by: "words" } },
        status: 422,
        type: "Validation",
        re: /chunking\.by must be one of tokens, sentences, paragraphs, markdown/,
      },
      {
        body: { inputs: DOCS, chunking: { strategy: "late", size: 0 } },
        status: 422,
        type: "Validation",
        re: /chunking\.size must be a positive integer/,
      },
      {
        body: { inputs: DOCS, chunking: { strategy: "naive", size: 1000 } },
        status: 422,
        type: "Validation",
        re: /chunking\.size must be at most 254/,
      },
      {
        body: { inputs: DOCS, chunking: { strategy: "late", size: 8, overlap: 8 } },
        status: 422,
        type: "Validation",
        re: /chunking\.overlap must be an integer from 0 to 7/,
      },
      {
        body: { inputs: DOCS, chunking: { strategy: "late", size: "ten" } },
        status: 422,
        type: "Validation",
        re: /`chunking\.size` must be a number/,
      },
      { body: { inputs: DOCS, chunking: late, normalize: "yes" }, status: 422, type: "Validation", re: /`normalize`/ },
      { body: { inputs: [], chunking: late }, status: 400, type: "Empty", re: /`inputs` is empty/ },
      {
        body: { inputs: ["a", ""], chunking: late },
        status: 400,
        type: "Empty",
        re: /`inputs\[1\]` is an empty string/,
      },
      {
        body: { inputs: ["a", "b", "c", "d", "e"], chunking: late },
        status: 422,
        type: "Validation",
        re: /`inputs` holds 5 inputs; the limit is 4 per request \(--max-client-batch-size\)/,
      },
      {
        body: { inputs: ["a", "x".repeat(5001)], chunking: late },
        status: 422,
        type: "Validation",
        re: /`inputs\[1\]` has 5001 characters; the limit is 5000 \(--max-input-chars\)/,
      },
    ];
    for (const c of cases) {
      const r = await call(server.url, "/embed_chunks", { body: c.body });
      const label = JSON.stringify(c.body).slice(0, 120);
      assert.equal(r.status, c.status, `${label}: ${r.text}`);
      const body = r.body as { error: string; error_type: string };
      assert.equal(body.error_type, c.type, label);
      assert.match(body.error, c.re, label);
    }
    const big = await call(server.url, "/embed_chunks", {
      body: {
        inputs: Array.from({ length: 4 }, () => "y".repeat(4000))
          .join(" ")
          .repeat(7),
        chunking: late,
      },
    });
    assert.equal(big.status, 413, "a body over --max-body-bytes");
    // the server still answers
    assert.equal((await call(server.url, "/embed_chunks", { body: { inputs: "ok.", chunking: late } })).status, 200);
  });

  test("/openapi.json documents the route", async () => {
    const doc = (await call(server.url, "/openapi.json")).body as {
      paths: Record<string, { post?: unknown }>;
      components: { schemas: Record<string, unknown> };
    };
    assert.ok(doc.paths["/embed_chunks"]?.post);
    assert.ok(doc.components.schemas["EmbedChunksRequest"] && doc.components.schemas["EmbedChunksResponse"]);
  });
});
