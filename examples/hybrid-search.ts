/**
 * Hybrid search in a few lines, run in CI: BM25 (no model files) next to dense vectors, fused
 * with reciprocal-rank fusion. Imports the package by name, as a user would.
 */
import { Bm25Index, cosineSimilarity, fuse, SparseTextEmbedding, TextEmbedding } from "embedkit";

const docs = [
  { id: "slip", text: "Wing lift in a propeller slipstream at several angles of attack." },
  { id: "heat", text: "Heat transfer to a flat plate in hypersonic flow." },
  { id: "flutter", text: "Flutter of thin panels in supersonic flow." },
];
const query = "how does a propeller slipstream change wing lift";

// BM25 vectors for a Qdrant sparse vector with modifier "idf" (same ids and weights as FastEmbed's Qdrant/bm25).
const bm25 = await SparseTextEmbedding.create({ model: "bm25" });
const [sparseDoc] = await bm25.embedAll([docs[0]!.text]);
console.log(`bm25 vector: ${sparseDoc!.indices.length} terms, first id ${sparseDoc!.indices[0]}`);

// Local BM25 search and dense search, fused.
const index = new Bm25Index();
index.add(docs);
const sparseHits = index.search(query, { topK: 3 });
const model = await TextEmbedding.create();
const q = await model.queryEmbed(query);
const vectors = await model.passageEmbed(docs.map((d) => d.text));
const denseHits = docs
  .map((d, i) => ({ id: d.id, score: cosineSimilarity(q, vectors[i]!) }))
  .sort((a, b) => b.score - a.score);
const fused = fuse([denseHits, sparseHits], { method: "rrf" });
console.log("fused:", fused.map((h) => `${h.id} ${h.score.toFixed(4)}`).join(", "));
if (fused[0]!.id !== "slip") throw new Error("the slipstream document should rank first");
await model.dispose();
