import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import {
  chunkedQrels,
  scoreChunkedRun,
  type EmbeddedChunk,
} from "../../src/eval/evaluators/evaluate-chunked-retrieval.js";
import type { ChunkedRetrievalTask } from "../../src/eval/tasks/chunked-retrieval-task.js";
import { loadQmsum, meetingText } from "../../src/eval/tasks/qmsum.js";
import { loadXquad } from "../../src/eval/tasks/xquad.js";

// The shared evaluation data, read in place (../shared/data beside the project). Missing data fails.
const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));

describe("chunked-retrieval task data", () => {
  it("QMSum validation: 35 meetings, 237 specific queries, spans on whole speaker turns", async () => {
    const t = await loadQmsum(DATA);
    assert.equal(t.documents.length, 35);
    assert.equal(t.queries.length, 237);
    const byId = new Map(t.documents.map((d) => [d.id, d.text]));
    for (const q of t.queries) {
      for (const g of q.gold) {
        const text = byId.get(g.doc)!;
        assert.ok(g.start >= 0 && g.end <= text.length && g.start < g.end, `${q.id}: span in range`);
        // A span starts at the start of a turn line and ends at the end of one.
        assert.ok(g.start === 0 || text[g.start - 1] === "\n", `${q.id}: starts at a turn`);
        assert.ok(g.end === text.length || text[g.end] === "\n", `${q.id}: ends at a turn`);
      }
    }
  });

  it("QMSum meeting text: turns as `speaker: content` lines with exact ranges", () => {
    const m = meetingText([
      { speaker: "A", content: "hello" },
      { speaker: "Grad B", content: "hi ." },
    ]);
    assert.equal(m.text, "A: hello\nGrad B: hi .");
    assert.deepEqual(m.turns, [
      [0, 8],
      [9, 21],
    ]);
    assert.equal(m.text.slice(...m.turns[1]!), "Grad B: hi .");
  });

  it("XQuAD English: 48 articles, 1190 questions, each gold span is its answer text", async () => {
    const t = await loadXquad(DATA);
    assert.equal(t.documents.length, 48);
    assert.equal(t.queries.length, 1190);
    const byId = new Map(t.documents.map((d) => [d.id, d.text]));
    assert.equal(
      t.documents.reduce((n, d) => n + d.text.split("\n\n").length, 0),
      240,
    );
    const first = t.queries[0]!;
    assert.equal(first.text, "How many points did the Panthers defense surrender?");
    assert.equal(byId.get(first.gold[0]!.doc)!.slice(first.gold[0]!.start, first.gold[0]!.end), "308");
    for (const q of t.queries) {
      const g = q.gold[0]!;
      assert.ok(g.end > g.start && g.end <= byId.get(g.doc)!.length);
    }
  });
});

/** Two documents, hand-built chunks and vectors in 2-D so every ranking is known. */
function toyTask(): { task: ChunkedRetrievalTask; chunks: Map<string, EmbeddedChunk[]> } {
  const task: ChunkedRetrievalTask = {
    type: "chunked-retrieval",
    name: "toy",
    split: "test",
    documents: [
      { id: "a", text: "0123456789" },
      { id: "b", text: "abcdefghij" },
    ],
    queries: [
      { id: "q1", text: "x", gold: [{ doc: "a", start: 4, end: 6 }] }, // overlaps a#0 [0,5) and a#1 [5,10)
      { id: "q2", text: "y", gold: [{ doc: "b", start: 0, end: 2 }] }, // overlaps b#0 only
    ],
  };
  const chunks = new Map<string, EmbeddedChunk[]>([
    [
      "a",
      [
        { start: 0, end: 5, vector: [1, 0] },
        { start: 5, end: 10, vector: [0.8, 0.6] },
      ],
    ],
    [
      "b",
      [
        { start: 0, end: 5, vector: [0, 1] },
        { start: 5, end: 10, vector: [0.6, 0.8] },
      ],
    ],
  ]);
  return { task, chunks };
}

describe("chunked-retrieval scoring", () => {
  it("a chunk is relevant when it overlaps a gold span; a document when it holds one", () => {
    const { task, chunks } = toyTask();
    const q = chunkedQrels(task, chunks);
    assert.deepEqual([...q.chunk.get("q1")!.keys()].sort(), ["a#0", "a#1"]);
    assert.deepEqual([...q.chunk.get("q2")!.keys()], ["b#0"]);
    assert.deepEqual([...q.document.get("q1")!.keys()], ["a"]);
    // Touching is not overlapping: [0,5) and [5,10) share no character.
    const touching = chunkedQrels(
      { ...task, queries: [{ id: "q", text: "", gold: [{ doc: "a", start: 5, end: 6 }] }] },
      chunks,
    );
    assert.deepEqual([...touching.chunk.get("q")!.keys()], ["a#1"]);
  });

  it("ranks every chunk by cosine; a document scores as its best chunk", () => {
    const { task, chunks } = toyTask();
    // q1 = [1,0]: a#0 (1.0), a#1 (0.8), b#1 (0.6), b#0 (0): both relevant chunks on top.
    // q2 = [1,0] too: b#0 is last of 4 chunks, b is second of 2 documents.
    const s = scoreChunkedRun(task, {
      queryVectors: [
        [1, 0],
        [1, 0],
      ],
      chunks,
    });
    assert.equal(s["chunk_recall_at_1"], 0.25); // q1 finds 1 of 2, q2 0 of 1
    assert.equal(s["chunk_ndcg_at_10"], (1 + 1 / Math.log2(5)) / 2);
    assert.equal(s["document_ndcg_at_1"], 0.5);
    assert.equal(s["document_ndcg_at_10"], (1 + 1 / Math.log2(3)) / 2);
    assert.equal(s.main_score, s["chunk_ndcg_at_10"]);
    assert.equal(s["chunks"], 4);
  });

  it("refuses a run that misses a document or a query vector", () => {
    const { task, chunks } = toyTask();
    chunks.delete("b");
    assert.throws(
      () =>
        scoreChunkedRun(task, {
          queryVectors: [
            [1, 0],
            [1, 0],
          ],
          chunks,
        }),
      /document "b" of toy has no chunks/,
    );
    assert.throws(() => scoreChunkedRun(task, { queryVectors: [[1, 0]], chunks }), /1 query vectors for the 2 queries/);
  });
});
