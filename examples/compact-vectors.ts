/**
 * Compact vectors, run in CI: documents stored as 48-byte binary codes (32x less than float32),
 * searched by Hamming distance and rescored with the float32 query, as sentence-transformers'
 * semantic_search with rescore=True does.
 */
import { bytesPerVector, quantizedSearch, TextEmbedding } from "embedkit";

const docs = [
  "Rotate the API keys every 90 days from the security settings page.",
  "The cafeteria serves lunch from noon to two.",
  "Backups run nightly and are kept for thirty days.",
  "To reset a password, use the link on the sign-in page.",
];
const model = await TextEmbedding.create({ model: "BAAI/bge-small-en-v1.5" });
const rows = await model.embedAll(docs, { precision: "binary", promptName: "passage" });
console.log(
  `${bytesPerVector("binary", model.dim)} bytes per vector instead of ${bytesPerVector("float32", model.dim)}`,
);
const query = await model.queryEmbed("how do I rotate the keys?");
const hits = quantizedSearch({ query, corpus: { precision: "binary", dim: model.dim, rows }, topK: 2 });
for (const h of hits) console.log(h.score.toFixed(3), docs[h.id as number]);
if (hits[0]?.id !== 0) throw new Error("the key-rotation document should rank first");
await model.dispose();
