/**
 * The README's long-documents example, run in CI: late and naive chunk embeddings of two
 * documents, streamed per document.
 */
import { TextEmbedding } from "embedkit";

const model = await TextEmbedding.create({ model: "sentence-transformers/all-MiniLM-L6-v2", quantization: "int8" });
const docs = [
  {
    id: "lighthouse",
    text: "The keeper wrote in his ledger every night. He noted the wind and the ships. Storms were underlined twice.",
  },
  "A document without an id. Its chunks carry its position instead.",
];
for (const strategy of ["late", "naive"] as const) {
  for await (const doc of model.embedChunks(docs, { chunking: { strategy, by: "sentences", size: 16 } })) {
    for (const c of doc.chunks) {
      console.log(strategy, doc.id, c.index, [c.start, c.end], c.tokens, JSON.stringify(c.text), c.vector.length);
    }
  }
}
await model.dispose();
