/**
 * L1 (pure): the splitting itself, pure: a document and its tokens in, chunk spans out.
 *
 * Every strategy is one recursion over character ranges: a range within `size` tokens is kept
 * whole; a larger one is cut at the strategy's strongest boundaries (Markdown headings, then
 * paragraphs, then sentences), the pieces are split further when still too large, and neighbours
 * are packed greedily back up to `size`. Below sentences, a range is cut into windows of `size`
 * tokens, so a sentence longer than the budget is split, never dropped or truncated. The ranges
 * partition the document, so without overlap every token is in exactly one chunk. With overlap
 * (sentence strategies), each chunk holds at most `size - overlap` tokens of new text and starts
 * earlier, at a sentence start of the previous chunk, repeating at most `overlap` tokens. A chunk's
 * `start`/`end` is its range with surrounding whitespace trimmed (never cutting one of its tokens).
 */
import type { ChunkSpan, DocumentTokens } from "./chunk-types.js";
import type { ResolvedChunkOptions } from "./chunk-options.js";
import { headingCuts, paragraphCuts, sentenceCuts } from "./segment-text.js";
import { TokenIndex } from "./token-index.js";

type Range = readonly [number, number];
type Level = { kind: "heading"; depth: number } | { kind: "paragraph" } | { kind: "sentence" };

const SENTENCE: Level = { kind: "sentence" };
const PARAGRAPH: Level = { kind: "paragraph" };
const LEVELS: Record<Exclude<ResolvedChunkOptions["by"], "tokens">, readonly Level[]> = {
  sentences: [SENTENCE],
  paragraphs: [PARAGRAPH, SENTENCE],
  markdown: [1, 2, 3, 4, 5, 6].map((depth): Level => ({ kind: "heading", depth })).concat([PARAGRAPH, SENTENCE]),
};

export function splitDocument(text: string, tokens: DocumentTokens, options: ResolvedChunkOptions): ChunkSpan[] {
  const idx = new TokenIndex(tokens);
  if (idx.length === 0) return [];
  if (options.by === "tokens") return tokenWindowChunks(text, idx, options);
  // With overlap, new text fills `size - overlap` tokens, so that repeating up to `overlap`
  // tokens of the previous chunk keeps every chunk within `size`.
  const splitter = new RangeSplitter(text, idx, options, LEVELS[options.by], options.size - options.overlap);
  let ranges = splitter.split([0, text.length], 0);
  if (options.overlap > 0) ranges = splitter.withSentenceOverlap(ranges);
  return ranges.map((r, index) => toChunk(text, idx, r, index));
}

/** Fixed windows of `size` tokens starting every `size - overlap` tokens. */
function tokenWindowChunks(text: string, idx: TokenIndex, { size, overlap }: ResolvedChunkOptions): ChunkSpan[] {
  const out: ChunkSpan[] = [];
  const step = size - overlap;
  for (let i = 0; ; i += step) {
    const j = Math.min(i + size, idx.length);
    const start = idx.start(i);
    const end = idx.endOf(i, j);
    out.push({
      index: out.length,
      text: text.slice(start, end),
      start,
      end,
      tokens: j - i,
      tokenStart: i,
      tokenEnd: j,
    });
    if (j === idx.length) return out;
  }
}

function toChunk(text: string, idx: TokenIndex, [a, b]: Range, index: number): ChunkSpan {
  const tokenStart = idx.at(a);
  const tokenEnd = idx.at(b);
  let start = a;
  let end = b;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (tokenEnd > tokenStart) {
    start = Math.min(start, idx.start(tokenStart));
    end = Math.max(end, idx.endOf(tokenStart, tokenEnd));
  }
  return { index, text: text.slice(start, end), start, end, tokens: tokenEnd - tokenStart, tokenStart, tokenEnd };
}

class RangeSplitter {
  constructor(
    private readonly text: string,
    private readonly idx: TokenIndex,
    private readonly options: ResolvedChunkOptions,
    private readonly levels: readonly Level[],
    /** Most tokens of new text per chunk. */
    private readonly size: number,
  ) {}

  /** Ranges partitioning [a, b), each within `size` tokens. */
  split([a, b]: Range, level: number): Range[] {
    const { size } = this;
    if (this.idx.count(a, b) <= size) return [[a, b]];
    if (level >= this.levels.length) return this.windows(a, b);
    const cuts = this.cuts(this.levels[level]!, a, b);
    if (cuts.length === 0) return this.split([a, b], level + 1);
    const bounds = [a, ...cuts, b];
    const pieces: Range[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const piece: Range = [bounds[k]!, bounds[k + 1]!];
      if (this.idx.count(piece[0], piece[1]) <= size) pieces.push(piece);
      else pieces.push(...this.split(piece, level + 1));
    }
    return this.pack(pieces);
  }

  /**
   * Starts each chunk after the first earlier, at a sentence start inside the previous chunk, so
   * that it repeats at most `overlap` of the previous chunk's tokens and stays within `size`.
   */
  withSentenceOverlap(ranges: Range[]): Range[] {
    const { size, overlap, locale } = this.options;
    return ranges.map((r, k) => {
      if (k === 0) return r;
      const [pa, pb] = ranges[k - 1]!;
      let start = r[0];
      const cuts = sentenceCuts(this.text, pa, pb, locale);
      for (let c = cuts.length - 1; c >= 0; c--) {
        const at = cuts[c]!;
        if (this.idx.count(at, pb) > overlap || this.idx.count(at, r[1]) > size) break;
        start = at;
      }
      return [start, r[1]];
    });
  }

  private cuts(level: Level, a: number, b: number): number[] {
    switch (level.kind) {
      case "heading":
        return headingCuts(this.text, a, b, level.depth);
      case "paragraph":
        return paragraphCuts(this.text, a, b);
      case "sentence":
        return sentenceCuts(this.text, a, b, this.options.locale);
    }
  }

  /** Cuts [a, b) before every `size`-th token: the last resort, for a piece with no boundary left. */
  private windows(a: number, b: number): Range[] {
    const { size } = this;
    const idx = this.idx;
    const last = idx.at(b);
    const out: Range[] = [];
    let from = a;
    let p = idx.at(a);
    while (last - p > size) {
      let cut = idx.start(p + size);
      let q = idx.at(cut);
      if (q <= p) {
        // More than `size` tokens start on one character: cut at the next character that starts one.
        let r = p + size;
        while (r < last && idx.start(r) === idx.start(p)) r++;
        if (r >= last) break;
        cut = idx.start(r);
        q = idx.at(cut);
      }
      out.push([from, cut]);
      from = cut;
      p = q;
    }
    out.push([from, b]);
    return out;
  }

  /** Merges neighbouring ranges while their tokens fit in `size`. */
  private pack(pieces: Range[]): Range[] {
    const { size } = this;
    const out: Range[] = [];
    let cur: [number, number] | undefined;
    let curTokens = 0;
    for (const [a, b] of pieces) {
      const n = this.idx.count(a, b);
      if (cur && curTokens + n <= size) {
        cur[1] = b;
        curTokens += n;
      } else {
        if (cur) out.push(cur);
        cur = [a, b];
        curTokens = n;
      }
    }
    if (cur) out.push(cur);
    return out;
  }
}
