/**
 * Sparse retrieval and retrieve-then-rerank in the evaluator, with the real SPLADE-tiny and the
 * real test cross-encoder: a SPLADE run equals the ranking by sparseDot of the engine's own
 * query and document vectors, computed here on its own; a reranked run puts the first stage's
 * top hits in the order of the cross-encoder's own pair scores and leaves the rest in first-stage
 * order; `runEvalCommand` wires both from its options and refuses bad ones with typed errors.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runEvalCommand } from "../../src/eval/command.js";
import { evaluate } from "../../src/eval/evaluate.js";
import type { StsTask } from "../../src/eval/tasks/task-types.js";
import { RerankRetriever } from "../../src/eval/retrievers/rerank-retriever.js";
import type { Retriever } from "../../src/eval/retrievers/retriever.js";
import { SparseRetriever } from "../../src/eval/retrievers/sparse-retriever.js";
import type { TextCrossEncoder } from "../../src/rerank/text-cross-encoder.js";
import { SparseTextEmbedding } from "../../src/sparse/sparse-text-embedding.js";
import { sparseDot } from "../../src/sparse/sparse-vector.js";
import { openTestCrossEncoder, TEST_CROSS_ENCODER } from "../helpers/cross-encoder.js";

const DOCS = [
  ["slip", "Wing lift in a propeller slipstream at several angles of attack."],
  ["heat", "Heat transfer to a flat plate in hypersonic flow."],
  ["flutter", "Flutter of panels in supersonic flow; aeroelastic stability of panels."],
  ["boundary", "Boundary layer transition on a cone at Mach 3 in supersonic flow."],
  ["buckle", "Buckling of thin cylindrical shells under axial compression."],
  ["wing", "Lift and drag of a swept wing at high angles of attack."],
] as const;
const QUERIES = [
  ["q1", "propeller slipstream effect on wing lift"],
  ["q2", "aeroelastic panel flutter at supersonic speed"],
  ["q3", "when do thin cylinders buckle under compression"],
] as const;
const documents = DOCS.map(([id, text]) => ({ id, text }));
const queries = QUERIES.map(([id, text]) => ({ id, text }));
const noEmbed = (): Promise<Float32Array[]> => Promise.reject(new Error("no dense model in this run"));

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

describe("eval: SPLADE retriever and cross-encoder reranking", () => {
  let dir: string;
  let taskFile: string;
  let splade: SparseTextEmbedding;
  let ce: TextCrossEncoder;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-eval-sr-"));
    taskFile = join(dir, "aero.json");
    await writeFile(
      taskFile,
      JSON.stringify({
        type: "retrieval",
        name: "TinyAero",
        corpus: documents,
        queries,
        qrels: [
          { queryId: "q1", docId: "slip", score: 1 },
          { queryId: "q2", docId: "flutter", score: 1 },
          { queryId: "q3", docId: "buckle", score: 1 },
        ],
        kValues: [1, 3, 5],
      }),
    );
    splade = await SparseTextEmbedding.create({ model: "embedkit-test/splade-tiny", store: { offline: true } });
    ce = await openTestCrossEncoder();
  });
  after(async () => {
    await splade?.dispose();
    await ce?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("a SPLADE run = the ranking by sparseDot of the engine's query and document vectors", async () => {
    const retriever = new SparseRetriever({
      modelId: splade.modelId,
      embedAll: (t) => splade.embedAll(t),
      queryEmbed: (t) => splade.queryEmbed(t),
    });
    const run = await retriever.retrieve({ documents, queries, topK: 4, embed: noEmbed });
    const docVectors = await splade.embedAll(documents.map((d) => d.text));
    for (const q of queries) {
      const qv = await splade.queryEmbed(q.text);
      const want = documents
        .map((d, i) => ({ id: d.id, i, score: sparseDot(qv, docVectors[i]!) }))
        .filter((h) => h.score > 0)
        .sort((a, b) => b.score - a.score || a.i - b.i)
        .slice(0, 4);
      const got = [...run.get(q.id)!];
      assert.deepEqual(
        got.map(([id]) => id),
        want.map((h) => h.id),
        q.id,
      );
      got.forEach(([, s], i) => assert.ok(Math.abs(s - want[i]!.score) < 1e-4 * Math.max(1, want[i]!.score), q.id));
    }
  });

  test("a reranked run: the first stage's top 3 in cross-encoder order, then the rest in first-stage order", async () => {
    // A first stage that ranks every document, in reverse table order, for every query.
    const firstOrder = documents.map((d) => d.id).reverse();
    const first: Retriever = {
      kind: "retriever",
      modelId: "reverse",
      retrieve: async (input) =>
        new Map(input.queries.map((q) => [q.id, new Map(firstOrder.map((id, rank) => [id, 1 / (rank + 1)]))])),
    };
    const reranker = new RerankRetriever(
      first,
      { kind: "pair-scorer", modelId: ce.modelId, scorePairs: (pairs) => ce.rerankPairs(pairs) },
      3,
    );
    const run = await reranker.retrieve({ documents, queries, topK: 6, embed: noEmbed });
    let changed = 0;
    for (const q of queries) {
      const head = firstOrder.slice(0, 3);
      const scores = await ce.rerankPairs(head.map((id) => [q.text, DOCS.find((d) => d[0] === id)![1]]));
      const want = [
        ...head
          .map((id, j) => ({ id, j, s: scores[j]! }))
          .sort((a, b) => b.s - a.s || a.j - b.j)
          .map((h) => h.id),
        ...firstOrder.slice(3),
      ];
      const got = [...run.get(q.id)!].sort((a, b) => b[1] - a[1]).map(([id]) => id);
      assert.deepEqual(got, want, q.id);
      if (got.slice(0, 3).join() !== head.join()) changed++;
    }
    assert.ok(changed > 0, "the cross-encoder should reorder the head of at least one query");
  });

  test("runEvalCommand: --model <SPLADE> and --model bm25 --rerank <cross-encoder>, filed under their names", async () => {
    const outputDir = join(dir, "results");
    const sparse = await runEvalCommand({ model: "embedkit-test/splade-tiny", tasks: [taskFile], outputDir });
    assert.equal(sparse.results[0]?.result.model_name, "embedkit-test/splade-tiny");
    const main = sparse.results[0]!.result.scores["test"]![0]!.main_score;
    assert.ok(main > 0 && main <= 1, `nDCG@10 ${main}`);
    const reranked = await runEvalCommand({
      model: "bm25",
      rerank: TEST_CROSS_ENCODER,
      rerankTop: 3,
      tasks: [taskFile],
      outputDir,
    });
    const r = reranked.results[0]!;
    assert.equal(r.result.model_name, `bm25+rerank-${TEST_CROSS_ENCODER}@3`);
    assert.ok(r.file.includes("bm25+rerank-embedkit-test__stsb-minilm-l6-cross-encoder@3"), r.file);
    assert.equal(JSON.parse(await readFile(r.file, "utf8")).model_name, r.result.model_name);
  });

  test("a SPLADE or reranking retriever given a non-retrieval task is invalid_task naming the task and its type", async () => {
    const sts: StsTask = {
      type: "sts",
      name: "TinySts",
      split: "test",
      pairs: [
        { text1: "a plane flies", text2: "an aircraft is flying", score: 4 },
        { text1: "a plane flies", text2: "a cat sleeps", score: 0 },
      ],
    };
    const sparse = new SparseRetriever({
      modelId: splade.modelId,
      embedAll: (t) => splade.embedAll(t),
      queryEmbed: (t) => splade.queryEmbed(t),
    });
    const reranked = new RerankRetriever(
      sparse,
      { kind: "pair-scorer", modelId: ce.modelId, scorePairs: (pairs) => ce.rerankPairs(pairs) },
      10,
    );
    for (const model of [sparse, reranked]) {
      await assert.rejects(
        evaluate(model, sts),
        (e: unknown) =>
          code("invalid_task")(e) &&
          /runs retrieval tasks only; TinySts is a sts task/.test((e as Error).message) &&
          (e as { details: { type: string } }).details.type === "sts",
      );
    }
  });

  test("bad rerank options are typed errors naming the field, the limit and the value", async () => {
    const base = { tasks: [taskFile], outputDir: join(dir, "never") };
    for (const rerankTop of [0, 1001, 2.5]) {
      await assert.rejects(
        runEvalCommand({ ...base, model: "bm25", rerank: TEST_CROSS_ENCODER, rerankTop }),
        (e: unknown) =>
          code("invalid_option")(e) &&
          /rerankTop must be an integer from 1 to 1000, got/.test((e as Error).message) &&
          (e as { details: { value: unknown } }).details.value === rerankTop,
      );
    }
    await assert.rejects(runEvalCommand({ ...base, model: "bm25", rerankTop: 10 }), /rerankTop needs rerank/);
    await assert.rejects(runEvalCommand({ ...base, model: "bm25", rerank: "" }), code("invalid_option"));
    await assert.rejects(
      runEvalCommand({ ...base, model: TEST_CROSS_ENCODER, rerank: TEST_CROSS_ENCODER }),
      (e: unknown) => code("invalid_option")(e) && /is a cross-encoder itself/.test((e as Error).message),
    );
  });
});
