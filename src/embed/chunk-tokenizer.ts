/**
 * L3: the chunking view of an embedding model: its tokenizer's offsets (documents of any length,
 * tokenized in sections) and its window less the special tokens.
 */
import type { ChunkTokenizer } from "../chunking/chunk-types.js";
import { tokenizeDocument, type SectionTokenizer } from "./document-tokens.js";

/** What {@link chunkTokenizerFor} needs from a model: TextEmbedding has it. */
export interface ChunkingModel extends SectionTokenizer {
  /** Most tokens per input, special tokens included. */
  readonly maxTokens: number;
}

/** Special tokens the model's tokenizer adds around one text (2 for BERT's [CLS] ... [SEP]). */
export async function specialTokenCount(model: SectionTokenizer): Promise<number> {
  const [empty] = await model.tokenize([""]);
  return empty!.segments.length;
}

/** The chunking view of an embedding model: pass it to chunk() or chunkDocuments(). */
export async function chunkTokenizerFor(model: ChunkingModel): Promise<ChunkTokenizer> {
  const specials = await specialTokenCount(model);
  return {
    maxChunkTokens: model.maxTokens - specials,
    async documentTokens(texts) {
      const out = [];
      for (const t of texts) out.push((await tokenizeDocument(model, t, undefined)).text);
      return out;
    },
  };
}
