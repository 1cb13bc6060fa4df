import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withNormalization } from "../../src/eval/command.js";
import { evaluate, type EvalProgress } from "../../src/eval/evaluate.js";
import { formatTaskResult, summarizeResult } from "../../src/eval/format-result.js";
import type {
  ClassificationTask,
  ClusteringTask,
  PairClassificationTask,
  RerankingTask,
  StsTask,
} from "../../src/eval/tasks/task-types.js";
import { BagOfWordsTestEmbedder } from "./eval-bag-of-words-embedder.js";

const VOCAB = ["cat", "dog", "fish", "bird", "tree", "car", "red", "blue"];
const close = (a: unknown, b: number, eps = 1e-9) => assert.ok(Math.abs((a as number) - b) <= eps, `${a} != ${b}`);
const entryOf = (r: Awaited<ReturnType<typeof evaluate>>) =>
  r.scores[Object.keys(r.scores)[0] as string]?.[0] ?? assert.fail();

describe("evaluate() with a deterministic fake embedder", () => {
  it("STS: correlations of the gold scores with cosine, Manhattan and Euclidean", async () => {
    // Cosines by hand: 1, 1/sqrt 2, 1/2, 0; gold grows with them, so both correlations of cosine are 1 for Spearman.
    const task: StsTask = {
      type: "sts",
      name: "TinySTS",
      split: "test",
      scoreRange: [0, 5],
      pairs: [
        { text1: "cat dog", text2: "dog cat", score: 5 },
        { text1: "cat", text2: "cat dog", score: 4 },
        { text1: "cat dog", text2: "cat fish", score: 2 },
        { text1: "cat", text2: "car", score: 0 },
      ],
    };
    const model = new BagOfWordsTestEmbedder(VOCAB);
    const r = await evaluate(model, task);
    const e = entryOf(r);
    close(e.main_score, 1);
    close(e["cosine_spearman"], 1);
    assert.equal(e["spearman"], e["cosine_spearman"]);
    assert.ok((e["cosine_pearson"] as number) > 0.9);
    assert.ok(typeof e["manhattan_spearman"] === "number" && typeof e["euclidean_pearson"] === "number");
    assert.deepEqual([...new Set(model.calls.map((c) => c.promptName))], ["symmetric"]);
    assert.equal(r.task_type, "sts");
    assert.deepEqual(Object.keys(r.scores), ["test"]);
  });

  it("classification: MTEB protocol on a learnable problem, deterministic across runs", async () => {
    const animals = ["cat", "dog", "fish", "bird"];
    const train = Array.from({ length: 40 }, (_, i) => ({
      text: `${animals[i % 4]} ${i % 3 === 0 ? "red" : "blue"}`,
      label: i % 4 < 2 ? "pet" : "wild",
    }));
    const task: ClassificationTask = {
      type: "classification",
      name: "TinyClassification",
      split: "test",
      train,
      test: [
        { text: "cat blue", label: "pet" },
        { text: "dog red", label: "pet" },
        { text: "fish blue", label: "wild" },
        { text: "bird red", label: "wild" },
      ],
      nExperiments: 3,
      samplesPerLabel: 10,
    };
    const progress: EvalProgress[] = [];
    const r1 = await evaluate(new BagOfWordsTestEmbedder(VOCAB), task, { onProgress: (p) => progress.push(p) });
    const e = entryOf(r1);
    close(e.main_score, 1);
    close(e["f1"], 1);
    assert.equal((e["scores_per_experiment"] as unknown[]).length, 3);
    assert.ok(progress.some((p) => p.stage === "train" && p.done === 3 && p.total === 3));
    assert.ok(progress.some((p) => p.stage === "embed"));
    const r2 = await evaluate(new BagOfWordsTestEmbedder(VOCAB), task);
    assert.deepEqual(entryOf(r2), e);
  });

  it("pair classification: AP of cosine is the main score", async () => {
    const task: PairClassificationTask = {
      type: "pair-classification",
      name: "TinyPairs",
      split: "test",
      pairs: [
        { text1: "cat dog", text2: "dog cat", label: 1 }, // cos 1
        { text1: "cat", text2: "cat fish", label: 1 }, // cos 1/sqrt 2
        { text1: "cat", text2: "car", label: 0 }, // cos 0
        { text1: "bird", text2: "bird tree red", label: 0 }, // cos 1/sqrt 3
      ],
    };
    const e = entryOf(await evaluate(new BagOfWordsTestEmbedder(VOCAB), task));
    close(e["cosine_ap"], 1); // both positives rank above both negatives
    close(e.main_score, 1);
    close(e["cosine_accuracy"], 1);
    close(e["cosine_accuracy_threshold"], (1 / Math.SQRT2 + 1 / Math.sqrt(3)) / 2);
    close(e["cosine_f1"], 1);
  });

  it("reranking: MAP and MRR@10 over samples with positives and negatives", async () => {
    const task: RerankingTask = {
      type: "reranking",
      name: "TinyRerank",
      split: "test",
      samples: [
        { query: "cat", positive: ["cat dog"], negative: ["cat", "car"] }, // positive ranks 2nd: AP 1/2, RR 1/2
        { query: "fish", positive: ["fish", "fish tree"], negative: ["bird"] }, // positives first: AP 1, RR 1
        { query: "tree", positive: [], negative: ["tree"] }, // dropped: no positive
      ],
    };
    const model = new BagOfWordsTestEmbedder(VOCAB);
    const e = entryOf(await evaluate(model, task));
    close(e["map"], (1 / 2 + 1) / 2);
    close(e["mrr_at_10"], (1 / 2 + 1) / 2);
    assert.equal(e["samples"], 2);
    assert.deepEqual([...new Set(model.calls.map((c) => c.promptName))].sort(), ["passage", "query"]);
  });

  it("clustering: V-measure of mini-batch k-means, per set, averaged", async () => {
    const words = ["cat", "car", "tree"];
    const texts = Array.from({ length: 30 }, (_, i) => `${words[i % 3]} ${words[i % 3]}`);
    const task: ClusteringTask = {
      type: "clustering",
      name: "TinyClusters",
      split: "test",
      sets: [
        { texts, labels: texts.map((t) => t.split(" ")[0] as string) },
        { texts: texts.slice(0, 12), labels: texts.slice(0, 12).map((t) => t.split(" ")[0] as string) },
      ],
    };
    const r = await evaluate(new BagOfWordsTestEmbedder(VOCAB), task);
    const e = entryOf(r);
    close(e["v_measure"], 1);
    close(e["v_measure_std"], 0);
    assert.equal((e["v_measures"] as number[]).length, 2);
    const lines = summarizeResult(r);
    assert.equal(lines[0]?.main, true);
    assert.match(formatTaskResult(r), /V-measure\s+100\.00 {2}\(main\)/);
  });
});

describe("withNormalization", () => {
  it("passes the normalization choice on every call, and nothing when it is undefined", async () => {
    const seen: unknown[] = [];
    const engine = {
      modelId: "m",
      dim: 2,
      quantization: "int8",
      embedAll: async (texts: readonly string[], options?: object) => {
        seen.push(options);
        return texts.map(() => new Float32Array(2));
      },
    };
    assert.equal(withNormalization(engine, undefined), engine);
    const wrapped = withNormalization(engine, false);
    await wrapped.embedAll(["a"], { promptName: "symmetric" });
    assert.deepEqual(seen, [{ promptName: "symmetric", normalize: false }]);
    assert.equal((wrapped as { quantization?: string }).quantization, "int8");
    assert.equal(wrapped.dim, 2);
  });
});
