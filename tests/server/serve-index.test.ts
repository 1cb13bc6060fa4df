/**
 * `embedkit serve --index DIR` as users start it: a child process serving the index's model
 * (int8 MiniLM) and POST /v1/search with a reranker, answers equal to VectorIndex.search in this
 * process, SIGTERM exits 0; and the start-up refusals (a --model the index was not built with, a
 * folder without an index, --rerank-model without --index) as exit code 2 with one clear line.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { VectorIndex } from "../../src/index/vector-index.js";
import { TEST_CROSS_ENCODER } from "../helpers/cross-encoder.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { run } from "../helpers/run-cli.js";
import { call, spawnServe } from "./harness.js";

const DOCS = [
  { id: "keys", text: "Rotate the API keys every ninety days from the security console.", metadata: { lang: "en" } },
  { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en" } },
  { id: "pain", text: "Le pain se fait avec de la farine, de l'eau et du sel.", metadata: { lang: "fr" } },
  { id: "tides", text: "Tides rise and fall twice a day along the harbour.", metadata: { lang: "en" } },
];

describe("embedkit serve --index", { timeout: 120_000 }, () => {
  let root: string;
  let dir: string;
  let model: TextEmbedding;
  let index: VectorIndex;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "embedkit-serve-index-"));
    dir = join(root, "kb");
    model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
    index = await VectorIndex.open(dir, { engine: model });
    await index.add(DOCS);
  });
  after(async () => {
    await index.close();
    await model.dispose();
    await rm(root, { recursive: true, force: true });
  });

  test("serves the index's model and /v1/search (with --rerank-model); SIGTERM exits 0", async () => {
    const serve = await spawnServe(["--index", dir, "-q", "int8", "--rerank-model", TEST_CROSS_ENCODER]);
    try {
      const info = (await call(serve.url, "/info")).body as { model_id: string; index: Record<string, unknown> };
      assert.equal(info.model_id, TEST_MODELS.miniLM, "the model comes from the index");
      assert.deepEqual(info.index, {
        path: index.path,
        records: 4,
        chunks: 4,
        chunking: "none",
        sparse: "none",
        precision: "float32",
        rerank_model: TEST_CROSS_ENCODER,
      });
      const query = "when should I rotate the keys?";
      const r = await call(serve.url, "/v1/search", { body: { query, top_k: 2, filter: { lang: "en" } } });
      assert.equal(r.status, 200, r.text);
      const got = (r.body as { results: { id: string; score: number }[] }).results;
      const want = await index.search(query, { topK: 2, filter: { lang: "en" } });
      assert.deepEqual(
        got.map((h) => h.id),
        want.map((h) => h.id),
      );
      got.forEach((h, i) => assert.ok(Math.abs(h.score - want[i]!.score) < 1e-6, `${h.score} vs ${want[i]!.score}`));
      const reranked = await call(serve.url, "/v1/search", { body: { query: "cats at dusk", top_k: 1, rerank: true } });
      assert.equal(reranked.status, 200, reranked.text);
      assert.equal((reranked.body as { results: { id: string }[] }).results[0]!.id, "cats");
    } finally {
      serve.kill("SIGTERM");
    }
    assert.equal(await serve.exited, 0);
  });

  test("start-up refusals: exit 2 and one line naming the problem", async () => {
    let r = await run(["serve", "--index", dir, "--port", "0", "-m", TEST_MODELS.e5Small]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^embedkit serve: error \[index_model_mismatch\]: vector index at ".*kb" was built with model "sentence-transformers\/all-MiniLM-L6-v2"; model "intfloat\/e5-small-v2" was given/,
    );
    r = await run(["serve", "--index", join(root, "nothing"), "--port", "0"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\[invalid_option\]: ".*nothing" holds no vector index/);
    r = await run(["serve", "--rerank-model", TEST_CROSS_ENCODER, "--port", "0"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /rerankModel: reranks search results, so it needs index \(--index DIR\)/);
    r = await run(["serve", "--port", "0"], "", { EMBEDKIT_INDEX: dir, EMBEDKIT_MODEL: TEST_MODELS.bgeSmallEn });
    assert.equal(r.code, 2, "the environment's model is checked as a flag's is");
    assert.match(r.stderr, /\[index_model_mismatch\]/);
  });
});
