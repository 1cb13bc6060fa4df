/**
 * The evaluation harness on real models: STSBenchmark (test split, 1379 pairs) reproduces the
 * published MTEB scores (Spearman of cosine x100, ../shared/data/published-mteb.json) within 0.3.
 * Models come from the embedkit cache (`npm run fetch-models`); a missing model fails the test.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { runEvalCommand } from "../../src/eval/command.js";
import { mainScore } from "../../src/eval/result.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));
const PUBLISHED = JSON.parse(readFileSync(join(DATA, "published-mteb.json"), "utf8")) as {
  scores: Record<string, Record<string, number>>;
};

let out: string;
before(async () => {
  out = await mkdtemp(join(tmpdir(), "embedkit-eval-sts-"));
});
after(async () => {
  await rm(out, { recursive: true, force: true });
});

describe("STSBenchmark reproduces published MTEB scores", () => {
  for (const model of [TEST_MODELS.bgeSmallEn, TEST_MODELS.miniLM, TEST_MODELS.e5Small]) {
    it(`${model}: within 0.3 of the published score`, async () => {
      const published = PUBLISHED.scores[model]?.["STSBenchmark"];
      assert.equal(typeof published, "number");
      const started = performance.now();
      const { results } = await runEvalCommand({
        model,
        tasks: ["STSBenchmark"],
        dataDir: DATA,
        outputDir: out,
        cacheDir: join(out, "cache"),
        createEmbedder: (spec) => openTestModel(spec.model),
      });
      const score = mainScore(results[0]?.result ?? assert.fail()) * 100;
      const seconds = (performance.now() - started) / 1000;
      console.log(`  ${model} STSBenchmark ${score.toFixed(2)} (published ${published}) in ${seconds.toFixed(1)} s`);
      assert.ok(Math.abs(score - (published as number)) <= 0.3, `${score.toFixed(2)} vs published ${published}`);
    });
  }
});

describe("STSBenchmark with the int8 export", () => {
  it(`${TEST_MODELS.bgeSmallEn} int8: within 1.0 of the published (fp32) score`, async () => {
    const published = PUBLISHED.scores[TEST_MODELS.bgeSmallEn]!["STSBenchmark"]!;
    const { results } = await runEvalCommand({
      model: TEST_MODELS.bgeSmallEn,
      quantization: "int8",
      tasks: ["STSBenchmark"],
      dataDir: DATA,
      outputDir: out,
      createEmbedder: (spec) => openTestModel(spec.model, { quantization: "int8" }),
    });
    assert.equal(results[0]?.result.quantization, "int8");
    const score = mainScore(results[0]?.result ?? assert.fail()) * 100;
    console.log(`  ${TEST_MODELS.bgeSmallEn} int8 STSBenchmark ${score.toFixed(2)} (published fp32 ${published})`);
    assert.ok(Math.abs(score - published) <= 1.0, `${score.toFixed(2)} vs published ${published}`);
  });
});
