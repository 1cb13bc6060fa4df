/**
 * Dense + BM25 fusion in the evaluator, with the real bge-small-en-v1.5: the hybrid run of each
 * query equals fuse() applied to the dense ranking (cosine of the model's query and passage
 * vectors) and Bm25Index's ranking computed here on their own; and the scores are MTEB-layout.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { evaluate } from "../../src/eval/evaluate.js";
import { HybridRetriever } from "../../src/eval/retrievers/hybrid-retriever.js";
import type { RetrievalTask } from "../../src/eval/tasks/task-types.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import { fuse } from "../../src/search/fuse.js";
import { Bm25Index } from "../../src/sparse/bm25-index.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const DOCS = [
  ["slip", "Wing lift in a propeller slipstream at several angles of attack."],
  ["heat", "Heat transfer to a flat plate in hypersonic flow."],
  ["flutter", "Flutter of panels in supersonic flow; aeroelastic stability."],
  ["boundary", "Boundary layer transition on a cone at Mach 3."],
  ["buckle", "Buckling of thin cylindrical shells under axial compression."],
] as const;
const QUERIES = [
  ["q1", "propeller slipstream effect on wing lift"],
  ["q2", "aeroelastic panel flutter at supersonic speed"],
  ["q3", "when do cylinders buckle"],
] as const;
const task: RetrievalTask = {
  type: "retrieval",
  name: "TinyAero",
  split: "test",
  corpus: DOCS.map(([id, text]) => ({ id, text })),
  queries: QUERIES.map(([id, text]) => ({ id, text })),
  qrels: new Map([
    ["q1", new Map([["slip", 1]])],
    ["q2", new Map([["flutter", 1]])],
    ["q3", new Map([["buckle", 1]])],
  ]),
  kValues: [1, 3, 5],
};

let model: TextEmbedding;
before(async () => {
  model = await openTestModel(TEST_MODELS.bgeSmallEn);
});
after(async () => {
  await model?.dispose();
});

test("hybrid run = fuse(dense ranking, BM25 ranking) per query", async () => {
  const hybrid = new HybridRetriever({
    modelId: model.modelId,
    dim: model.dim,
    embedAll: (t, o) => model.embedAll(t, o),
  });
  const run = await hybrid.retrieve({
    documents: task.corpus.map((d) => ({ id: d.id, text: d.text })),
    queries: task.queries,
    topK: 5,
    embed: (texts, promptName) => model.embedAll(texts, { promptName }),
  });
  const docVectors = await model.passageEmbed(task.corpus.map((d) => d.text));
  const index = new Bm25Index();
  index.add(task.corpus.map((d) => ({ id: d.id, text: d.text })));
  for (const q of task.queries) {
    const qv = await model.queryEmbed(q.text);
    const dense = task.corpus
      .map((d, i) => ({ id: d.id, score: cosineSimilarity(qv, docVectors[i]!) }))
      .sort((a, b) => b.score - a.score);
    const sparse = index.search(q.text, { topK: 5 }).map((h) => ({ id: h.id, score: h.score }));
    const want = fuse([dense, sparse], { method: "rrf", topK: 5 });
    const got = [...run.get(q.id)!];
    assert.deepEqual(
      got.map(([id]) => id),
      want.map((h) => h.id),
      q.id,
    );
    got.forEach(([, s], i) => assert.ok(Math.abs(s - want[i]!.score) < 1e-12));
  }
  assert.equal(hybrid.modelId, `${model.modelId}+bm25-rrf`);
});

test("evaluate() with a hybrid retriever reports retrieval metrics", async () => {
  const hybrid = new HybridRetriever({
    modelId: model.modelId,
    dim: model.dim,
    embedAll: (t, o) => model.embedAll(t, o),
  });
  const result = await evaluate(hybrid, task);
  const entry = result.scores["test"]![0]!;
  assert.equal(result.model_name, `${model.modelId}+bm25-rrf`);
  assert.ok((entry["ndcg_at_1"] as number) >= 2 / 3, `nDCG@1 ${String(entry["ndcg_at_1"])}`);
  assert.equal(entry.main_score, entry["ndcg_at_5"]);
});
