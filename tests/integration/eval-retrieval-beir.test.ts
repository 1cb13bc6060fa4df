/**
 * Retrieval end to end on a BEIR-layout folder with a real model (bge-small-en-v1.5, queries get
 * its instruction): a small corpus where each query has one clearly relevant document.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runEvalCommand } from "../../src/eval/command.js";
import { mainScore } from "../../src/eval/result.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const DOCS: Record<string, string> = {
  paris: "Paris is the capital and largest city of France, on the river Seine.",
  photosynthesis: "Photosynthesis is how plants use sunlight, water and carbon dioxide to make sugar and oxygen.",
  everest: "Mount Everest, in the Himalayas, is Earth's highest mountain above sea level.",
  python: "Python is a programming language known for readable syntax and a large standard library.",
  vaccine: "A vaccine trains the immune system to recognize a pathogen without causing the disease.",
  bitcoin: "Bitcoin is a decentralized digital currency recorded on a public blockchain.",
  jupiter: "Jupiter is the largest planet in the Solar System, a gas giant with a Great Red Spot.",
  espresso: "Espresso is coffee brewed by forcing hot water through finely ground beans under pressure.",
};
const QUERIES: Record<string, [string, string]> = {
  q1: ["what is the capital of France", "paris"],
  q2: ["how do plants turn light into energy", "photosynthesis"],
  q3: ["tallest mountain in the world", "everest"],
  q4: ["biggest planet orbiting the sun", "jupiter"],
  q5: ["how does immunization protect people", "vaccine"],
};

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "embedkit-beir-real-"));
  await mkdir(join(dir, "beir", "qrels"), { recursive: true });
  await writeFile(
    join(dir, "beir", "corpus.jsonl"),
    Object.entries(DOCS)
      .map(([id, text]) => JSON.stringify({ _id: id, title: "", text }))
      .join("\n"),
  );
  await writeFile(
    join(dir, "beir", "queries.jsonl"),
    Object.entries(QUERIES)
      .map(([id, [text]]) => JSON.stringify({ _id: id, text }))
      .join("\n"),
  );
  await writeFile(
    join(dir, "beir", "qrels", "test.tsv"),
    "query-id\tcorpus-id\tscore\n" +
      Object.entries(QUERIES)
        .map(([id, [, doc]]) => `${id}\t${doc}\t1`)
        .join("\n"),
  );
  await writeFile(join(dir, "task.json"), JSON.stringify({ type: "retrieval", name: "TinyFacts", dir: "beir" }));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a BEIR folder task runs end to end on a real model and ranks the relevant documents first", async () => {
  const { results } = await runEvalCommand({
    model: TEST_MODELS.bgeSmallEn,
    tasks: [join(dir, "task.json")],
    outputDir: join(dir, "results"),
    createEmbedder: (spec) => openTestModel(spec.model),
  });
  const result = results[0]?.result ?? assert.fail("no result");
  const scores = result.scores["test"]?.[0] as Record<string, unknown> | undefined;
  assert.ok(scores, "test split scores");
  assert.equal(scores["recall_at_1"], 1, `recall@1 ${String(scores["recall_at_1"])}`);
  assert.equal(mainScore(result), 1, "nDCG@10 is perfect when every relevant document ranks first");
});
