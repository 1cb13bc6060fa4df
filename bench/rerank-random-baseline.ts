/**
 * bench:rerank-baseline: what a reranker that knows nothing scores. The dense first stage's top N
 * per query are put in a seeded random order (the pair scorer returns random numbers) and scored
 * as `embedkit eval --rerank` scores a real cross-encoder, through the same RerankRetriever and
 * metrics. A real reranker's nDCG@10 should be read against this floor and the dense ceiling:
 * near the floor means its scores carry no relevance signal for the task.
 *
 *   npx tsx bench/rerank-random-baseline.ts [--model BAAI/bge-small-en-v1.5] [--task Cranfield]
 *     [--rerank-top 100] [--seeds 10] [--data-dir ../shared/data]
 *
 * Embeddings come from the eval cache (<model cache>/eval-embeddings), so after one
 * `embedkit eval` of the model on the task nothing is re-embedded.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { TextEmbedding } from "../src/index.js";
import { EmbeddingCache, evaluate, loadBuiltinTask, withNormalization } from "../src/eval/index.js";
import { Mt19937 } from "../src/eval/random/mt19937.js";
import { RerankRetriever } from "../src/eval/retrievers/rerank-retriever.js";
import type { BuiltinTaskName } from "../src/eval/tasks/builtin-tasks.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "BAAI/bge-small-en-v1.5" },
    task: { type: "string", default: "Cranfield" },
    "rerank-top": { type: "string", default: "100" },
    seeds: { type: "string", default: "10" },
    "data-dir": { type: "string", default: "../shared/data" },
    "embedding-cache": {
      type: "string",
      default: join(process.env["EMBEDKIT_CACHE"] ?? join(homedir(), ".cache", "embedkit"), "eval-embeddings"),
    },
  },
});

const task = await loadBuiltinTask(values.task as BuiltinTaskName, { dataDir: values["data-dir"]! });
const engine = await TextEmbedding.create({ model: values.model!, store: { offline: true } });
const dense = withNormalization(engine, undefined);
const cache = new EmbeddingCache(values["embedding-cache"]!);
const top = Number(values["rerank-top"]);
const main = async (embedder: Parameters<typeof evaluate>[0]) => {
  const r = await evaluate(embedder, task, { cache });
  const s = r.scores["test"]![0]!;
  return { ndcg: (s["ndcg_at_10"] as number) * 100, recall100: (s["recall_at_100"] as number) * 100 };
};
const first = await main(dense);
console.log(
  `${values.task}, ${values.model}: dense nDCG@10 ${first.ndcg.toFixed(2)}, Recall@100 ${first.recall100.toFixed(2)}`,
);
const scores: number[] = [];
for (let seed = 1; seed <= Number(values.seeds); seed++) {
  const rng = new Mt19937(seed);
  const shuffled = new RerankRetriever(
    dense,
    { kind: "pair-scorer", modelId: "random", scorePairs: async (pairs) => pairs.map(() => rng.nextDouble()) },
    top,
  );
  const r = await main(shuffled);
  scores.push(r.ndcg);
  console.log(`  seed ${seed}: top ${top} in random order, nDCG@10 ${r.ndcg.toFixed(2)}`);
}
const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length - 1));
console.log(
  `random order of the dense top ${top}: nDCG@10 mean ${mean.toFixed(2)}, sd ${sd.toFixed(2)} over ${scores.length} seeds`,
);
await engine.dispose();
