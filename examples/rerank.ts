/**
 * Dense retrieval, then cross-encoder reranking of the hits, run in CI. The reranker here is the
 * project's test cross-encoder (`npm run fetch-models`); swap in "Xenova/ms-marco-MiniLM-L-6-v2"
 * for real passage ranking.
 */
import { TextCrossEncoder, TextEmbedding } from "embedkit";

const docs = [
  "A man is playing the guitar on stage.",
  "A woman is slicing an onion in the kitchen.",
  "Someone plays an acoustic instrument.",
  "The stock market fell sharply today.",
];
const query = "A man is playing a guitar.";

const embedder = await TextEmbedding.create({ model: "BAAI/bge-small-en-v1.5" });
const reranker = await TextCrossEncoder.create({ model: "embedkit-test/stsb-minilm-l6-cross-encoder" });
const [q] = await embedder.queryEmbed([query]);
const vectors = await embedder.embedAll(docs);
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const candidates = vectors
  .map((v, i) => ({ i, score: dot(q!, v) }))
  .sort((a, b) => b.score - a.score)
  .slice(0, 3)
  .map((h) => docs[h.i]!);
const ranked = await reranker.rerank(query, candidates, { topK: 2, returnDocuments: true });
for (const r of ranked) console.log(r.score.toFixed(3), r.document);
if (ranked[0]?.document !== docs[0]) throw new Error("the guitar passage should rank first");
await Promise.all([embedder.dispose(), reranker.dispose()]);
