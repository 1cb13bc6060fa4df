/**
 * L3: tokenizing a whole document of any length in sections, for chunking and late chunking.
 *
 * Tokenizing ten million characters in one call holds the tokenizer's whole native encoding at
 * once (about 2.9 GB RSS at 5.7 million characters); instead the text is cut after line breaks
 * (else after whitespace, else at a code-point boundary) into sections of at most
 * {@link SECTION_CHARS} code units, each tokenized on its own, and their tokens concatenated with
 * offsets shifted into the document. Cutting after whitespace does not change a WordPiece
 * tokenization (whitespace separates words before WordPiece runs), so the tokens equal a
 * whole-text tokenization; a hard cut inside a 100k-character run without whitespace may split
 * that one word differently.
 */
import type { DocumentTokens } from "../chunking/chunk-types.js";
import type { PromptName } from "../types.js";

/** Largest section tokenized in one call (UTF-16 code units). */
export const SECTION_CHARS = 100_000;

/** What tokenizing a document needs: TextEmbedding.tokenize's shape. */
export interface SectionTokenizer {
  /** Tokenizes texts whole, with the prompt when named (see TextEmbedding.tokenize). */
  tokenize(texts: readonly string[], options?: { promptName?: PromptName }): Promise<SectionTokens[]>;
}

/** One tokenized text, as TextEmbedding.tokenize gives it. */
export interface SectionTokens {
  /** Token ids, special tokens included. */
  readonly ids: Int32Array;
  /** UTF-16 [start, end) of token i at 2i, 2i+1, into the text given. */
  readonly offsets: Int32Array;
  /** Per token: 0 the text's, -1 special, -2 the prompt's. */
  readonly segments: Int8Array;
}

/** A document's tokens between the model's special tokens: the prompt's, then the text's. */
export interface DocumentBody {
  /** Token ids of the body (prompt tokens first). */
  readonly ids: Int32Array;
  /** How many of the body's first tokens are the prompt's (never part of a chunk). */
  readonly promptTokens: number;
  /** The text's own tokens, `ids[promptTokens + i]` covering `[starts[i], ends[i])` of the text. */
  readonly text: DocumentTokens;
}

/** Where the sections of `text` end: each end is <= start + max, after a newline or whitespace when there is one. */
export function sectionEnds(text: string, max = SECTION_CHARS): number[] {
  const ends: number[] = [];
  let start = 0;
  while (text.length - start > max) {
    const limit = start + max;
    let cut = text.lastIndexOf("\n", limit - 1) + 1;
    if (cut <= start) {
      cut = start;
      for (let i = limit - 1; i > start; i--) {
        if (/\s/.test(text[i]!)) {
          cut = i + 1;
          break;
        }
      }
    }
    if (cut <= start) {
      cut = limit;
      const c = text.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut--; // never between the halves of a surrogate pair
    }
    ends.push(cut);
    start = cut;
  }
  ends.push(text.length);
  return ends;
}

class Int32Builder {
  private buf = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  last(): number {
    return this.buf[this.length - 1]!;
  }
  finish(): Int32Array {
    return this.buf.slice(0, this.length);
  }
}

/**
 * Tokenizes `text` section by section (the prompt, when given, in front of the first) and
 * returns the body: every token but the special ones, with the text's token offsets.
 */
export async function tokenizeDocument(
  tok: SectionTokenizer,
  text: string,
  promptName: PromptName | undefined,
): Promise<DocumentBody> {
  const ids = new Int32Builder();
  const starts = new Int32Builder();
  const ends = new Int32Builder();
  let promptTokens = 0;
  let from = 0;
  for (const [k, to] of sectionEnds(text).entries()) {
    const opts = k === 0 && promptName !== undefined ? { promptName } : {};
    const [t] = await tok.tokenize([text.slice(from, to)], opts);
    const { segments, offsets } = t!;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      if (s === -1) continue;
      ids.push(t!.ids[i]!);
      if (s === -2) {
        promptTokens++;
        continue;
      }
      // Starts never go back (WordPiece, BPE); kept monotonic for the chunker's binary search.
      const st = from + offsets[2 * i]!;
      starts.push(starts.length > 0 ? Math.max(st, starts.last()) : st);
      ends.push(from + offsets[2 * i + 1]!);
    }
    from = to;
  }
  return { ids: ids.finish(), promptTokens, text: { starts: starts.finish(), ends: ends.finish() } };
}
