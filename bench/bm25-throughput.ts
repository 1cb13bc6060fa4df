/**
 * BM25 speed (npm run bench:bm25): documents/s of SparseTextEmbedding "bm25" (FastEmbed's
 * Qdrant/bm25 vectors) and of Bm25Index (build, then queries/s), on Cranfield's 1,400 abstracts
 * and 225 queries repeated `--repeat` times; and the stemmer candidates' words/s on Cranfield's
 * distinct words, uncached, with their agreement with the chosen one. With `--reference FILE`
 * (words and py_rust_stemmers' stems, from scripts/golden/bm25/stem_reference.py) it also prints
 * each candidate's differences from the stemmer FastEmbed uses.
 *
 * With `--fastembed-python PY` (a Python with fastembed, e.g. the venv of
 * scripts/golden/bm25/make-reference.sh) FastEmbed's own Bm25 runs on the same texts, one process.
 *
 *   npx tsx bench/bm25-throughput.ts [--data-dir ../shared/data] [--repeat 5] [--reference stems.json]
 *                                    [--fastembed-python /tmp/embedkit-bm25-venv/bin/python]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { loadCranfield } from "../src/eval/tasks/cranfield.js";
import { documentText } from "../src/eval/evaluators/evaluate-retrieval.js";
import { wordTokens } from "../src/sparse/bm25-analyzer.js";
import { Bm25Index } from "../src/sparse/bm25-index.js";
import { EnglishStemmer } from "../src/sparse/english-stemmer.js";
import { SparseTextEmbedding } from "../src/sparse/sparse-text-embedding.js";

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string", default: new URL("../../shared/data", import.meta.url).pathname },
    repeat: { type: "string", default: "5" },
    reference: { type: "string" },
    "fastembed-python": { type: "string" },
  },
});
const repeat = Number(values.repeat);
const task = await loadCranfield(values["data-dir"]!);
const docs = task.corpus.map(documentText);
const queries = task.queries.map((q) => q.text);
const corpus = Array.from({ length: repeat }, () => docs).flat();
const words = docs.reduce((n, d) => n + wordTokens(d).length, 0);

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, (performance.now() - t0) / 1000];
}

console.log(
  `corpus: Cranfield, ${docs.length} documents x ${repeat} (${words} words per copy), ${queries.length} queries`,
);
const bm25 = await SparseTextEmbedding.create({ model: "bm25" });
await bm25.embedAll(docs.slice(0, 100)); // warm-up
{
  const fresh = await SparseTextEmbedding.create({ model: "bm25" }); // empty stem cache
  const t0 = performance.now();
  await fresh.embedAll(docs);
  const s = (performance.now() - t0) / 1000;
  console.log(`SparseTextEmbedding bm25, first pass (cold stem cache): ${(docs.length / s).toFixed(0)} documents/s`);
}
{
  const t0 = performance.now();
  const vectors = await bm25.embedAll(corpus);
  const s = (performance.now() - t0) / 1000;
  const nnz = vectors.reduce((n, v) => n + v.indices.length, 0) / vectors.length;
  console.log(
    `SparseTextEmbedding bm25, embedAll: ${(corpus.length / s).toFixed(0)} documents/s, ` +
      `${((words * repeat) / s / 1e6).toFixed(2)} M words/s, ${nnz.toFixed(1)} terms per vector`,
  );
  const t1 = performance.now();
  await bm25.queryEmbed(Array.from({ length: repeat }, () => queries).flat());
  console.log(
    `SparseTextEmbedding bm25, queryEmbed: ${((queries.length * repeat) / ((performance.now() - t1) / 1000)).toFixed(0)} queries/s`,
  );
}
if (values["fastembed-python"]) {
  const dir = mkdtempSync(join(tmpdir(), "bm25-bench-"));
  writeFileSync(join(dir, "texts.json"), JSON.stringify(docs));
  const r = spawnSync(
    values["fastembed-python"],
    [
      new URL("./peers/run_fastembed_bm25.py", import.meta.url).pathname,
      join(dir, "texts.json"),
      String(repeat),
      new URL("../scripts/golden/bm25/english-stopwords.txt", import.meta.url).pathname,
    ],
    { encoding: "utf8", env: { ...process.env, HF_HUB_OFFLINE: "1" } },
  );
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`FastEmbed run failed: ${r.stderr}`);
  const f = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {
    documents_per_s: number;
    first_pass_documents_per_s: number;
  };
  console.log(
    `FastEmbed (Python) Bm25: ${f.documents_per_s.toFixed(0)} documents/s (first pass ${f.first_pass_documents_per_s.toFixed(0)})`,
  );
}
{
  const index = new Bm25Index();
  const [, build] = time(() => index.add(corpus));
  const [, search] = time(() => {
    for (let r = 0; r < repeat; r++) for (const q of queries) index.search(q, { topK: 10 });
  });
  console.log(
    `Bm25Index: build ${(corpus.length / build).toFixed(0)} documents/s; ` +
      `search (top 10 of ${corpus.length}) ${((queries.length * repeat) / search).toFixed(0)} queries/s`,
  );
}

// Stemmer candidates on the corpus's distinct words (each stemmed once, no cache).
const require = createRequire(import.meta.url);
const distinct = [...new Set(docs.flatMap((d) => wordTokens(d)))];
const chosen = new EnglishStemmer();
const snowball = (require("snowball-stemmers") as { newStemmer(l: string): { stem(w: string): string } }).newStemmer(
  "english",
);
const wink = require("wink-porter2-stemmer") as (w: string) => string;
const candidates: [string, (w: string) => string][] = [
  ["@nlpjs/lang-en-min (chosen)", (w) => chosen.stemUncached(w)],
  ["snowball-stemmers", (w) => snowball.stem(w)],
  ["wink-porter2-stemmer", wink],
];
const reference = values.reference
  ? (JSON.parse(readFileSync(values.reference, "utf8")) as { words: string[]; py_rust_stemmers: string[] })
  : undefined;
console.log(`stemmers on ${distinct.length} distinct Cranfield words, uncached:`);
const chosenStems = distinct.map((w) => chosen.stemUncached(w));
for (const [name, stem] of candidates) {
  for (const w of distinct) stem(w); // warm-up
  const [, s] = time(() => {
    for (let r = 0; r < 5; r++) for (const w of distinct) stem(w);
  });
  const agree = distinct.filter((w, i) => stem(w) === chosenStems[i]).length;
  let line = `  ${name}: ${((5 * distinct.length) / s / 1000).toFixed(0)}k words/s, same stem as the chosen on ${agree}/${distinct.length}`;
  if (reference) {
    const diff = reference.words.filter((w, i) => stem(w) !== reference.py_rust_stemmers[i]).length;
    line += `; differs from py_rust_stemmers on ${diff}/${reference.words.length} reference words`;
  }
  console.log(line);
}
