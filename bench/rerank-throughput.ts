/**
 * Rerank speed: pairs/s of TextCrossEncoder.rerank on Cranfield, each query against `--docs`
 * abstracts (the shape of "rerank the top N hits"), for a few batch sizes; plus peak RSS. The
 * model is the test cross-encoder (a 6-layer MiniLM, the size of ms-marco-MiniLM-L-6-v2) from
 * the cache, unless --model says otherwise.
 *
 *   npx tsx bench/rerank-throughput.ts [--model ID|DIR] [--queries 10] [--docs 100]
 *                                      [--batch-sizes 16,32,64] [--threads N]
 */
import { parseArgs } from "node:util";
import { documentText } from "../src/eval/evaluators/evaluate-retrieval.js";
import { loadCranfield } from "../src/eval/tasks/cranfield.js";
import { TextCrossEncoder } from "../src/rerank/text-cross-encoder.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "embedkit-test/stsb-minilm-l6-cross-encoder" },
    "data-dir": { type: "string", default: new URL("../../shared/data", import.meta.url).pathname },
    queries: { type: "string", default: "10" },
    docs: { type: "string", default: "100" },
    "batch-sizes": { type: "string", default: "16,32,64" },
    threads: { type: "string" },
  },
});
const task = await loadCranfield(values["data-dir"]!);
const docs = task.corpus.slice(0, Number(values.docs)).map(documentText);
const queries = task.queries.slice(0, Number(values.queries)).map((q) => q.text);
const ce = await TextCrossEncoder.create({
  model: values.model!,
  ...(values.threads !== undefined ? { intraOpThreads: Number(values.threads) } : {}),
});
console.log(`model ${ce.modelId} (${ce.quantization}), ${queries.length} queries x ${docs.length} documents`);
await ce.rerank(queries[0]!, docs.slice(0, 8)); // warm-up
for (const batchSize of values["batch-sizes"]!.split(",").map(Number)) {
  const t0 = performance.now();
  for (const q of queries) await ce.rerank(q, docs, { batchSize, topK: 10 });
  const s = (performance.now() - t0) / 1000;
  const pairs = queries.length * docs.length;
  console.log(
    `batchSize ${String(batchSize).padStart(3)}: ${(pairs / s).toFixed(1)} pairs/s (${pairs} pairs in ${s.toFixed(2)} s)`,
  );
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await ce.dispose();
