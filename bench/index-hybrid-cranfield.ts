/**
 * Quality of the vector index's dense, sparse (BM25) and hybrid search on Cranfield, beside the
 * eval harness's figures for the same model (README, Evaluation): the 1,400 abstracts (title +
 * text, as the harness embeds them) go into a VectorIndex created with `sparse: "bm25"`, the 225
 * queries are searched through `index.search` in each mode, and nDCG@10 / Recall@100 are computed
 * with the harness's own metric code. Hybrid takes 1,000 candidates per list, as the harness does.
 * With `--chunk none` (default) a chunk is an abstract, so BM25 statistics are the harness's; with
 * naive/late chunking they are per chunk and a document scores as its best chunk.
 *
 *   npx tsx bench/index-hybrid-cranfield.ts [--model BAAI/bge-small-en-v1.5] [-q fp32]
 *        [--chunk none|naive|late] [--chunk-size 128] [--dir FOLDER] [--data-dir ../shared/data]
 *
 * --dir keeps the index: a second run finds every record unchanged and only searches. Timings
 * are printed for orientation (one run on a shared machine; the load average is printed too).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { documentText } from "../src/eval/evaluators/evaluate-retrieval.js";
import { evaluateRun, type Run } from "../src/eval/metrics/retrieval-metrics.js";
import { loadBuiltinTask } from "../src/eval/tasks/builtin-tasks.js";
import type { RetrievalTask } from "../src/eval/tasks/task-types.js";
import { VectorIndex } from "../src/index/vector-index.js";
import type { SearchOptions } from "../src/index/vector-index-options.js";
import type { IndexChunkStrategy } from "../src/index/index-settings.js";
import type { Quantization } from "../src/types.js";
import { loadAverage } from "./lib/machine.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "BAAI/bge-small-en-v1.5" },
    quantization: { type: "string", short: "q", default: "fp32" },
    chunk: { type: "string", default: "none" },
    "chunk-size": { type: "string", default: "128" },
    dir: { type: "string" },
    "data-dir": { type: "string", default: new URL("../../shared/data", import.meta.url).pathname },
    queries: { type: "string" },
  },
});

/** The harness's figures (README, "Cranfield: BM25, SPLADE, dense, their fusion"), bge-small-en-v1.5 fp32. */
const HARNESS: Record<string, { ndcg10: number; recall100: number } | undefined> = {
  dense: { ndcg10: 39.95, recall100: 77.57 },
  sparse: { ndcg10: 37.56, recall100: 74.6 },
  "hybrid rrf": { ndcg10: 42.07, recall100: 80.02 },
  "hybrid weighted": { ndcg10: 42.96, recall100: 80.06 },
};

const task = (await loadBuiltinTask("Cranfield", { dataDir: values["data-dir"] })) as RetrievalTask;
const queries = values.queries ? task.queries.slice(0, Number(values.queries)) : task.queries;
const dir = values.dir ?? (await mkdtemp(join(tmpdir(), "embedkit-cranfield-index-")));
const strategy = values.chunk as IndexChunkStrategy;
const index = await VectorIndex.open(dir, {
  model: values.model,
  quantization: values.quantization as Quantization,
  sparse: "bm25",
  ...(strategy !== "none" ? { chunking: { strategy, size: Number(values["chunk-size"]) } } : {}),
});
try {
  // an index holds no empty record; Cranfield has a few empty abstracts (the harness embeds them)
  const records = task.corpus.map((d) => ({ id: d.id, text: documentText(d) })).filter((r) => r.text !== "");
  const skipped = task.corpus.length - records.length;
  const t0 = performance.now();
  const added = await index.add(records, { batchSize: 64 });
  const buildS = (performance.now() - t0) / 1000;
  const info = await index.info();

  const t1 = performance.now();
  await index.search("warm-up", { mode: "sparse", topK: 1 }); // builds the postings
  const postingsMs = performance.now() - t1;

  const modes: [string, SearchOptions][] = [
    ["dense", { mode: "dense" }],
    ["sparse", { mode: "sparse" }],
    ["hybrid rrf", { mode: "hybrid", fusion: "rrf", candidates: 1000 }],
    ["hybrid weighted", { mode: "hybrid", fusion: "weighted", candidates: 1000 }],
  ];
  const rows: string[][] = [];
  for (const [name, options] of modes) {
    const run = new Map<string, Map<string, number>>();
    const t = performance.now();
    for (const q of queries) {
      const hits = await index.search(q.text, { ...options, topK: 100 });
      const best = new Map<string, number>(); // a document scores as its best chunk
      for (const h of hits) if (!best.has(h.id)) best.set(h.id, h.score);
      run.set(q.id, best);
    }
    const ms = (performance.now() - t) / queries.length;
    const scores = evaluateRun(task.qrels, run as Run, [10, 100]);
    const ref = HARNESS[name];
    const same = strategy === "none" && values.model === "BAAI/bge-small-en-v1.5" && values.quantization === "fp32";
    rows.push([
      name,
      (100 * scores.ndcg[10]!).toFixed(2),
      (100 * scores.recall[100]!).toFixed(2),
      same && ref && queries.length === task.queries.length ? ref.ndcg10.toFixed(2) : "-",
      same && ref && queries.length === task.queries.length ? ref.recall100.toFixed(2) : "-",
      fmt(ms),
    ]);
  }
  console.log(
    `Cranfield through VectorIndex.search: ${values.model} (${values.quantization}), sparse bm25, chunking ${strategy}` +
      `${strategy !== "none" ? ` size ${values["chunk-size"]}` : ""}; ${queries.length} queries`,
  );
  console.log(
    `index: ${info.records} records, ${info.chunks} chunks, ${(info.bytesOnDisk / 2 ** 20).toFixed(1)} MiB on disk; ` +
      `add ${fmt(buildS)} s (${added.added} added, ${added.unchanged} unchanged; ${skipped} empty abstracts left out); ` +
      `postings built in ${fmt(postingsMs)} ms`,
  );
  console.log(loadAverage());
  console.log("");
  console.log(formatTable(["mode", "nDCG@10", "Recall@100", "harness nDCG@10", "harness R@100", "ms/query"], rows));
} finally {
  await index.close();
  if (values.dir === undefined) await rm(dir, { recursive: true, force: true });
}
