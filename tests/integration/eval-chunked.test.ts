/**
 * Chunked retrieval through evaluate() and runEvalCommand() on a slice of XQuAD built here (the
 * first 4 articles' paragraphs and their questions), all-MiniLM-L6-v2 int8, naive and late: the
 * run is scored per chunk and per document, filed under the chunking configuration, and far above
 * chance. The full QMSumChunked / XQuADChunked sweeps are run by the commands in the README.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { chunkingLabel, resolveTasks } from "../../src/eval/command.js";
import { evaluate } from "../../src/eval/evaluate.js";
import type { ChunkedRetrievalTask } from "../../src/eval/tasks/chunked-retrieval-task.js";
import { loadXquad } from "../../src/eval/tasks/xquad.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));
let model: TextEmbedding;
let slice: ChunkedRetrievalTask;
before(async () => {
  model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
  const full = await loadXquad(DATA);
  const docs = full.documents.slice(0, 4);
  const ids = new Set(docs.map((d) => d.id));
  slice = {
    ...full,
    name: "XQuADChunkedSlice",
    documents: docs,
    queries: full.queries.filter((q) => q.gold.every((g) => ids.has(g.doc))).slice(0, 60),
  };
});
after(async () => {
  await model?.dispose();
});

test("the chunked tasks are built-in names", async () => {
  const [q, x] = await resolveTasks(["QMSumChunked", "xquadchunked"], DATA);
  assert.equal(q!.type, "chunked-retrieval");
  assert.equal(x!.name, "XQuADChunked");
});

for (const strategy of ["naive", "late"] as const) {
  test(`evaluate() scores ${strategy} chunks per chunk and per document`, async () => {
    assert.ok(slice.queries.length >= 30);
    const r = await evaluate(model, slice, { chunking: { chunking: { strategy, by: "sentences", size: 64 } } });
    const s = r.scores[slice.split]![0]! as Record<string, number>;
    assert.equal(r.task_type, "chunked-retrieval");
    for (const k of ["chunk_ndcg_at_10", "chunk_recall_at_10", "document_ndcg_at_10", "document_recall_at_10"]) {
      assert.ok(s[k]! >= 0 && s[k]! <= 1, `${k} ${s[k]}`);
    }
    // 4 documents, so chance at the document level is about 1/4; chunks are many more.
    assert.ok(s["document_recall_at_1"]! > 0.5, `document recall@1 ${s["document_recall_at_1"]}`);
    assert.ok(s["chunk_ndcg_at_10"]! > 0.2, `chunk nDCG@10 ${s["chunk_ndcg_at_10"]}`);
    assert.ok(s["chunks"]! > slice.documents.length * 3);
  });
}

test("each chunking configuration is filed under its own result name", () => {
  assert.equal(chunkingLabel(undefined), "late-sentences-256");
  assert.equal(
    chunkingLabel({ chunking: { strategy: "naive", by: "tokens", size: 128, overlap: 16 } }),
    "naive-tokens-128-overlap16",
  );
});
