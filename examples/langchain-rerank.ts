/**
 * The README's LangChain.js reranking example, run in CI: a MemoryVectorStore retriever proposes
 * candidates, LangChain's ContextualCompressionRetriever hands them to embedkit's cross-encoder,
 * which keeps the best two with their score in `metadata.relevanceScore`. The reranker here is
 * the project's test cross-encoder (STS-trained, `npm run fetch-models`); use
 * "Xenova/ms-marco-MiniLM-L-6-v2" (the default) to rank passages for questions.
 */
import { ContextualCompressionRetriever } from "@langchain/classic/retrievers/contextual_compression";
import { MemoryVectorStore } from "@langchain/classic/vectorstores/memory";
import { EmbedkitEmbeddings, EmbedkitRerank } from "embedkit/langchain";

const embeddings = new EmbedkitEmbeddings({ model: "BAAI/bge-small-en-v1.5" });
const reranker = new EmbedkitRerank({ model: "embedkit-test/stsb-minilm-l6-cross-encoder", topN: 2 });
const store = await MemoryVectorStore.fromTexts(
  [
    "A man is playing the guitar on stage.",
    "A woman is slicing an onion in the kitchen.",
    "Someone plays an acoustic instrument.",
    "The stock market fell sharply today.",
  ],
  [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }],
  embeddings,
);
const retriever = new ContextualCompressionRetriever({
  baseCompressor: reranker,
  baseRetriever: store.asRetriever({ k: 3 }),
});
const docs = await retriever.invoke("A man is playing a guitar.");
for (const d of docs) console.log((d.metadata["relevanceScore"] as number).toFixed(3), d.pageContent);
if (docs.length !== 2 || docs[0]!.metadata["id"] !== 1) throw new Error("the guitar sentence should rank first");
await Promise.all([embeddings.dispose(), reranker.dispose()]);
