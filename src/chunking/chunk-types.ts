/**
 * L1 (pure): the vocabulary of chunking: what a chunk is, how to ask for chunks, and the small tokenizer
 * surface the splitters need (so chunking never imports the tokenizer package or its adapter).
 */

/** One piece of a document. `text === document.slice(start, end)` (UTF-16 code units). */
export interface Chunk {
  /** Position of the chunk in its document, from 0. */
  readonly index: number;
  /** The chunk's text: `document.slice(start, end)`. */
  readonly text: string;
  /** Offset of the chunk's first UTF-16 code unit in the document. */
  readonly start: number;
  /** Offset just past the chunk's last UTF-16 code unit in the document (exclusive). */
  readonly end: number;
  /** Tokens of the document inside the chunk (special tokens not counted); at most `size`. */
  readonly tokens: number;
}

/** A chunk with the range of the document's tokens it holds: tokens `[tokenStart, tokenEnd)`. */
export interface ChunkSpan extends Chunk {
  /** Index of the chunk's first token among the document's content tokens ({@link DocumentTokens}). */
  readonly tokenStart: number;
  /** Index just past the chunk's last content token (exclusive); `tokenEnd - tokenStart === tokens`. */
  readonly tokenEnd: number;
}

/**
 * "tokens": fixed windows of `size` tokens, `overlap` tokens shared by neighbours.
 * "sentences": whole sentences (Intl.Segmenter, any language) packed up to `size` tokens.
 * "paragraphs": blank-line separated paragraphs packed up to `size`, falling back to sentences.
 * "markdown": Markdown heading sections, then paragraphs, then sentences.
 * Every strategy falls back to token windows for a piece (even one sentence) over `size`.
 */
export type ChunkBy = "tokens" | "sentences" | "paragraphs" | "markdown";

export const CHUNK_BY: readonly ChunkBy[] = ["tokens", "sentences", "paragraphs", "markdown"];

/** How to split documents into chunks; every field is optional. */
export interface ChunkOptions {
  /** Default "sentences". */
  readonly by?: ChunkBy;
  /** Most tokens per chunk (special tokens not counted). Default 256, at most the model's window less its special tokens. */
  readonly size?: number;
  /**
   * Tokens shared with the previous chunk. "tokens": exactly this many (fewer at the end).
   * Other strategies: the previous chunk's last whole sentences, at most this many tokens.
   * Default 0; must be smaller than `size`.
   */
  readonly overlap?: number;
  /** BCP 47 locale for sentence boundaries (Intl.Segmenter). Default: the runtime's. */
  readonly locale?: string;
}

/**
 * The document's tokens as the splitters see them: the content tokens only (no special or prompt
 * tokens), in order; token i covers UTF-16 `[starts[i], ends[i])` of the document.
 */
export interface DocumentTokens {
  /** Per content token, the UTF-16 offset of its first code unit in the document. */
  readonly starts: Int32Array;
  /** Per content token, the UTF-16 offset just past its last code unit (exclusive). */
  readonly ends: Int32Array;
}

/** What chunking needs from a model: its tokenizer's offsets and its window. */
export interface ChunkTokenizer {
  /** Content-token spans of each text, tokenized whole. */
  documentTokens(texts: readonly string[]): Promise<DocumentTokens[]>;
  /** Most content tokens one chunk may hold: the model's window less its special tokens. */
  readonly maxChunkTokens: number;
}
