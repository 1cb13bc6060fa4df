/**
 * The README's LangChain.js example, run in CI: embedkit as the embeddings of a LangChain
 * MemoryVectorStore (documents get the passage prompt, the query the query prompt).
 */
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import { EmbedkitEmbeddings } from "embedkit/langchain";

const embeddings = new EmbedkitEmbeddings({ model: "BAAI/bge-small-en-v1.5" }); // loads on first use
const store = await MemoryVectorStore.fromTexts(
  [
    "The Eiffel Tower is in Paris.",
    "Photosynthesis turns light into chemical energy.",
    "Mount Everest is the highest mountain on Earth.",
  ],
  [{ id: 1 }, { id: 2 }, { id: 3 }],
  embeddings,
);
const [top] = await store.similaritySearchWithScore("How do plants make energy?", 1);
console.log(`${top![0].pageContent} (${top![1].toFixed(3)})`);
if (top![0].metadata["id"] !== 2) throw new Error("the photosynthesis passage should rank first");
await embeddings.dispose();
