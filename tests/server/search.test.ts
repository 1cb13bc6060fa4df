/**
 * POST /v1/search and /search on a real server on loopback over a real vector index (LanceDB
 * files in a temp folder, int8 MiniLM, a handful of records): results equal VectorIndex.search on
 * the same index (ids, order, offsets, metadata, scores within 1e-6), filters, rerank equal to the
 * library's rerank, the query going through the request batcher, /info and /openapi.json, and
 * every bad input's status and body in both error dialects.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { VectorIndex } from "../../src/index/vector-index.js";
import { MAX_TOP_K, type IndexHit } from "../../src/index/vector-index-options.js";
import type { TextCrossEncoder } from "../../src/rerank/text-cross-encoder.js";
import { openTestCrossEncoder } from "../helpers/cross-encoder.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { call, concurrently, histogram, startTestServer, type TestServer } from "./harness.js";

const DOCS = [
  {
    id: "keys",
    text: "Rotate the API keys every ninety days from the security console.",
    metadata: { lang: "en", year: 2024 },
  },
  { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en", year: 2023 } },
  { id: "pain", text: "Le pain se fait avec de la farine, de l'eau et du sel.", metadata: { lang: "fr", year: 2024 } },
  { id: "tides", text: "Tides rise and fall twice a day along the harbour.", metadata: { lang: "en", year: 2022 } },
  { id: "vin", text: "Le vin de Bordeaux vieillit en fût de chêne.", metadata: { lang: "fr", year: 2021 } },
];
const QUERIES = ["when should I rotate the keys?", "how is bread made", "cats at dusk", "the sea at the harbour"];

interface Result {
  id: string;
  chunk: number;
  start: number;
  end: number;
  text: string;
  score: number;
  metadata: Record<string, unknown>;
  dense_score?: number;
}
interface SearchAnswer {
  model: string;
  results: Result[];
}
interface TeiError {
  error: string;
  error_type: string;
}
interface OpenAIError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

function assertSameHits(got: Result[], want: IndexHit[], label: string): void {
  assert.deepEqual(
    got.map((r) => [r.id, r.chunk, r.start, r.end, r.text, r.metadata]),
    want.map((h) => [h.id, h.chunkIndex, h.start, h.end, h.text, h.metadata]),
    label,
  );
  got.forEach((r, i) => {
    assert.ok(Math.abs(r.score - want[i]!.score) < 1e-6, `${label}: score ${r.score} vs ${want[i]!.score}`);
    if (want[i]!.denseScore !== undefined) assert.ok(Math.abs(r.dense_score! - want[i]!.denseScore!) < 1e-6);
    else assert.equal(r.dense_score, undefined);
  });
}

describe("search routes over a vector index", { timeout: 120_000 }, () => {
  let root: string;
  let model: TextEmbedding;
  let ce: TextCrossEncoder;
  let index: VectorIndex;
  let server: TestServer; // index + reranker
  let plain: TestServer; // index, no reranker
  let bare: TestServer; // no index
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "embedkit-serve-search-"));
    model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
    ce = await openTestCrossEncoder();
    index = await VectorIndex.open(join(root, "kb"), { engine: model });
    await index.add(DOCS);
    server = await startTestServer(model, { maxClientBatchSize: 64 }, false, { search: { index, reranker: ce } });
    plain = await startTestServer(model, {}, false, { search: { index } });
    bare = await startTestServer(model);
  });
  after(async () => {
    await Promise.all([server.close(), plain.close(), bare.close()]);
    await index.close();
    await ce.dispose();
    await model.dispose();
    await rm(root, { recursive: true, force: true });
  });

  test("results equal VectorIndex.search: ids, order, offsets, metadata, scores within 1e-6", async () => {
    for (const query of QUERIES) {
      const want = await index.search(query, { topK: 3 });
      for (const path of ["/v1/search", "/search"]) {
        const r = await call(server.url, path, { body: { query, top_k: 3 } });
        assert.equal(r.status, 200, r.text);
        const body = r.body as SearchAnswer;
        assert.equal(body.model, TEST_MODELS.miniLM);
        assert.equal(body.results.length, 3);
        assertSameHits(body.results, want, `${path} ${query}`);
      }
    }
    // default top_k is 10: all five records
    const all = await call(server.url, "/v1/search", { body: { query: QUERIES[0] } });
    assertSameHits((all.body as SearchAnswer).results, await index.search(QUERIES[0]!), "default top_k");
    assert.equal((all.body as SearchAnswer).results.length, DOCS.length);
  });

  test("filter: equality and $in, as the library filters", async () => {
    const fr = await call(server.url, "/v1/search", { body: { query: "food", filter: { lang: "fr" } } });
    assert.equal(fr.status, 200, fr.text);
    assert.deepEqual((fr.body as SearchAnswer).results.map((h) => h.id).sort(), ["pain", "vin"]);
    const filter = { year: { $in: [2024, 2022] }, lang: "en" };
    const r = await call(server.url, "/search", { body: { query: "the sea", filter } });
    assert.equal(r.status, 200, r.text);
    assertSameHits((r.body as SearchAnswer).results, await index.search("the sea", { filter }), "$in");
    assert.deepEqual((r.body as SearchAnswer).results.map((h) => h.id).sort(), ["keys", "tides"]);
  });

  test("rerank: the dense top rerank_top rescored by the server's cross-encoder, as the library does", async () => {
    const query = "cats hunting in the evening";
    const r = await call(server.url, "/v1/search", { body: { query, top_k: 2, rerank: true, rerank_top: 4 } });
    assert.equal(r.status, 200, r.text);
    const want = await index.search(query, { topK: 2, rerank: { model: ce, topN: 4 } });
    assertSameHits((r.body as SearchAnswer).results, want, "rerank");
    assert.equal(typeof (r.body as SearchAnswer).results[0]!.dense_score, "number");
  });

  test("concurrent searches share inference calls through the request batcher", async () => {
    const s = await startTestServer(model, { maxWaitMs: 5 }, false, { search: { index } });
    try {
      const answers = await concurrently(
        s.url,
        Array.from({ length: 32 }, (_, i) => ({
          path: "/v1/search",
          body: { query: `${QUERIES[i % 4]} ${i}`, top_k: 1 },
        })),
      );
      assert.ok(
        answers.every((a) => a.status === 200 && (JSON.parse(a.text) as SearchAnswer).results.length === 1),
        answers.map((a) => a.status).join(","),
      );
      const metrics = (await call(s.url, "/metrics")).text;
      const requests = histogram(metrics, "embedkit_batch_requests");
      // one row per search went through the batcher
      assert.equal(histogram(metrics, "embedkit_batch_size").sum, 32);
      assert.ok(requests.sum / requests.count > 1, `mean requests per inference call ${requests.sum / requests.count}`);
    } finally {
      await s.close();
    }
  });

  test("/info reports the index served; /openapi.json documents the search routes; embedding routes still work", async () => {
    const info = (await call(server.url, "/info")).body as { model_id: string; index: Record<string, unknown> };
    assert.equal(info.model_id, TEST_MODELS.miniLM);
    assert.deepEqual(info.index, {
      path: index.path,
      records: DOCS.length,
      chunks: DOCS.length,
      chunking: "none",
      sparse: "none",
      precision: "float32",
      rerank_model: ce.modelId,
    });
    assert.equal(
      ((await call(plain.url, "/info")).body as { index: { rerank_model: unknown } }).index.rerank_model,
      null,
    );
    assert.equal(((await call(bare.url, "/info")).body as { index?: unknown }).index, undefined);
    const doc = (await call(server.url, "/openapi.json")).body as {
      paths: Record<string, { post?: { requestBody?: unknown } }>;
      components: { schemas: Record<string, unknown> };
    };
    assert.ok(doc.paths["/v1/search"]?.post?.requestBody);
    assert.ok(doc.paths["/search"]?.post);
    assert.ok(doc.components.schemas["SearchRequest"] && doc.components.schemas["SearchResponse"]);
    const e = await call(server.url, "/embed", { body: { inputs: DOCS[0]!.text } });
    assert.equal(e.status, 200);
    // int8 (dynamic quantization) depends on the batch, so compare with the same text embedded alone
    const [want] = await model.embedAll([DOCS[0]!.text]);
    const v = (e.body as number[][])[0]!;
    assert.ok(Math.max(...v.map((x, i) => Math.abs(x - want![i]!))) < 1e-6, "/embed is the model's vector");
  });

  test("bad input: 4xx in the route's error shape, naming the field", async () => {
    const cases: { body: unknown; tei: number; openai: number; code: string; field: string; re: RegExp }[] = [
      { body: {}, tei: 422, openai: 400, code: "invalid_request", field: "query", re: /`query` is required/ },
      {
        body: { query: 5 },
        tei: 422,
        openai: 400,
        code: "invalid_request",
        field: "query",
        re: /`query` must be a string/,
      },
      {
        body: { query: "" },
        tei: 400,
        openai: 400,
        code: "empty_input",
        field: "query",
        re: /`query` is an empty string/,
      },
      { body: { query: "   " }, tei: 400, openai: 400, code: "empty_input", field: "query", re: /only whitespace/ },
      {
        body: { query: "x", top_k: 0 },
        tei: 422,
        openai: 400,
        code: "invalid_request",
        field: "top_k",
        re: /`top_k` must be at least 1, got 0/,
      },
      {
        body: { query: "x", top_k: MAX_TOP_K + 1 },
        tei: 422,
        openai: 400,
        code: "invalid_request",
        field: "top_k",
        re: new RegExp(`\`top_k\` must be at most ${MAX_TOP_K}, got ${MAX_TOP_K + 1}`),
      },
      {
        body: { query: "x", top_k: 2.5 },
        tei: 422,
        openai: 400,
        code: "invalid_request",
        field: "top_k",
        re: /`top_k` must be an integer/,
      },
      {
        body: { query: "x", top_k: "3" },
        tei: 422,
        openai: 400,
        code: "invalid_request",
        field: "top_k",
        re: /`top_k`/,
      },
      {
        body: { query: "x", filter: { colour: "red" } },
        tei: 422,
        openai: 400,
        code: "unknown_filter_field",
        field: "filter.colour",
        re: /no metadata field "colour" \(it has "lang", "year"\)/,
      },
      {
        body: { query: "x", filter: { year: "2024" } },
        tei: 422,
        openai: 400,
        code: "invalid_option",
        field: "filter.year",
        re: /filter\.year must be a number/,
      },
      {
        body: { query: "x", filter: { lang: { $nin: ["en"] } } },
        tei: 422,
        openai: 400,
        code: "invalid_request",
        field: "filter.lang",
        re: /`filter\.lang/,
      },
      {
        body: { query: "x", rerank: true, rerank_top: 65 },
        tei: 422,
        openai: 400,
        code: "too_many_inputs",
        field: "rerank_top",
        re: /`rerank_top` is 65 pairs to rerank; the limit is 64/,
      },
      {
        body: { query: "x", rerank_top: 5 },
        tei: 422,
        openai: 400,
        code: "invalid_option",
        field: "rerank_top",
        re: /without `rerank: true`/,
      },
    ];
    for (const c of cases) {
      const label = JSON.stringify(c.body);
      const tei = await call(server.url, "/search", { body: c.body });
      assert.equal(tei.status, c.tei, `${label}: ${tei.text}`);
      assert.match((tei.body as TeiError).error, c.re, label);
      const v1 = await call(server.url, "/v1/search", { body: c.body });
      assert.equal(v1.status, c.openai, `${label}: ${v1.text}`);
      const e = (v1.body as OpenAIError).error;
      assert.equal(e.code, c.code, label);
      assert.equal(e.param, c.field.replace(/\..*$/, ""), label);
      assert.match(e.message, c.re, label);
    }
    // rerank asked of a server without --rerank-model
    const noCe = await call(plain.url, "/v1/search", { body: { query: "x", rerank: true } });
    assert.equal(noCe.status, 400, noCe.text);
    assert.equal((noCe.body as OpenAIError).error.code, "rerank_unavailable");
    assert.equal((noCe.body as OpenAIError).error.param, "rerank");
    assert.match((noCe.body as OpenAIError).error.message, /--rerank-model/);
    const noCeTei = await call(plain.url, "/search", { body: { query: "x", rerank: true } });
    assert.equal(noCeTei.status, 422);
    assert.equal((noCeTei.body as TeiError).error_type, "Validation");
    // a server without --index
    for (const path of ["/v1/search", "/search"]) {
      const r = await call(bare.url, path, { body: { query: "x" } });
      assert.equal(r.status, 404, r.text);
      assert.match(r.text, /embedkit serve --index DIR/);
    }
  });
});

describe("search route with a prompted model", { timeout: 60_000 }, () => {
  test("E5's query prompt: the route's results equal VectorIndex.search (a query embedded without it would not); /info names the sparse side", async () => {
    const root = await mkdtemp(join(tmpdir(), "embedkit-serve-search-e5-"));
    const e5 = await openTestModel(TEST_MODELS.e5Small, { quantization: "int8" });
    const index = await VectorIndex.open(join(root, "kb"), { engine: e5, sparse: "bm25" });
    const server = await startTestServer(e5, {}, false, { search: { index } });
    try {
      await index.add(DOCS);
      const query = "rotate keys";
      const want = await index.search(query, { topK: 3 });
      const r = await call(server.url, "/v1/search", { body: { query, top_k: 3 } });
      assert.equal(r.status, 200, r.text);
      assertSameHits((r.body as SearchAnswer).results, want, "e5");
      const [row] = await index.chunksOf([want[0]!.id]);
      const [bare] = await e5.embedAll([query]);
      const unprompted = bare!.reduce((a, x, i) => a + x * row!.vector[i]!, 0);
      assert.ok(Math.abs(unprompted - want[0]!.score) > 1e-3, "without the prompt the score would differ");
      const info = (await call(server.url, "/info")).body as { index: Record<string, unknown> };
      assert.equal(info.index["sparse"], "bm25");
      assert.equal(info.index["precision"], "float32");
    } finally {
      await server.close();
      await index.close();
      await e5.dispose();
      await rm(root, { recursive: true, force: true });
    }
  });
});
