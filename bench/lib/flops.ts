/**
 * Floating-point work of a BERT encoder, counted analytically (one multiply-add = 2 FLOPs).
 * Per layer and token: Q, K, V and output projections 4 x 2h^2, the FFN 2 x 2hf, and attention
 * (scores Q K^T and the weighted sum of V) 2 x 2Lh for a sequence of L tokens. Embedding lookups,
 * layer norms, softmax and GELU are a few hundred FLOPs per token and left out; so is padding,
 * which costs compute but does no useful work.
 */
import type { BertArchitecture } from "./bench-models.js";

/** FLOPs per token of the dense projections (independent of sequence length). */
export function denseFlopsPerToken(a: BertArchitecture): number {
  return a.layers * (8 * a.hidden * a.hidden + 4 * a.hidden * a.intermediate);
}

/** FLOPs per token for a sequence of `seqLen` tokens (dense part plus attention). */
export function flopsPerToken(a: BertArchitecture, seqLen: number): number {
  return denseFlopsPerToken(a) + a.layers * 4 * seqLen * a.hidden;
}

/** Useful FLOPs to embed texts of these token lengths (each its own sequence, no padding). */
export function corpusFlops(a: BertArchitecture, tokenCounts: readonly number[]): number {
  let total = 0;
  for (const n of tokenCounts) total += n * flopsPerToken(a, n);
  return total;
}

/** The dense matmul shapes of one layer, per token: [K, N] and how many times each occurs. */
export function denseMatmulMix(a: BertArchitecture): { k: number; n: number; count: number }[] {
  return [
    { k: a.hidden, n: a.hidden, count: 4 },
    { k: a.hidden, n: a.intermediate, count: 1 },
    { k: a.intermediate, n: a.hidden, count: 1 },
  ];
}
