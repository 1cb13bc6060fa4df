/**
 * A tiny semantic search over a handful of documents with E5 (which needs "query: " and
 * "passage: " prefixes; embedkit applies them from the model registry).
 */
import { cosineSimilarity, TextEmbedding } from "embedkit";

const docs = [
  "The Eiffel Tower is in Paris.",
  "Photosynthesis turns light into chemical energy.",
  "The stock market fell sharply on Monday.",
  "Mount Everest is the highest mountain on Earth.",
];
const model = await TextEmbedding.create({ model: "intfloat/e5-small-v2" });
const docVectors = await model.passageEmbed(docs);
for (const query of ["How do plants make energy?", "tallest peak in the world"]) {
  const q = await model.queryEmbed(query);
  const ranked = docs
    .map((text, i) => ({ text, score: cosineSimilarity(q, docVectors[i]!) }))
    .sort((a, b) => b.score - a.score);
  console.log(`${query}\n  -> ${ranked[0]!.text} (${ranked[0]!.score.toFixed(3)})`);
}
await model.dispose();
