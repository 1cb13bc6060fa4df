/**
 * The README's Vercel AI SDK example, run in CI: the SDK's own embedMany, embed and
 * cosineSimilarity over an embedkit model.
 */
import { cosineSimilarity, embed, embedMany } from "ai";
import { createEmbedkit } from "embedkit/ai-sdk";

const embedkit = createEmbedkit(); // options here (quantization, batchSize, store...) apply to every model
const model = embedkit.textEmbeddingModel("BAAI/bge-small-en-v1.5"); // values get the passage prompt by default
const docs = ["The Eiffel Tower is in Paris.", "Photosynthesis turns light into chemical energy."];
const { embeddings } = await embedMany({ model, values: docs });
const { embedding, usage } = await embed({
  model,
  value: "Which city has the Eiffel Tower?",
  providerOptions: { embedkit: { promptName: "query" } }, // the model's query instruction
});
const scores = embeddings.map((e) => cosineSimilarity(embedding, e));
console.log("scores", scores.map((s) => s.toFixed(3)).join(" "), `(${usage.tokens} query tokens)`);
if (!(scores[0]! > scores[1]!)) throw new Error("the Eiffel passage should score higher");
await embedkit.dispose();
