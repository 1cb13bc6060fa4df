/**
 * SPLADE sparse vectors in a few lines, run in CI on the test model (`npm run fetch-models`
 * imports it; use "prithivida/Splade_PP_en_v1" for FastEmbed's SPLADE++). Imports the package
 * by name, as a user would.
 */
import { SparseTextEmbedding, sparseDot } from "embedkit";

const splade = await SparseTextEmbedding.create({ model: "embedkit-test/splade-tiny" });
const docs = ["Paris is the capital of France.", "Wing lift in a propeller slipstream."];
const vectors = await splade.embedAll(docs); // { indices (vocabulary ids, ascending), values }
const query = await splade.queryEmbed("what is the capital of france");

// Dot products of sparse vectors: the score a sparse index (Qdrant, OpenSearch...) computes.
vectors.forEach((v, i) => console.log(`${sparseDot(query, v).toFixed(3)}  ${docs[i]}`));

// The strongest terms of the query, learned expansion included.
const top = splade
  .decode(query)
  .sort((a, b) => b.value - a.value)
  .slice(0, 5);
console.log(top.map((t) => `${t.token}:${t.value.toFixed(2)}`).join(" "));
await splade.dispose();
