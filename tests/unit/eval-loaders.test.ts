import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { undersamplingPlan } from "../../src/eval/evaluators/evaluate-classification.js";
import { parseCsv } from "../../src/eval/tasks/parse-csv.js";
import { loadBanking77 } from "../../src/eval/tasks/banking77.js";
import { loadStsBenchmark } from "../../src/eval/tasks/sts-benchmark.js";

// The shared evaluation data, read in place (../shared/data beside the project). Missing data fails the tests, never skips them.
const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));

describe("CSV parsing", () => {
  it("handles quotes, doubled quotes, commas and line breaks in fields, CRLF", () => {
    assert.deepEqual(parseCsv('text,category\r\n"a, ""b""",c1\r\n"two\nlines",c2\r\nplain,c3'), [
      ["text", "category"],
      ['a, "b"', "c1"],
      ["two\nlines", "c2"],
      ["plain", "c3"],
    ]);
    assert.deepEqual(parseCsv("a,\n"), [["a", ""]]);
    assert.throws(() => parseCsv('"open'), /unterminated quoted field/);
  });
});

describe("built-in task data", () => {
  it("STSBenchmark test: 1379 pairs, gold 0-5, sentences with quotes intact", async () => {
    const t = await loadStsBenchmark(DATA);
    assert.equal(t.pairs.length, 1379);
    assert.ok(t.pairs.every((p) => p.score >= 0 && p.score <= 5 && p.text1 !== "" && p.text2 !== ""));
    assert.deepEqual(t.pairs[0], {
      text1: "A girl is styling her hair.",
      text2: "A girl is brushing her hair.",
      score: 2.5,
    });
  });

  it("Banking77: 10003 train and 3080 test texts over 77 labels", async () => {
    const t = await loadBanking77(DATA);
    assert.equal(t.train.length, 10003);
    assert.equal(t.test.length, 3080);
    assert.equal(new Set(t.train.map((r) => r.label)).size, 77);
    assert.equal(new Set(t.test.map((r) => r.label)).size, 77);
  });

  it("MTEB undersampling: 8 per label, 10 experiments, deterministic", async () => {
    const t = await loadBanking77(DATA);
    const plan = undersamplingPlan(t.train, 10, 8, 42);
    assert.equal(plan.length, 10);
    for (const chosen of plan) {
      assert.equal(chosen.length, 77 * 8);
      const counts = new Map<string, number>();
      for (const i of chosen)
        counts.set(t.train[i]?.label as string, (counts.get(t.train[i]?.label as string) ?? 0) + 1);
      assert.ok([...counts.values()].every((c) => c === 8));
    }
    assert.deepEqual(undersamplingPlan(t.train, 10, 8, 42), plan);
    // numpy: np.random.seed(42); idx = np.arange(10003); np.random.shuffle(idx); idx[:3] -> [6883 5836 8601]
    assert.deepEqual(plan[0]?.slice(0, 3), [6883, 5836, 8601]);
  });
});
