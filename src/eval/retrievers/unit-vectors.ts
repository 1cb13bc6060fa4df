/**
 * L4: a retrieval task's queries (query prompt) and documents (passage prompt) embedded and
 * L2-normalized, as the retrievers that search stored vectors (quantized, through an index) need,
 * and the run such a retriever's ranking gives.
 */
import { l2NormalizeInPlace } from "../../pooling/normalize.js";
import type { Run } from "../metrics/retrieval-metrics.js";
import type { RetrieveInput, VectorRanker } from "./retriever.js";

/** The task's query and document vectors, each scaled to unit length (copies; the input's are untouched). */
export async function embedUnitVectors(
  input: RetrieveInput,
): Promise<{ readonly queries: Float32Array[]; readonly docs: Float32Array[] }> {
  const unit = (vs: Float32Array[]): Float32Array[] => vs.map((v) => l2NormalizeInPlace(Float32Array.from(v)));
  const queries = unit(
    await input.embed(
      input.queries.map((q) => q.text),
      "query",
    ),
  );
  const docs = unit(
    await input.embed(
      input.documents.map((d) => d.text),
      "passage",
    ),
  );
  return { queries, docs };
}

/**
 * A retrieval task's run from a ranker: queries and documents embedded as unit vectors (one item
 * per document), ranked by `ranker`, each query's top `input.topK` scored by rank (topK - rank),
 * so the metrics see exactly the ranker's order.
 */
export async function rankedRun(ranker: VectorRanker, input: RetrieveInput): Promise<Run> {
  const { queries, docs } = await embedUnitVectors(input);
  const corpus = docs.map((vector, i) => ({ docId: input.documents[i]!.id, chunkIndex: 0, vector }));
  const prepared = await ranker.prepareCorpus(corpus);
  let orders: number[][];
  try {
    orders = await prepared.rank(queries, input.topK);
  } finally {
    await prepared.close();
  }
  return new Map(
    input.queries.map((q, i) => [
      q.id,
      new Map(orders[i]!.map((position, rank) => [corpus[position]!.docId, input.topK - rank])),
    ]),
  );
}
