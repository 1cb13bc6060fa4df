/**
 * L4: a retrieval task's queries (query prompt) and documents (passage prompt) embedded and
 * L2-normalized, as the retrievers that search stored vectors (quantized, through an index) need.
 */
import { l2NormalizeInPlace } from "../../pooling/normalize.js";
import type { RetrieveInput } from "./retriever.js";

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
