/**
 * The per-model chunking recommendations (the `chunking` field of registry records): each is a
 * configuration embedChunks accepts for that model (a naive size within the window less the
 * special tokens); ids without a record, or not embedding models, have none.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { chunkingRecommendation, getModelSpec, MODEL_IDS } from "../../src/models/registry.js";

test("every recommendation is a registry record's and fits its window", () => {
  const ids = MODEL_IDS.filter((id) => getModelSpec(id).chunking !== undefined);
  assert.ok(ids.length >= 3);
  for (const id of ids) {
    const r = chunkingRecommendation(id)!;
    assert.equal(r, getModelSpec(id).chunking);
    assert.ok(["late", "naive"].includes(r.strategy));
    assert.ok(["tokens", "sentences"].includes(r.by));
    assert.ok(Number.isInteger(r.size) && r.size > 0);
    if (r.strategy === "naive") assert.ok(r.size <= getModelSpec(id).maxTokens - 2, `${id} size ${r.size}`);
    assert.ok(r.evidence.length > 20);
  }
  assert.equal(chunkingRecommendation("no/such-model"), undefined);
  assert.equal(chunkingRecommendation("embedkit-test/stsb-minilm-l6-cross-encoder"), undefined);
});
