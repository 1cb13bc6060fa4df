/**
 * The README's library quick start, run in CI. Imports the package by name, as a user would.
 */
import { cosineSimilarity, TextEmbedding } from "embedkit";

const model = await TextEmbedding.create(); // BAAI/bge-small-en-v1.5
const [v] = await model.embedAll(["hello world"]);
console.log(
  `dim ${model.dim}, max tokens ${model.maxTokens}, first values ${Array.from(v!.slice(0, 3), (x) => x.toFixed(4)).join(", ")}`,
);

// Retrieval: queries get the model's instruction, passages do not.
const q = await model.queryEmbed("what is a vector?");
const docs = await model.passageEmbed([
  "A vector is a quantity with magnitude and direction.",
  "Paris is the capital of France.",
]);
const scores = docs.map((d) => cosineSimilarity(q, d));
console.log("scores", scores.map((s) => s.toFixed(3)).join(" "));
if (!(scores[0]! > scores[1]!)) throw new Error("the relevant passage should score higher");

// Streaming: any (async) iterable, arrays of batchSize vectors in input order, bounded memory.
function* lines(): Generator<string> {
  for (let i = 0; i < 200; i++) yield `line number ${i}`;
}
let n = 0;
for await (const batch of model.embed(lines(), { batchSize: 64 })) n += batch.length;
console.log(`streamed ${n} vectors; token counts`, await model.tokenCount(["hello world", "embedkit"]));
await model.dispose();
