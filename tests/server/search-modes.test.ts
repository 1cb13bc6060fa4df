/**
 * POST /v1/search and /search with `mode`, `fusion`, `candidates` and the index's ANN and binary
 * knobs, on a real server on loopback over real vector indexes (LanceDB files in a temp folder,
 * int8 MiniLM, five records): a BM25 hybrid index with an ivf_hnsw_sq ANN index, and a binary
 * dense-only index. Each answer equals VectorIndex.search with the same options (ids, order,
 * offsets, scores and first-stage scores within 1e-6), each knob changes what it should, and each
 * bad value is a typed error naming the field and the value in both error dialects.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { VectorIndex } from "../../src/index/vector-index.js";
import type { IndexHit, SearchOptions } from "../../src/index/vector-index-options.js";
import type { TextCrossEncoder } from "../../src/rerank/text-cross-encoder.js";
import { openTestCrossEncoder } from "../helpers/cross-encoder.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { call, startTestServer, type TestServer } from "./harness.js";

const DOCS = [
  { id: "keys", text: "Rotate the API keys every ninety days from the security console.", metadata: { lang: "en" } },
  { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en" } },
  { id: "pain", text: "Le pain se fait avec de la farine, de l'eau et du sel.", metadata: { lang: "fr" } },
  { id: "tides", text: "Tides rise and fall twice a day along the harbour.", metadata: { lang: "en" } },
  { id: "owls", text: "Owls hunt mice at night; cats hunt them at dusk.", metadata: { lang: "en" } },
];
const QUERY = "when do cats hunt?";

interface Result {
  id: string;
  chunk: number;
  start: number;
  end: number;
  text: string;
  score: number;
  metadata: Record<string, unknown>;
  dense_score?: number;
  sparse_score?: number;
}
interface OpenAIError {
  error: { message: string; type: string; param: string | null; code: string | null };
}
interface TeiError {
  error: string;
  error_type: string;
}

function close(a: number | undefined, b: number | undefined, label: string): void {
  if (b === undefined) assert.equal(a, undefined, label);
  else assert.ok(a !== undefined && Math.abs(a - b) < 1e-6, `${label}: ${a} vs ${b}`);
}

function assertSameHits(got: Result[], want: IndexHit[], label: string): void {
  assert.ok(want.length > 0, `${label}: the library found hits`);
  assert.deepEqual(
    got.map((r) => [r.id, r.chunk, r.start, r.end, r.text, r.metadata]),
    want.map((h) => [h.id, h.chunkIndex, h.start, h.end, h.text, h.metadata]),
    label,
  );
  got.forEach((r, i) => {
    close(r.score, want[i]!.score, `${label} score ${i}`);
    close(r.dense_score, want[i]!.denseScore, `${label} dense_score ${i}`);
    close(r.sparse_score, want[i]!.sparseScore, `${label} sparse_score ${i}`);
  });
}

describe("search routes: mode, fusion, candidates, ANN and binary knobs", { timeout: 120_000 }, () => {
  let root: string;
  let model: TextEmbedding;
  let ce: TextCrossEncoder;
  let hybrid: VectorIndex; // bm25 + ANN (ivf_hnsw_sq)
  let binary: VectorIndex; // binary precision, no sparse vectors
  let hybridServer: TestServer;
  let binaryServer: TestServer;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "embedkit-serve-modes-"));
    model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
    ce = await openTestCrossEncoder();
    hybrid = await VectorIndex.open(join(root, "hybrid"), { engine: model, sparse: "bm25" });
    await hybrid.add(DOCS);
    await hybrid.optimize({ ann: {} });
    binary = await VectorIndex.open(join(root, "binary"), { engine: model, precision: "binary" });
    await binary.add(DOCS);
    hybridServer = await startTestServer(model, {}, false, { search: { index: hybrid, reranker: ce } });
    binaryServer = await startTestServer(model, {}, false, { search: { index: binary } });
  });
  after(async () => {
    await Promise.all([hybridServer?.close(), binaryServer?.close()]);
    await hybrid?.close();
    await binary?.close();
    await ce?.dispose();
    await model?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  /** Both routes' results for `body`, each checked against VectorIndex.search(query, options). */
  async function same(server: TestServer, index: VectorIndex, body: Record<string, unknown>, options: SearchOptions) {
    const want = await index.search(String(body["query"]), options);
    const answers: Result[][] = [];
    for (const path of ["/v1/search", "/search"]) {
      const r = await call(server.url, path, { body });
      assert.equal(r.status, 200, `${path} ${JSON.stringify(body)}: ${r.text}`);
      const results = (r.body as { results: Result[] }).results;
      assertSameHits(results, want, `${path} ${JSON.stringify(body)}`);
      answers.push(results);
    }
    return { want, got: answers[0]! };
  }

  test("mode: hybrid (the default on a sparse index), dense and sparse equal VectorIndex.search's", async () => {
    const byDefault = await same(hybridServer, hybrid, { query: QUERY, top_k: 4 }, { topK: 4 });
    const explicit = await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 4, mode: "hybrid" },
      {
        topK: 4,
        mode: "hybrid",
      },
    );
    assert.deepEqual(byDefault.got, explicit.got, "hybrid is the default on an index with sparse vectors");
    assert.ok(
      byDefault.got.some((h) => h.dense_score !== undefined && h.sparse_score !== undefined),
      "hybrid hits carry both first-stage scores",
    );
    const dense = await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 4, mode: "dense" },
      { topK: 4, mode: "dense" },
    );
    assert.ok(dense.got.every((h) => h.sparse_score === undefined && h.dense_score === undefined));
    const sparse = await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 4, mode: "sparse" },
      {
        topK: 4,
        mode: "sparse",
      },
    );
    // BM25 scores "pain" (no query term) zero: the sparse list is not the dense one
    assert.notDeepEqual(
      sparse.got.map((h) => h.id),
      dense.got.map((h) => h.id),
      "sparse and dense rank differently",
    );
    assert.notDeepEqual(
      byDefault.got.map((h) => h.score),
      dense.got.map((h) => h.score),
      "fused scores are not cosines",
    );
  });

  test("fusion, candidates and rerank after fusion equal the library's", async () => {
    const rrf = await same(hybridServer, hybrid, { query: QUERY, top_k: 3, fusion: "rrf" }, { topK: 3, fusion: "rrf" });
    const weighted = await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 3, fusion: "weighted" },
      {
        topK: 3,
        fusion: "weighted",
      },
    );
    assert.notDeepEqual(
      rrf.got.map((h) => h.score),
      weighted.got.map((h) => h.score),
      "the fusion method reaches the index",
    );
    const narrow = await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 3, mode: "hybrid", candidates: 1 },
      {
        topK: 3,
        mode: "hybrid",
        candidates: 1,
      },
    );
    assert.ok(narrow.got.length <= 2, `one candidate from each list gives at most 2 hits, got ${narrow.got.length}`);
    await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 2, mode: "hybrid", rerank: true, rerank_top: 4 },
      {
        topK: 2,
        mode: "hybrid",
        rerank: { model: ce, topN: 4 },
      },
    );
    await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 2, mode: "sparse", rerank: true },
      {
        topK: 2,
        mode: "sparse",
        rerank: { model: ce },
      },
    );
  });

  test("ANN knobs: nprobes, ef and refine_factor reach the index (ef below top_k × refine_factor is refused)", async () => {
    assert.equal((await hybrid.info()).ann?.type, "ivf_hnsw_sq");
    await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 3, mode: "dense", nprobes: 1, ef: 12, refine_factor: 4 },
      {
        topK: 3,
        mode: "dense",
        nprobes: 1,
        ef: 12,
        refineFactor: 4,
      },
    );
    // ef 5 with the default refine factor 4 is refused; with refine_factor 1 it is enough
    const refused = await call(hybridServer.url, "/v1/search", {
      body: { query: QUERY, top_k: 3, mode: "dense", ef: 5 },
    });
    assert.equal(refused.status, 400, refused.text);
    assert.equal((refused.body as OpenAIError).error.param, "ef");
    assert.match(
      (refused.body as OpenAIError).error.message,
      /ef must be at least top_k × refine_factor \(3 × 4 = 12\), got 5/,
    );
    await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 3, mode: "dense", ef: 5, refine_factor: 1 },
      {
        topK: 3,
        mode: "dense",
        ef: 5,
        refineFactor: 1,
      },
    );
    await same(
      hybridServer,
      hybrid,
      { query: QUERY, top_k: 3, mode: "dense", exact: true },
      {
        topK: 3,
        mode: "dense",
        exact: true,
      },
    );
  });

  test("binary index: rescore, rescore_with and exact equal the library's, and change the scores", async () => {
    const rescored = await same(binaryServer, binary, { query: QUERY, top_k: 3 }, { topK: 3 });
    const hamming = await same(
      binaryServer,
      binary,
      { query: QUERY, top_k: 3, rescore: false },
      {
        topK: 3,
        rescore: false,
      },
    );
    // the Hamming score (dim − 2h) / dim is a multiple of 2/384
    assert.ok(hamming.got.every((h) => Math.abs(h.score * 192 - Math.round(h.score * 192)) < 1e-6));
    assert.notDeepEqual(
      hamming.got.map((h) => h.score),
      rescored.got.map((h) => h.score),
    );
    const bits = await same(
      binaryServer,
      binary,
      { query: QUERY, top_k: 3, rescore: 2, rescore_with: "bits" },
      {
        topK: 3,
        rescore: 2,
        rescoreWith: "bits",
      },
    );
    assert.notDeepEqual(
      bits.got.map((h) => h.score),
      rescored.got.map((h) => h.score),
    );
    await same(binaryServer, binary, { query: QUERY, top_k: 3, exact: true }, { topK: 3, exact: true });
  });

  test("bad values: typed errors naming the field and the value, in both dialects", async () => {
    const cases: {
      server: () => TestServer;
      body: Record<string, unknown>;
      code: string;
      field: string;
      re: RegExp;
    }[] = [
      {
        server: () => binaryServer,
        body: { mode: "sparse" },
        code: "invalid_option",
        field: "mode",
        re: /mode "sparse" needs sparse vectors, and the vector index at ".*binary" was created without them/,
      },
      {
        server: () => binaryServer,
        body: { mode: "hybrid" },
        code: "invalid_option",
        field: "mode",
        re: /mode "hybrid" needs sparse vectors/,
      },
      {
        server: () => hybridServer,
        body: { mode: "bm25" },
        code: "invalid_request",
        field: "mode",
        re: /`mode` must be one of "dense", "sparse", "hybrid", got "bm25"/,
      },
      {
        server: () => hybridServer,
        body: { fusion: "max" },
        code: "invalid_request",
        field: "fusion",
        re: /`fusion` must be one of "rrf", "weighted", got "max"/,
      },
      {
        server: () => hybridServer,
        body: { mode: "dense", fusion: "rrf" },
        code: "invalid_option",
        field: "fusion",
        re: /fusion applies to mode "hybrid" only \(mode is "dense"\), got "rrf"/,
      },
      {
        server: () => hybridServer,
        body: { mode: "sparse", candidates: 5 },
        code: "invalid_option",
        field: "candidates",
        re: /candidates applies to mode "hybrid" only \(mode is "sparse"\), got 5/,
      },
      {
        server: () => hybridServer,
        body: { candidates: 0 },
        code: "invalid_request",
        field: "candidates",
        re: /`candidates` must be at least 1, got 0/,
      },
      {
        server: () => hybridServer,
        body: { nprobes: 0 },
        code: "invalid_request",
        field: "nprobes",
        re: /`nprobes` must be at least 1, got 0/,
      },
      {
        server: () => hybridServer,
        body: { ef: 100_001 },
        code: "invalid_request",
        field: "ef",
        re: /`ef` must be at most 100000, got 100001/,
      },
      {
        server: () => hybridServer,
        body: { refine_factor: 1.5 },
        code: "invalid_request",
        field: "refine_factor",
        re: /`refine_factor` must be an integer, got 1\.5/,
      },
      {
        server: () => hybridServer,
        body: { exact: "yes" },
        code: "invalid_request",
        field: "exact",
        re: /`exact` must be a boolean, got "yes"/,
      },
      {
        server: () => binaryServer,
        body: { rescore: 0 },
        code: "invalid_request",
        field: "rescore",
        re: /`rescore` must be at least 1, got 0/,
      },
      {
        server: () => binaryServer,
        body: { rescore: true },
        code: "invalid_request",
        field: "rescore",
        re: /`rescore` must be an integer from 1 to 100 or false, got true/,
      },
      {
        server: () => binaryServer,
        body: { rescore_with: "int8" },
        code: "invalid_request",
        field: "rescore_with",
        re: /`rescore_with` must be one of "float32", "bits", got "int8"/,
      },
      {
        server: () => hybridServer,
        body: { rescore: 4 },
        code: "invalid_option",
        field: "rescore",
        re: /rescore and rescore_with apply to a binary index; ".*hybrid" has precision float32/,
      },
      {
        server: () => hybridServer,
        body: { rescore_with: "bits" },
        code: "invalid_option",
        field: "rescore_with",
        re: /rescore and rescore_with apply to a binary index/,
      },
    ];
    for (const c of cases) {
      const body = { query: QUERY, ...c.body };
      const label = JSON.stringify(c.body);
      const tei = await call(c.server().url, "/search", { body });
      assert.equal(tei.status, 422, `${label}: ${tei.text}`);
      assert.equal((tei.body as TeiError).error_type, "Validation", label);
      assert.match((tei.body as TeiError).error, c.re, label);
      const v1 = await call(c.server().url, "/v1/search", { body });
      assert.equal(v1.status, 400, `${label}: ${v1.text}`);
      const e = (v1.body as OpenAIError).error;
      assert.deepEqual([e.code, e.param, e.type], [c.code, c.field, "invalid_request_error"], label);
      assert.match(e.message, c.re, label);
    }
  });
});
