/**
 * The per-model chunking recommendations (src/models/chunking-recommendation.ts): each is keyed by
 * a registry id and is a configuration embedChunks accepts for that model (a naive size within
 * the window less the special tokens); unknown ids have none.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CHUNKING_RECOMMENDATIONS, chunkingRecommendation } from "../../src/models/chunking-recommendation.js";
import { getModelSpec, isModelId } from "../../src/models/registry.js";

test("every recommendation names a registry model and fits its window", () => {
  const ids = Object.keys(CHUNKING_RECOMMENDATIONS);
  assert.ok(ids.length >= 3);
  for (const id of ids) {
    assert.ok(isModelId(id), id);
    const r = chunkingRecommendation(id)!;
    assert.ok(["late", "naive"].includes(r.strategy));
    assert.ok(["tokens", "sentences"].includes(r.by));
    assert.ok(Number.isInteger(r.size) && r.size > 0);
    if (r.strategy === "naive") assert.ok(r.size <= getModelSpec(id).maxTokens - 2, `${id} size ${r.size}`);
    assert.ok(r.evidence.length > 20);
  }
  assert.equal(chunkingRecommendation("no/such-model"), undefined);
});
