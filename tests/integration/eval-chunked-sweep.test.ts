/**
 * The chunked-retrieval sweep (evaluateChunkedSweep over TextEmbedding.embedChunkSweep) against
 * the single-configuration path it replaces: on a slice of XQuAD (2 articles, each longer than
 * all-MiniLM-L6-v2's 256-token window, so macro windows are in play), int8, every late chunk
 * vector of the sweep is bitwise the one embedChunks gives for that chunking alone, and every
 * score entry equals evaluate()'s. Bad sweep options are typed errors naming the option.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import type { ChunkOptions } from "../../src/chunking/chunk-types.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import type { ChunkSweepDocument } from "../../src/embed/late-chunk-sweep.js";
import { isEmbedkitError } from "../../src/errors.js";
import { evaluateChunkedSweep } from "../../src/eval/evaluate-chunked-sweep.js";
import { evaluate } from "../../src/eval/evaluate.js";
import type { ChunkedRetrievalTask } from "../../src/eval/tasks/chunked-retrieval-task.js";
import { loadXquad } from "../../src/eval/tasks/xquad.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));
const CHUNKINGS: ChunkOptions[] = [
  { by: "tokens", size: 64 },
  { by: "sentences", size: 128 },
];
let model: TextEmbedding;
let slice: ChunkedRetrievalTask;
before(async () => {
  model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
  const full = await loadXquad(DATA);
  const docs = full.documents.slice(0, 2);
  const ids = new Set(docs.map((d) => d.id));
  slice = {
    ...full,
    name: "XQuADChunkedSlice",
    documents: docs,
    queries: full.queries.filter((q) => q.gold.every((g) => ids.has(g.doc))).slice(0, 30),
  };
});
after(async () => {
  await model?.dispose();
});

test("the slice's documents need macro windows", async () => {
  const counts = await model.tokenCount(slice.documents.map((d) => d.text));
  assert.ok(
    counts.every((n) => n > model.maxTokens),
    `token counts ${counts.join(", ")}`,
  );
});

test("embedChunkSweep gives every chunking's late chunks bitwise as embedChunks does", async () => {
  const swept: ChunkSweepDocument[] = [];
  for await (const d of model.embedChunkSweep(slice.documents, { chunkings: CHUNKINGS })) swept.push(d);
  assert.equal(swept.length, slice.documents.length);
  for (const [k, c] of CHUNKINGS.entries()) {
    let i = 0;
    for await (const d of model.embedChunks(slice.documents, { chunking: { ...c, strategy: "late" } })) {
      const s = swept[i++]!;
      assert.equal(s.id, d.id);
      assert.equal(s.chunkings[k]!.length, d.chunks.length);
      d.chunks.forEach((ch, j) => {
        const sc = s.chunkings[k]![j]!;
        assert.deepEqual(
          [sc.index, sc.start, sc.end, sc.tokens, sc.text],
          [ch.index, ch.start, ch.end, ch.tokens, ch.text],
        );
        assert.deepEqual(sc.vector, ch.vector, `chunking ${k}, document ${i - 1}, chunk ${j}`);
      });
    }
  }
});

for (const strategy of ["late", "naive"] as const) {
  test(`evaluateChunkedSweep scores ${strategy} chunkings exactly as evaluate() does one by one`, async () => {
    const chunkings = strategy === "late" ? CHUNKINGS : CHUNKINGS.slice(0, 1);
    const results = await evaluateChunkedSweep(model, slice, { strategy, chunkings });
    assert.equal(results.length, chunkings.length);
    for (const [k, c] of chunkings.entries()) {
      const one = await evaluate(model, slice, { chunking: { chunking: { ...c, strategy } } });
      const label = `${strategy}-${c.by}-${c.size}`;
      assert.equal(results[k]!.task_name, `${slice.name}__${label}`);
      assert.equal(results[k]!.embedding_variant, `chunking=${label}`);
      assert.deepEqual(results[k]!.scores, one.scores, label);
    }
  });
}

test("bad sweep options are typed errors naming the option", async () => {
  const cases: [unknown, string][] = [
    [{ chunkings: [] }, "chunkings"],
    [{}, "chunkings"],
    [
      {
        chunkings: [
          { by: "tokens", size: 64 },
          { by: "tokens", size: 0 },
        ],
      },
      "chunkings[1].size",
    ],
    [{ chunkings: [{ by: "words", size: 64 }] }, "chunkings[0].by"],
    [{ chunkings: [{ by: "tokens", size: 64, overlap: 64 }] }, "chunkings[0].overlap"],
    [{ chunkings: [{ by: "tokens", size: 64 }], macroWindow: { window: 9999 } }, "macroWindow.window"],
  ];
  for (const [options, field] of cases) {
    await assert.rejects(
      async () => {
        for await (const _ of model.embedChunkSweep(["some text."], options as never)) void _;
      },
      (e: unknown) => isEmbedkitError(e) && e.code === "invalid_option" && e.details["field"] === field,
      field,
    );
  }
  // The model is still usable.
  const [v] = await model.embedAll(["still alive"]);
  assert.equal(v!.length, 384);
});
