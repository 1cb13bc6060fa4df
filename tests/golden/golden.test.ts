/**
 * Golden tests: embedkit's fp32 vectors against reference vectors computed by an independent
 * implementation (Python onnxruntime + HF tokenizers + numpy pooling; scripts/golden/).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

interface GoldenCase {
  id: string;
  prefix: string;
  text: string;
  untruncatedTokenCount: number;
  truncated: boolean;
  tokenIds: number[];
  vector: number[];
}
interface GoldenFile {
  model: string;
  dim: number;
  cases: GoldenCase[];
}

function load(model: string): GoldenFile {
  return JSON.parse(readFileSync(new URL(`./${model.replace("/", "__")}.json`, import.meta.url), "utf8")) as GoldenFile;
}

for (const modelId of Object.values(TEST_MODELS)) {
  describe(`golden vectors: ${modelId}`, () => {
    const golden = load(modelId);
    let model: TextEmbedding;
    before(async () => {
      model = await openTestModel(modelId);
    });
    after(async () => {
      await model?.dispose();
    });

    test(`has at least 20 varied reference texts`, () => {
      assert.ok(golden.cases.length >= 20, `${golden.cases.length} cases`);
      assert.ok(
        golden.cases.some((c) => c.truncated),
        "an over-length text is among the cases",
      );
    });

    test("token ids equal the reference tokenizer's", async () => {
      for (const c of golden.cases) {
        const { ids } = await model.tokenizer.tokens(c.prefix + c.text);
        assert.equal(ids.length, c.untruncatedTokenCount, `${c.id}: token count`);
        if (!c.truncated) assert.deepEqual(ids, c.tokenIds, `${c.id}: ids`);
      }
    });

    test("fp32 vectors match the reference with cosine >= 0.9999 (batched as embedkit batches)", async () => {
      const byPrefix = new Map<string, GoldenCase[]>();
      for (const c of golden.cases) byPrefix.set(c.prefix, [...(byPrefix.get(c.prefix) ?? []), c]);
      for (const [prefix, cases] of byPrefix) {
        // The prefix is applied as plain text, exactly as the reference did.
        const got = await model.embedDetailed(cases.map((c) => prefix + c.text));
        cases.forEach((c, i) => {
          const cos = cosineSimilarity(Float32Array.from(c.vector), got.vectors[i]!);
          assert.ok(cos >= 0.9999, `${c.id} (prefix ${JSON.stringify(prefix)}): cosine ${cos}`);
          assert.equal(got.truncated[i], c.truncated, `${c.id}: truncation reported`);
          assert.equal(got.vectors[i]!.length, golden.dim);
        });
      }
    });
  });
}
