/**
 * L4: a model that scores text pairs directly instead of handing out vectors: a cross-encoder.
 * STS tasks ask it for one score per (text1, text2) pair; other task types need an Embedder.
 */

export interface PairScorer {
  readonly kind: "pair-scorer";
  readonly modelId: string;
  readonly quantization?: string;
  /** One score per pair, in input order. */
  scorePairs(pairs: readonly (readonly [string, string])[]): Promise<number[]>;
  dispose?(): Promise<void> | void;
}

export function isPairScorer(model: unknown): model is PairScorer {
  return typeof model === "object" && model !== null && (model as { kind?: unknown }).kind === "pair-scorer";
}
