/**
 * `eval --precision`: the quantized retriever's runs, the XQuADRetrieval task built from the
 * shared XQuAD file, and the eval command's typed errors for bad precision options.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ERROR_CODES, isEmbedkitError } from "../../src/errors.js";
import { runEvalCommand } from "../../src/eval/command.js";
import { QuantizedRetriever } from "../../src/eval/retrievers/quantized-retriever.js";
import { loadXquadRetrieval } from "../../src/eval/tasks/xquad-retrieval.js";
import { loadXquad } from "../../src/eval/tasks/xquad.js";
import { BagOfWordsTestEmbedder } from "./eval-bag-of-words-embedder.js";

const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));
const vocabulary = ["wing", "lift", "drag", "flow", "shock", "heat", "boundary", "layer"];
const documents = [
  "wing lift lift",
  "drag flow",
  "shock heat heat boundary",
  "boundary layer flow",
  "wing drag shock",
  "heat layer",
  "lift flow boundary layer",
  "wing wing heat",
].map((text, i) => ({ id: `d${i}`, text }));
const queries = [
  { id: "q1", text: "lift on the wing" },
  { id: "q2", text: "boundary layer heat" },
];

async function runOf(precision: "float32" | "binary" | "int8", rescore: boolean) {
  const embedder = new BagOfWordsTestEmbedder(vocabulary);
  const r = new QuantizedRetriever(embedder, { precision, rescore, rescoreMultiplier: 8, rescoreTopK: 3 });
  return r.retrieve({
    documents,
    queries,
    topK: 8,
    embed: (texts, promptName) => embedder.embedAll(texts, { promptName }),
  });
}

test("the quantized retriever ranks every document once; float32 is cosine order", async () => {
  const embedder = new BagOfWordsTestEmbedder(vocabulary);
  for (const precision of ["float32", "binary", "int8"] as const) {
    for (const rescore of precision === "float32" ? [false] : [false, true]) {
      const run = await runOf(precision, rescore);
      for (const q of queries) assert.equal(new Set(run.get(q.id)!.keys()).size, 8, `${precision} ${rescore}`);
    }
  }
  const run = await runOf("float32", false);
  const cos = (a: Float32Array, b: Float32Array): number => {
    const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
    return dot / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
  };
  const q = embedder.vector(queries[0]!.text);
  const expected = documents
    .map((d, i) => ({ id: d.id, s: cos(q, embedder.vector(d.text)), i }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((d) => d.id);
  const got = [...run.get("q1")!].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  assert.deepEqual(got, expected);
  // binary with rescoring of all 8 candidates: the head is the order of query · bits
  const rescored = await runOf("binary", true);
  const head = [...rescored.get("q1")!]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([id]) => id);
  const qn = q.map((x) => x / Math.hypot(...q));
  const bitsScore = (t: string): number => embedder.vector(t).reduce((s, x, i) => s + (x > 0 ? qn[i]! : 0), 0);
  const expectedHead = documents
    .map((d, i) => ({ id: d.id, s: bitsScore(d.text), i }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, 3)
    .map((d) => d.id);
  assert.deepEqual(head, expectedHead);
});

test("XQuADRetrieval: one document per paragraph, each question judged relevant to its own paragraph", async () => {
  const task = await loadXquadRetrieval(DATA);
  const chunked = await loadXquad(DATA);
  assert.equal(task.corpus.length, 240);
  assert.equal(task.queries.length, chunked.queries.length);
  const byId = new Map(task.corpus.map((d) => [d.id, d.text]));
  for (const q of chunked.queries) {
    const [paragraph] = [...task.qrels.get(q.id)!.keys()];
    const gold = q.gold[0]!;
    const answer = chunked.documents.find((d) => d.id === gold.doc)!.text.slice(gold.start, gold.end);
    assert.ok(byId.get(paragraph!)!.includes(answer), q.id);
  }
});

test("eval --precision: typed errors for bm25, hybrid, float32 rescoring, a bad multiplier or precision", async () => {
  const base = { tasks: ["Cranfield"], outputDir: "/tmp/unused", dataDir: DATA };
  const cases: [Parameters<typeof runEvalCommand>[0], string][] = [
    [{ ...base, model: "bm25", precision: { precision: "binary" } }, "precision"],
    [{ ...base, model: "BAAI/bge-small-en-v1.5", hybrid: "bm25", precision: { precision: "binary" } }, "precision"],
    [{ ...base, model: "BAAI/bge-small-en-v1.5", precision: { precision: "float32", rescore: true } }, "rescore"],
    [
      {
        ...base,
        model: "BAAI/bge-small-en-v1.5",
        precision: { precision: "binary", rescore: true, rescoreMultiplier: 0 },
      },
      "rescoreMultiplier",
    ],
    // @ts-expect-error: not a precision
    [{ ...base, model: "BAAI/bge-small-en-v1.5", precision: { precision: "int4" } }, "precision"],
  ];
  for (const [options, field] of cases) {
    await assert.rejects(runEvalCommand(options), (e: unknown) => {
      assert.ok(isEmbedkitError(e, ERROR_CODES.INVALID_OPTION), String(e));
      assert.equal(e.details.field, field);
      return true;
    });
  }
});
