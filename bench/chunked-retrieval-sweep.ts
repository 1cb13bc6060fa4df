/**
 * bench:chunk-sweep: the chunked-retrieval table, naive vs late chunking at several chunk sizes,
 * for one model on QMSumChunked and XQuADChunked. A quality sweep, not a speed figure: it lives
 * here because it is a long run whose raw output is kept under bench/results/. Late chunking runs
 * each document (window) through the model once for every chunking (evaluateChunkedSweep over
 * TextEmbedding.embedChunkSweep); naive chunking embeds each chunking's chunks. Every result is
 * written as `embedkit eval` writes it (MTEB layout, `<task>__<strategy>-<by>-<size>.json`), so a
 * single configuration can be checked with `embedkit eval --chunk ...`.
 *
 *   npx tsx bench/chunked-retrieval-sweep.ts --model BAAI/bge-small-en-v1.5 \
 *     [--task QMSumChunked --task XQuADChunked] [--sizes 64,128,256] [--sentences 256] \
 *     [--strategy late --strategy naive] [--docs N] [--data-dir ../shared/data] [--output-dir DIR]
 *
 * `--docs N` keeps each task's first N documents and the queries on them (a subset, said in the
 * output). MiniLM's window is 256 tokens, so its naive chunks hold at most 254: pass --sizes 64,128,254.
 */
import { parseArgs } from "node:util";
import { TextEmbedding } from "../src/index.js";
import { EmbeddingCache, evaluateChunkedSweep, loadBuiltinTask, writeResult } from "../src/eval/index.js";
import type { ChunkOptions } from "../src/chunking/chunk-types.js";
import type { ChunkedRetrievalTask } from "../src/eval/tasks/chunked-retrieval-task.js";
import { loadavg } from "node:os";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "BAAI/bge-small-en-v1.5" },
    quantization: { type: "string", default: "fp32" },
    task: { type: "string", multiple: true },
    sizes: { type: "string", default: "64,128,256" },
    sentences: { type: "string", default: "256" },
    strategy: { type: "string", multiple: true },
    docs: { type: "string" },
    "data-dir": { type: "string", default: "../shared/data" },
    "output-dir": { type: "string", default: "results" },
    "embedding-cache": { type: "string" },
  },
});
const tasks = values.task ?? ["XQuADChunked", "QMSumChunked"];
const strategies = (values.strategy ?? ["late", "naive"]) as ("late" | "naive")[];
const chunkings: ChunkOptions[] = [
  ...values.sizes!.split(",").map((s) => ({ by: "tokens" as const, size: Number(s) })),
  ...(values.sentences ? values.sentences.split(",").map((s) => ({ by: "sentences" as const, size: Number(s) })) : []),
];

function subset(task: ChunkedRetrievalTask, n: number | undefined): ChunkedRetrievalTask {
  if (n === undefined) return task;
  const documents = task.documents.slice(0, n);
  const keep = new Set(documents.map((d) => d.id));
  const queries = task.queries.filter((q) => q.gold.every((g) => keep.has(g.doc)));
  return { ...task, documents, queries };
}

const model = await TextEmbedding.create({
  model: values.model!,
  quantization: values.quantization as "fp32" | "int8",
  store: { offline: true },
});
const cache = values["embedding-cache"] ? new EmbeddingCache(values["embedding-cache"]) : undefined;
const docs = values.docs !== undefined ? Number(values.docs) : undefined;
console.log(
  `${values.model} ${values.quantization}; chunkings ${chunkings.map((c) => `${c.by}-${c.size}`).join(", ")}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log(
  "task                                         chunks  queries  chunk nDCG@10  chunk R@10  doc nDCG@10  doc R@10  seconds",
);
try {
  for (const name of tasks) {
    const task = subset(
      (await loadBuiltinTask(name as never, { dataDir: values["data-dir"]! })) as ChunkedRetrievalTask,
      docs,
    );
    if (docs !== undefined)
      console.log(`${name}: first ${task.documents.length} documents, ${task.queries.length} queries`);
    for (const strategy of strategies) {
      const results = await evaluateChunkedSweep(model, task, {
        strategy,
        chunkings,
        ...(cache ? { cache } : {}),
        quantization: values.quantization!,
      });
      for (const r of results) {
        await writeResult(values["output-dir"]!, r);
        const s = Object.values(r.scores)[0]![0]! as unknown as Record<string, number>;
        const f = (x: number | undefined) => (x ?? NaN).toFixed(4).padStart(11);
        console.log(
          `${r.task_name.padEnd(44)} ${String(s["chunks"]).padStart(6)} ${String(s["queries"]).padStart(8)}  ${f(s["chunk_ndcg_at_10"])}  ${f(
            s["chunk_recall_at_10"],
          )}  ${f(s["document_ndcg_at_10"])}  ${f(s["document_recall_at_10"])}  ${r.evaluation_time.toFixed(0).padStart(7)}`,
        );
      }
    }
  }
} finally {
  await model.dispose();
}
