/**
 * L1 (pure): counting a document's tokens inside character ranges.
 *
 * Token i belongs to the range [a, b) when a <= starts[i] < b: ranges that partition the text
 * partition its tokens, so the counts of neighbouring pieces add up exactly.
 */
import type { DocumentTokens } from "./chunk-types.js";

export class TokenIndex {
  constructor(readonly tokens: DocumentTokens) {}

  get length(): number {
    return this.tokens.starts.length;
  }

  /** Number of tokens that start before character `c`. */
  at(c: number): number {
    const s = this.tokens.starts;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < c) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  count(a: number, b: number): number {
    return this.at(b) - this.at(a);
  }

  start(i: number): number {
    return this.tokens.starts[i]!;
  }

  /** End of the last token in [i, j), never before `start(i)`. */
  endOf(i: number, j: number): number {
    let e = this.tokens.starts[i]!;
    for (let k = i; k < j; k++) e = Math.max(e, this.tokens.ends[k]!);
    return e;
  }
}
