import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EmbeddingCache } from "../../src/eval/cache.js";
import { runEvalCommand } from "../../src/eval/command.js";
import { evaluate } from "../../src/eval/evaluate.js";
import { loadBeirFolder } from "../../src/eval/tasks/beir-folder.js";
import { loadTaskFile } from "../../src/eval/tasks/task-file.js";
import { BagOfWordsTestEmbedder } from "./eval-bag-of-words-embedder.js";

const close = (a: unknown, b: number, eps = 1e-9) => assert.ok(Math.abs((a as number) - b) <= eps, `${a} != ${b}`);
const VOCAB = ["cat", "dog", "fish", "bird", "tree", "car"];

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "embedkit-eval-beir-"));
  const beir = join(dir, "beir");
  await mkdir(join(beir, "qrels"), { recursive: true });
  const corpus = [
    { _id: "d1", title: "Cat", text: "cat dog" }, // bag of words: cat 2, dog 1
    { _id: "d2", text: "cat" },
    { _id: "d3", title: "", text: "dog fish" },
    { _id: "d4", text: "bird tree" },
    { _id: "d5", text: "car" },
  ];
  await writeFile(join(beir, "corpus.jsonl"), corpus.map((d) => JSON.stringify(d)).join("\n") + "\n");
  const queries = [
    { _id: "q1", text: "cat" },
    { _id: "q2", text: "dog fish" },
    { _id: "q3", text: "tree" }, // no judgments in the split: not evaluated
  ];
  await writeFile(join(beir, "queries.jsonl"), queries.map((q) => JSON.stringify(q)).join("\n") + "\n");
  await writeFile(
    join(beir, "qrels", "test.tsv"),
    "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t1\nq2\td1\t1\nq2\td4\t1\n",
  );
  await writeFile(
    join(dir, "search.json"),
    JSON.stringify({ type: "retrieval", name: "TinySearch", dir: "beir", kValues: [1, 3, 5, 10] }),
  );
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Cosine rankings, worked out by hand:
//   q1 "cat":      d2 (1), d1 (2/sqrt 5), then d5, d4, d3 tied at 0 (trec_eval: id descending)
//   q2 "dog fish": d3 (1), d1 (1/sqrt 10), then d5, d4, d2 tied at 0
// q1 judgments d1=2, d2=1; q2 judgments d1=1, d4=1.
const expected = {
  ndcg_at_1: (1 / 2 + 0) / 2,
  ndcg_at_3: ((1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)) + 1 / Math.log2(3) / (1 + 1 / Math.log2(3))) / 2,
  ndcg_at_5:
    ((1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)) + (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3))) /
    2,
  map_at_3: ((1 / 1 + 2 / 2) / 2 + 1 / 2 / 2) / 2,
  map_at_5: ((1 / 1 + 2 / 2) / 2 + (1 / 2 + 2 / 4) / 2) / 2,
  recall_at_1: (1 / 2 + 0) / 2,
  recall_at_3: (1 + 1 / 2) / 2,
  recall_at_5: (1 + 1) / 2,
  mrr_at_1: (1 + 0) / 2,
  mrr_at_3: (1 + 1 / 2) / 2,
  precision_at_3: (2 / 3 + 1 / 3) / 2,
};

describe("retrieval end to end on a BEIR-layout folder", () => {
  it("loads the folder, keeping only judged queries", async () => {
    const task = await loadBeirFolder(join(dir, "beir"), { name: "TinySearch" });
    assert.deepEqual(
      task.queries.map((q) => q.id),
      ["q1", "q2"],
    );
    assert.equal(task.corpus.length, 5);
    assert.equal(task.qrels.get("q1")?.get("d1"), 2);
  });

  it("scores the known rankings, with query and passage prompts", async () => {
    const model = new BagOfWordsTestEmbedder(VOCAB);
    const result = await evaluate(model, await loadTaskFile(join(dir, "search.json")));
    const entry = result.scores["test"]?.[0];
    assert.ok(entry);
    for (const [k, v] of Object.entries(expected)) close(entry[k], v);
    assert.equal(entry.main_score, entry["ndcg_at_10"]);
    assert.equal(entry["queries"], 2);
    assert.deepEqual([...new Set(model.calls.map((c) => c.promptName))].sort(), ["passage", "query"]);
    // Titles are joined to the text: "Cat cat dog".
    assert.ok(model.calls.some((c) => c.texts.includes("Cat cat dog")));
  });

  it("runs as a command, writes an MTEB-layout result, and re-runs from the cache", async () => {
    const out = join(dir, "results");
    const cacheDir = join(dir, "cache");
    const first = new BagOfWordsTestEmbedder(VOCAB);
    const r1 = await runEvalCommand({
      model: first.modelId,
      tasks: [join(dir, "search.json")],
      outputDir: out,
      cacheDir,
      createEmbedder: async () => first,
    });
    const file = r1.results[0]?.file as string;
    assert.equal(file, join(out, "test__bag-of-words", "no_revision_available", "TinySearch.json"));
    const json = JSON.parse(await readFile(file, "utf8"));
    assert.equal(json.task_name, "TinySearch");
    assert.equal(json.model_name, "test/bag-of-words");
    assert.equal(typeof json.embedkit_version, "string");
    assert.equal(typeof json.evaluation_time, "number");
    assert.equal(json.scores.test[0].hf_subset, "default");
    close(json.scores.test[0].main_score, json.scores.test[0].ndcg_at_10);
    assert.ok(first.disposed);
    assert.ok(first.embeddedTexts > 0);

    // Same task again: the existing result file is reused, no model is even created.
    const r2 = await runEvalCommand({
      model: first.modelId,
      tasks: [join(dir, "search.json")],
      outputDir: out,
      cacheDir,
      createEmbedder: async () => assert.fail("the model should not be loaded"),
    });
    assert.equal(r2.results[0]?.reused, true);

    // Forced re-run: every embedding comes from the cache, and the scores are identical.
    const second = new BagOfWordsTestEmbedder(VOCAB);
    const r3 = await runEvalCommand({
      model: second.modelId,
      tasks: [join(dir, "search.json")],
      outputDir: out,
      cacheDir,
      overwrite: true,
      createEmbedder: async () => second,
    });
    assert.equal(second.embeddedTexts, 0);
    const { evaluation_time: _t1, date: _d1, ...a } = r1.results[0]?.result ?? {};
    const { evaluation_time: _t3, date: _d3, ...b } = r3.results[0]?.result ?? {};
    assert.deepEqual(a, b);
    assert.ok(existsSync(cacheDir));
  });

  it("the cache is keyed by prompt name: the same text under another prompt is embedded again", async () => {
    const cache = new EmbeddingCache(join(dir, "cache-prompts"));
    const model = new BagOfWordsTestEmbedder(VOCAB);
    await cache.embed(model, ["cat dog", "cat dog", "fish"], { promptName: "query" });
    assert.equal(model.embeddedTexts, 2); // distinct texts only
    await cache.embed(model, ["cat dog"], { promptName: "query" });
    assert.equal(model.embeddedTexts, 2);
    await cache.embed(model, ["cat dog"], { promptName: "passage" });
    assert.equal(model.embeddedTexts, 3);
    // A new cache object on the same folder reads what was stored.
    const reopened = new EmbeddingCache(join(dir, "cache-prompts"));
    const v = await reopened.embed(model, ["fish", "cat dog"], { promptName: "query" });
    assert.equal(model.embeddedTexts, 3);
    assert.deepEqual(Array.from(v[1] as Float32Array), [1, 1, 0, 0, 0, 0]);
  });
});
