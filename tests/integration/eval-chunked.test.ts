/**
 * Chunked retrieval through evaluate() and runEvalCommand() on a slice of XQuAD built here (the
 * first 4 articles' paragraphs and their questions), all-MiniLM-L6-v2 int8, naive and late: the
 * run is scored per chunk and per document, filed under the chunking configuration, and far above
 * chance; through the vector index's exact search it scores as exact search does, and ANN and
 * binary search stay close. The full QMSumChunked / XQuADChunked sweeps are run by the commands
 * in the README.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { chunkingLabel, resolveTasks } from "../../src/eval/command.js";
import { EmbeddingCache } from "../../src/eval/cache.js";
import { evaluate } from "../../src/eval/evaluate.js";
import { QuantizedRetriever } from "../../src/eval/retrievers/quantized-retriever.js";
import { isEmbedkitError } from "../../src/errors.js";
import { IndexRetriever } from "../../src/index/index-retriever.js";
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

test("chunked tasks through a vector index and at compact precisions; chunks embedded once per configuration", async () => {
  const cacheDir = await mkdtemp(join(tmpdir(), "embedkit-eval-chunk-cache-"));
  try {
    const cache = new EmbeddingCache(cacheDir);
    let chunkCalls = 0;
    const counted = {
      modelId: model.modelId,
      dim: model.dim,
      quantization: "int8",
      embedAll: model.embedAll.bind(model),
      embedChunks: (...args: Parameters<TextEmbedding["embedChunks"]>) => {
        chunkCalls++;
        return model.embedChunks(...args);
      },
    };
    const chunking = { chunking: { strategy: "naive" as const, by: "sentences" as const, size: 64 } };
    const opts = { cache, chunking, variant: "chunking=naive-sentences-64" };
    const scores = async (m: Parameters<typeof evaluate>[0]) =>
      (await evaluate(m, slice, opts)).scores[slice.split]![0]! as Record<string, number>;
    const exact = await scores(counted);
    assert.equal(chunkCalls, 1);
    // The index's exact (flat) search is exact search: the same chunk and document rankings.
    const viaIndex = await scores(new IndexRetriever(counted, { mode: "exact" }));
    const ann = await scores(new IndexRetriever(counted, { mode: "ann" }));
    const binary = await scores(new QuantizedRetriever(counted, { precision: "binary" }));
    const rescored = await scores(new IndexRetriever(counted, { mode: "exact", precision: "binary", rescore: 4 }));
    assert.equal(chunkCalls, 1, "the later runs read the chunks from the cache");
    for (const k of ["chunk_ndcg_at_10", "chunk_recall_at_20", "document_ndcg_at_10", "document_mrr_at_20"]) {
      assert.ok(Math.abs(viaIndex[k]! - exact[k]!) < 1e-9, `${k}: index ${viaIndex[k]} exact ${exact[k]}`);
    }
    assert.equal(viaIndex["chunks"], exact["chunks"]);
    // ANN and binary are approximations of the same ranking: close to exact, not unrelated to it.
    for (const s of [ann, binary, rescored]) assert.ok(s["chunk_ndcg_at_10"]! > 0.7 * exact["chunk_ndcg_at_10"]!);
    assert.notDeepEqual(binary, exact, "binary search ranks by Hamming distance, not cosine");
    // A ranker on a non-retrieval task names what it runs.
    await assert.rejects(
      evaluate(new QuantizedRetriever(counted, { precision: "int8" }), {
        type: "sts",
        name: "TinySts",
        split: "test",
        pairs: [{ a: "a", b: "b", score: 1 }],
      } as never),
      (e: unknown) =>
        isEmbedkitError(e, "invalid_task") && /runs retrieval and chunked-retrieval tasks only/.test(String(e)),
    );
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});
