/**
 * The README's "Vector index" quick start, run in CI: a VectorIndex in a temporary folder (add,
 * a re-run that changes nothing, search with a metadata filter, optimize with an ANN index, info),
 * then the same folder through the CLI (`embedkit search`, `embedkit index info`); then an index
 * with BM25 vectors: hybrid search (dense and BM25 fused) and BM25 alone from the CLI.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VectorIndex } from "embedkit";

const dir = await mkdtemp(join(tmpdir(), "embedkit-example-kb-"));
const records = [
  { id: "doc-1", text: "Rotate the API keys every ninety days from the security console.", metadata: { lang: "en" } },
  { id: "doc-2", text: "Backups run nightly and are kept for thirty days.", metadata: { lang: "en" } },
  { id: "doc-3", text: "Les clés d'API se changent depuis la console de sécurité.", metadata: { lang: "fr" } },
];

const index = await VectorIndex.open(dir, { model: "BAAI/bge-small-en-v1.5", chunking: { strategy: "late" } });
console.log(await index.add(records)); // { added: 3, updated: 0, unchanged: 0, chunks: 3 }
console.log(await index.add(records)); // { added: 0, updated: 0, unchanged: 3, chunks: 0 }
const hits = await index.search("how do I rotate the keys?", { topK: 2, filter: { lang: "en" } });
for (const h of hits) console.log(h.id, h.score.toFixed(3), h.text);
if (hits[0]?.id !== "doc-1") throw new Error("the key-rotation record should rank first");
// Compaction and an ANN index (worth it from tens of thousands of chunks; here it shows the calls).
const optimized = await index.optimize({ ann: { type: "ivf_hnsw_sq" } });
console.log(optimized.ann); // { type: "ivf_hnsw_sq", partitions: 1, indexedChunks: 3, unindexedChunks: 0 }
const annHits = await index.search("how do I rotate the keys?", { topK: 2, filter: { lang: "en" } });
if (annHits[0]?.id !== "doc-1") throw new Error("the ANN search should find the key-rotation record first");
const info = await index.info();
console.log(
  info.model,
  info.records,
  "records,",
  info.chunks,
  "chunks,",
  info.bytesOnDisk,
  "bytes, ann:",
  info.ann?.type,
);
await index.close();

// The same folder from the command line.
const bin = join(dirname(fileURLToPath(import.meta.resolve("embedkit/package.json"))), "dist/src/cli/bin.js");
for (const args of [
  ["search", dir, "nightly backups", "--top", "1"],
  ["index", "info", dir],
]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`embedkit ${args.join(" ")} failed: ${r.stderr}`);
  process.stdout.write(r.stdout);
  if (args[0] === "search" && !r.stdout.startsWith("doc-2\t")) throw new Error("doc-2 should be the hit");
}

// Sparse vectors too: BM25 term counts per chunk, hybrid search (the default with sparse).
const hybridDir = join(dir, "hybrid");
const kb = await VectorIndex.open(hybridDir, { model: "BAAI/bge-small-en-v1.5", sparse: "bm25" });
await kb.add(records);
const fused = await kb.search("rotate the API keys", { topK: 2, filter: { lang: "en" }, hybrid: true });
for (const h of fused)
  console.log(
    h.id,
    h.score.toFixed(4),
    `dense ${h.denseScore?.toFixed(3) ?? "-"}`,
    `bm25 ${h.sparseScore?.toFixed(3) ?? "-"}`,
  );
if (fused[0]?.id !== "doc-1") throw new Error("the key-rotation record should rank first");
await kb.close();
const r = spawnSync(process.execPath, [bin, "search", hybridDir, "nightly backups", "--mode", "sparse", "--top", "1"], {
  encoding: "utf8",
});
if (r.status !== 0 || !r.stdout.startsWith("doc-2\t")) throw new Error(`embedkit search --mode sparse: ${r.stderr}`);
process.stdout.write(r.stdout);
await rm(dir, { recursive: true, force: true });
