/**
 * The README's LlamaIndex.TS example, run in CI: embedkit as Settings.embedModel, a
 * VectorStoreIndex and its retriever (no LLM needed for retrieval).
 */
import { Document, MetadataMode, Settings, VectorStoreIndex } from "llamaindex";
import { EmbedkitEmbedding } from "embedkit/llamaindex";

const embedModel = new EmbedkitEmbedding({ model: "BAAI/bge-small-en-v1.5" });
Settings.embedModel = embedModel;
const index = await VectorStoreIndex.fromDocuments([
  new Document({ text: "The Eiffel Tower is in Paris.", id_: "eiffel" }),
  new Document({ text: "Photosynthesis turns light into chemical energy.", id_: "plants" }),
  new Document({ text: "Mount Everest is the highest mountain on Earth.", id_: "everest" }),
]);
const [hit] = await index.asRetriever({ similarityTopK: 1 }).retrieve({ query: "tallest peak in the world" });
console.log(`${hit!.node.getContent(MetadataMode.NONE)} (${hit!.score?.toFixed(3)})`);
if (hit!.node.sourceNode?.nodeId !== "everest") throw new Error("the Everest document should rank first");
await embedModel.dispose();
