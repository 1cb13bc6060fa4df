/**
 * L1 (pure): chunk(): split documents into chunks within a token budget, with exact UTF-16 offsets.
 */
import { assertTextInput } from "../text-input.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { resolveChunkOptions } from "./chunk-options.js";
import type { Chunk, ChunkOptions, ChunkSpan, ChunkTokenizer, DocumentTokens } from "./chunk-types.js";
import { splitDocument } from "./split-document.js";

/**
 * Splits one text. An empty or whitespace-only text (or one the tokenizer finds no token in)
 * gives no chunk; a text without any sentence boundary is one sentence, split by tokens when it
 * is over `size`.
 */
export async function chunk(
  text: string,
  options: ChunkOptions | undefined,
  tokenizer: ChunkTokenizer,
): Promise<Chunk[]> {
  return (await chunkDocuments([text], options, tokenizer, "text"))[0]!;
}

/**
 * Splits several documents (one tokenizer call for all). Errors name `documents[i]` (or
 * `field` when given for a single text). The result also carries each chunk's token range in
 * its document's tokens (`tokenStart`, `tokenEnd`), which late chunking pools over.
 */
export async function chunkDocuments(
  texts: readonly string[],
  options: ChunkOptions | undefined,
  tokenizer: ChunkTokenizer,
  field?: string,
): Promise<ChunkSpan[][]> {
  const resolved = resolveChunkOptions(options, tokenizer.maxChunkTokens);
  if (!Array.isArray(texts)) {
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "documents must be an array of strings", { field: "documents" });
  }
  texts.forEach((t, i) => assertTextInput(t, field ?? `documents[${i}]`));
  const tokens = await tokenizer.documentTokens(texts);
  return texts.map((t, i) => splitDocument(t, tokens[i]!, resolved));
}

/** The text's own tokens (segment 0) of a tokenized text, as start/end arrays. */
export function contentTokens(t: { offsets: Int32Array; segments: Int8Array }): DocumentTokens {
  let n = 0;
  for (const s of t.segments) if (s === 0) n++;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  let k = 0;
  t.segments.forEach((s, i) => {
    if (s !== 0) return;
    // Starts never go back (they do not for WordPiece or BPE); kept monotonic for the binary search.
    starts[k] = Math.max(t.offsets[2 * i]!, k > 0 ? starts[k - 1]! : 0);
    ends[k] = t.offsets[2 * i + 1]!;
    k++;
  });
  return { starts, ends };
}
