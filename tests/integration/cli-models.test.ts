/**
 * `embedkit models list|info` over the one registry table: every task's models (dense, sparse
 * with BM25, rerankers) with a task column, the --task filter, the cached column read from the
 * real model cache (the test models imported by `npm run fetch-models`), and bad flags as typed
 * errors. No model is loaded: these read the registry and the cache only.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getModelSpec, REGISTRY, REGISTRY_IDS } from "../../src/models/registry.js";
import { run } from "../helpers/run-cli.js";

interface Row {
  id: string;
  task: string;
  kind?: string;
  dim?: number;
  maxTokens?: number;
  activation?: string;
  cached: string[];
  default: boolean;
}

async function listJson(...extra: string[]): Promise<Row[]> {
  const r = await run(["models", "list", "--json", ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Row[];
}

describe("embedkit models list / info, every task", () => {
  test("list --json: every registry id once, in table order, tagged with its task; one default per task", async () => {
    const rows = await listJson();
    assert.deepEqual(
      rows.map((r) => r.id),
      REGISTRY_IDS,
    );
    for (const r of rows) assert.equal(r.task, REGISTRY[r.id as keyof typeof REGISTRY].task, r.id);
    const defaults = rows.filter((r) => r.default).map((r) => [r.task, r.id]);
    assert.deepEqual(defaults, [
      ["embed", "BAAI/bge-small-en-v1.5"],
      ["sparse", "prithivida/Splade_PP_en_v1"],
      ["rerank", "Xenova/ms-marco-MiniLM-L-6-v2"],
    ]);
    const bm25 = rows.find((r) => r.id === "bm25");
    assert.deepEqual(bm25 && { task: bm25.task, kind: bm25.kind, cached: bm25.cached }, {
      task: "sparse",
      kind: "bm25",
      cached: [],
    });
    const ce = rows.find((r) => r.id === "embedkit-test/stsb-minilm-l6-cross-encoder");
    assert.equal(ce?.activation, "sigmoid");
    assert.equal(ce?.dim, undefined, "a reranker has no dimension");
  });

  test("--task keeps one task's rows; the sparse and rerank test models show as cached", async () => {
    const counts = { embed: 0, sparse: 0, rerank: 0 } as Record<string, number>;
    for (const id of REGISTRY_IDS) counts[REGISTRY[id].task]! += 1;
    for (const task of ["embed", "sparse", "rerank"]) {
      const rows = await listJson("--task", task);
      assert.equal(rows.length, counts[task], task);
      assert.ok(
        rows.every((r) => r.task === task),
        task,
      );
    }
    const cachedSparse = await listJson("--task", "sparse", "--cached");
    assert.deepEqual(
      cachedSparse.map((r) => [r.id, r.cached]),
      [["embedkit-test/splade-tiny", ["fp32"]]],
    );
    const cachedRerank = await listJson("--task", "rerank", "--cached");
    assert.deepEqual(
      cachedRerank.map((r) => [r.id, r.cached]),
      [["embedkit-test/stsb-minilm-l6-cross-encoder", ["fp32"]]],
    );
  });

  test("the text table has a task column and the task's own detail", async () => {
    const r = await run(["models", "list", "--task", "sparse"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.match(lines[0]!, /^model\s+task\s+dim\s+max tok\s+details\s+cached$/);
    assert.match(r.stdout, /^embedkit-test\/splade-tiny\s+sparse\s+-\s+512\s+splade\/model\s+fp32$/m);
    assert.match(
      r.stdout,
      /^opensearch-project\/opensearch-neural-sparse-encoding-doc-v1\s+sparse\s+-\s+512\s+splade\/idf\s+-$/m,
    );
    assert.match(r.stdout, /^bm25\s+sparse\s+-\s+-\s+bm25\s+-$/m);
    assert.doesNotMatch(r.stdout, /\bembed\b|\brerank\b/);
  });

  test("info: a SPLADE model (verified), BM25 by any case, a reranker; --json carries the task tag", async () => {
    const splade = await run(["models", "info", "embedkit-test/splade-tiny", "--verify"]);
    assert.equal(splade.code, 0, splade.stderr);
    assert.match(
      splade.stdout,
      /task sparse \(splade\): max tokens 512, vocabulary 30522, queries run through the model/,
    );
    assert.match(splade.stdout, /^\s+ok\s+model\.onnx\s+sha256 [0-9a-f]{64}$/m);
    const bm25 = await run(["models", "info", "QDRANT/BM25"]);
    assert.equal(bm25.code, 0, bm25.stderr);
    assert.match(bm25.stdout, /^Qdrant\/bm25\n/);
    assert.match(bm25.stdout, /no model files, nothing to download/);
    assert.doesNotMatch(bm25.stdout, /not cached/);
    const ce = await run(["models", "info", "embedkit-test/stsb-minilm-l6-cross-encoder", "--json"]);
    assert.equal(ce.code, 0, ce.stderr);
    const info = JSON.parse(ce.stdout) as { task: string; activation: string; cached: { quantizations: string[] } };
    assert.equal(info.task, "rerank");
    assert.equal(info.activation, "sigmoid");
    assert.deepEqual(info.cached.quantizations, ["fp32"]);
    const dense = await run(["models", "info", "intfloat/e5-small-v2", "--json"]);
    const denseInfo = JSON.parse(dense.stdout) as { task: string; chunking?: { strategy: string; size: number } };
    assert.equal(denseInfo.task, "embed");
    assert.deepEqual(
      { strategy: denseInfo.chunking?.strategy, size: denseInfo.chunking?.size },
      {
        strategy: getModelSpec("intfloat/e5-small-v2").chunking?.strategy,
        size: getModelSpec("intfloat/e5-small-v2").chunking?.size,
      },
    );
    const text = await run(["models", "info", "intfloat/e5-small-v2"]);
    const c = getModelSpec("intfloat/e5-small-v2").chunking!;
    assert.ok(
      text.stdout.includes(`chunking (measured): --chunk ${c.strategy} --chunk-by ${c.by} --chunk-size ${c.size}`),
      text.stdout,
    );
  });

  test("bad input: an unknown --task names the flag, the allowed tasks and the value; an unknown id suggests", async () => {
    const bad = await run(["models", "list", "--task", "dense"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\[invalid_option\]: --task must be one of embed, sparse, rerank, got "dense"/);
    assert.equal(bad.stdout, "");
    const unknown = await run(["models", "info", "BAAI/bge-smal-en-v1.5"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /\[unknown_model\].*did you mean "BAAI\/bge-small-en-v1.5"/);
  });
});
