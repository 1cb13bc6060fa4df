/**
 * `eval --index`: the index retriever (real LanceDB in a temporary folder) ranks a small corpus
 * as exact search does (exact and ANN), its binary head rescored against the bits is
 * QuantizedRetriever's head, and the flags' and command's typed errors. The embedder is the
 * hand-countable bag-of-words test embedder (the model does not matter here; the index does).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import type { PromptName } from "../../src/types.js";
import { runEvalCommand } from "../../src/eval/command.js";
import type { Run } from "../../src/eval/metrics/retrieval-metrics.js";
import { QuantizedRetriever } from "../../src/eval/retrievers/quantized-retriever.js";
import { IndexRetriever, indexLabel, type IndexRetrieverOptions } from "../../src/index/index-retriever.js";
import { indexWrapperFrom } from "../../src/cli/eval-index-flags.js";
import { BagOfWordsTestEmbedder } from "../unit/eval-bag-of-words-embedder.js";

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
  { id: "q3", text: "shock drag flow" },
];
const embedder = new BagOfWordsTestEmbedder(vocabulary);
const input = {
  documents,
  queries,
  topK: 8,
  embed: (texts: readonly string[], promptName: PromptName) => embedder.embedAll(texts, { promptName }),
};

const ranking = (run: Run, q: string): string[] => [...run.get(q)!].sort((a, b) => b[1] - a[1]).map(([id]) => id);

function cos(a: Float32Array, b: Float32Array): number {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  return dot / Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
}

test("exact and ANN index runs rank every document in cosine order; binary+bits head is QuantizedRetriever's", async () => {
  const text = new Map(documents.map((d) => [d.id, d.text]));
  for (const options of [
    { mode: "exact" },
    { mode: "ann", ann: { type: "ivf_hnsw_sq" } },
    { mode: "ann", ann: { type: "ivf_flat" }, search: { nprobes: 8 } },
  ] as IndexRetrieverOptions[]) {
    const run = await new IndexRetriever(embedder, options).retrieve(input);
    for (const q of queries) {
      const order = ranking(run, q.id);
      assert.equal(new Set(order).size, 8, indexLabel(options));
      const qv = embedder.vector(q.text);
      const scores = order.map((id) => cos(qv, embedder.vector(text.get(id)!)));
      const sorted = [...scores].sort((a, b) => b - a);
      scores.forEach((s, i) => assert.ok(Math.abs(s - sorted[i]!) < 1e-6, `${indexLabel(options)} ${q.id}: ${order}`));
    }
  }
  // binary, rescored against the bits: the head as QuantizedRetriever's (ids d0..d7 sort as the rows)
  const options: IndexRetrieverOptions = {
    mode: "exact",
    precision: "binary",
    rescore: 2,
    rescoreWith: "bits",
    rescoreTopK: 3,
  };
  const run = await new IndexRetriever(embedder, options).retrieve(input);
  const want = await new QuantizedRetriever(embedder, {
    precision: "binary",
    rescore: true,
    rescoreMultiplier: 2,
    rescoreTopK: 3,
  }).retrieve(input);
  for (const q of queries) assert.deepEqual(ranking(run, q.id), ranking(want, q.id), q.id);
  assert.equal(indexLabel(options), "index-exact-binary-rescore2-bits");
});

test("eval --index flags and command: typed errors naming the flag", async () => {
  const bad = (values: Parameters<typeof indexWrapperFrom>[0], flag: string, re: RegExp) => {
    assert.throws(
      () => indexWrapperFrom(values),
      (e: unknown) => {
        assert.ok(isEmbedkitError(e) && e.code === "invalid_option", String(e));
        assert.equal(e.details["flag"] ?? e.details["field"], flag, e.message);
        assert.match(e.message, re);
        return true;
      },
    );
  };
  bad({ index: "sideways" }, "--index", /must be exact or ann, got "sideways"/);
  bad({ nprobes: "5" }, "--nprobes", /applies with --index/);
  bad({ index: "ann", precision: ["binary"] }, "--index", /must be exact with --precision binary/);
  bad({ index: "exact", "ann-type": "ivf_pq" }, "--index", /must be ann with --ann-type/);
  bad({ index: "ann", "ann-type": "hnsw" }, "--ann-type", /one of ivf_hnsw_sq, ivf_pq, ivf_flat/);
  bad({ index: "exact", rescore: "4" }, "--rescore", /applies to --precision binary/);
  bad({ index: "exact", precision: ["int8"] }, "--precision", /one of float32, binary, got "int8"/);
  bad({ index: "exact", precision: ["float32", "binary"] }, "--precision", /one value with --index/);
  assert.equal(indexWrapperFrom({ index: "ann", "ann-type": "ivf_pq" })?.label, "index-ann-ivf_pq");

  const out = await mkdtemp(join(tmpdir(), "embedkit-eval-index-"));
  try {
    await assert.rejects(
      runEvalCommand({
        model: "bm25",
        tasks: ["Cranfield"],
        outputDir: out,
        index: indexWrapperFrom({ index: "exact" })!,
      }),
      (e: unknown) => isEmbedkitError(e) && e.code === "invalid_option" && e.details["field"] === "index",
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
