/**
 * `embedkit eval --model bm25 --task Cranfield`: the Cranfield loader (1,400 documents, 225
 * queries, 1,837 judgments, gains 5 - code) and BM25 retrieval, whose nDCG@10 must agree with
 * the reference implementation's (bm25s + pytrec_eval on the same terms,
 * tests/golden/cranfield-bm25-reference.json, scripts/golden/bm25/make-reference.sh --cranfield)
 * within 0.5 points. No model files needed.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { runEvalCommand } from "../../src/eval/command.js";
import { mainScore } from "../../src/eval/result.js";
import { loadCranfield } from "../../src/eval/tasks/cranfield.js";
import { isEmbedkitError } from "../../src/errors.js";

const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));
const REFERENCE = JSON.parse(
  readFileSync(new URL("../golden/cranfield-bm25-reference.json", import.meta.url), "utf8"),
) as { ndcg_at_10: number; queries: number };

let out: string;
before(async () => {
  out = await mkdtemp(join(tmpdir(), "embedkit-eval-cranfield-"));
});
after(async () => {
  await rm(out, { recursive: true, force: true });
});

describe("Cranfield with BM25", () => {
  test("the loader reads the whole collection with graded gains", async () => {
    const task = await loadCranfield(DATA);
    assert.equal(task.corpus.length, 1400);
    assert.equal(task.queries.length, 225);
    let judgments = 0;
    const gains = new Map<number, number>();
    for (const m of task.qrels.values()) {
      judgments += m.size;
      for (const g of m.values()) gains.set(g, (gains.get(g) ?? 0) + 1);
    }
    assert.equal(judgments, 1837);
    // PROVENANCE.md: codes 1 (128), 2 (387), 3 (734), 4 (363), -1 (225) -> gains 4, 3, 2, 1, 0
    assert.deepEqual(Object.fromEntries([...gains].sort()), { 0: 225, 1: 363, 2: 734, 3: 387, 4: 128 });
    assert.equal(task.queries[0]!.id, "1");
  });

  test("nDCG@10 agrees with bm25s + pytrec_eval within 0.5 points", async () => {
    const { results } = await runEvalCommand({ model: "bm25", tasks: ["Cranfield"], dataDir: DATA, outputDir: out });
    const score = 100 * mainScore(results[0]!.result);
    assert.ok(Math.abs(score - REFERENCE.ndcg_at_10) <= 0.5, `embedkit ${score}, reference ${REFERENCE.ndcg_at_10}`);
    assert.equal(results[0]!.result.model_name, "bm25");
  });

  test("bm25 refuses tasks that need dense vectors; bad hybrid options are typed errors", async () => {
    await assert.rejects(
      runEvalCommand({ model: "bm25", tasks: ["STSBenchmark"], dataDir: DATA, outputDir: out }),
      (e: unknown) => isEmbedkitError(e, "invalid_task") && /retrieval tasks only/.test(e.message),
    );
    await assert.rejects(
      runEvalCommand({ model: "bm25", hybrid: "bm25", tasks: ["Cranfield"], dataDir: DATA, outputDir: out }),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && e.details["field"] === "hybrid",
    );
    await assert.rejects(
      runEvalCommand({
        model: "BAAI/bge-small-en-v1.5",
        hybrid: "bm25",
        fusion: "max" as "rrf",
        tasks: ["Cranfield"],
        dataDir: DATA,
        outputDir: out,
      }),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && e.details["field"] === "fusion",
    );
  });
});
