/**
 * L3: the late-chunking sweep: several chunkings of the same documents from one forward pass per
 * document (window). Late chunk vectors depend only on the token states and each chunk's token
 * range, so every chunking's spans ride on the same windows, and each chunk's vector is bitwise the
 * one embedChunks gives for that chunking alone (same windows, same batches, span means computed
 * independently per span). Used by the chunked-retrieval sweep of eval; QMSum's 430k tokens then
 * run through the model once per model instead of once per chunk size.
 */
import { resolveChunkOptions } from "../chunking/chunk-options.js";
import type { ChunkOptions } from "../chunking/chunk-types.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import {
  chunkStream,
  resolveEmbedChunksOptions,
  type ChunkCallContext,
  type ChunkEngine,
  type EmbeddedChunk,
} from "./embed-chunks.js";
import { specialTemplate, type MacroWindowSetting } from "./late-chunk.js";

/** Options of {@link TextEmbedding.embedChunkSweep}. */
export interface ChunkSweepOptions {
  /** The chunkings (by, size, overlap, locale), each late-chunked from the same token states. */
  readonly chunkings: readonly ChunkOptions[];
  /** Macro windows, as in {@link EmbedChunksOptions.macroWindow}. */
  readonly macroWindow?: Partial<MacroWindowSetting>;
}

/** What embedChunkSweep yields per document, in input order. */
export interface ChunkSweepDocument {
  /** The record's id, else the document's position in the input (from 0). */
  readonly id: string | number;
  /** Per chunking (in the order given), the document's chunks with their late vectors. */
  readonly chunkings: EmbeddedChunk[][];
}

/** The stream behind TextEmbedding.embedChunkSweep. */
export async function* lateChunkSweep(
  engine: ChunkEngine,
  ctx: ChunkCallContext,
  documents: Iterable<unknown> | AsyncIterable<unknown>,
  options: ChunkSweepOptions,
): AsyncGenerator<ChunkSweepDocument, void, undefined> {
  const list: unknown = (options as { chunkings?: unknown } | undefined)?.chunkings;
  if (!Array.isArray(list) || list.length === 0) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `chunkings must be a non-empty array of chunk options, got ${JSON.stringify(list)}`,
      { field: "chunkings", value: list },
    );
  }
  const tpl = await specialTemplate(engine);
  const specials = tpl.lead.length + tpl.trail.length;
  const chunkings = options.chunkings;
  const { macro } = resolveEmbedChunksOptions(
    { ...(options.macroWindow ? { macroWindow: options.macroWindow } : {}) },
    engine.maxTokens,
    specials,
  );
  chunkings.forEach((c, i) => resolveChunkOptions(c, Number.MAX_SAFE_INTEGER, `chunkings[${i}].`));
  for await (const d of chunkStream(engine, ctx, documents, { strategy: "late", chunkings, macro, tpl })) {
    const out: EmbeddedChunk[][] = [];
    let k = 0;
    for (const n of d.groups) {
      out.push(d.chunks.slice(k, k + n));
      k += n;
    }
    yield { id: d.id, chunkings: out };
  }
}
