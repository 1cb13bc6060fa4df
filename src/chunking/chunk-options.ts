/**
 * L1 (pure): chunk options, checked once: each bad value is an `invalid_option` naming the option, the
 * allowed range and the value given.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { CHUNK_BY, type ChunkBy, type ChunkOptions } from "./chunk-types.js";

export const DEFAULT_CHUNK_SIZE = 256;

export interface ResolvedChunkOptions {
  readonly by: ChunkBy;
  readonly size: number;
  readonly overlap: number;
  readonly locale: string | undefined;
}

function bad(field: string, expected: string, value: unknown, details: Record<string, unknown> = {}): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be ${expected}, got ${JSON.stringify(value)}`, {
    field,
    value,
    ...details,
  });
}

/**
 * `maxChunkTokens` is the model's window less its special tokens (510 for a 512-token BERT);
 * `prefix` names where the options sit (e.g. "chunking.").
 */
export function resolveChunkOptions(
  options: ChunkOptions | undefined,
  maxChunkTokens: number,
  prefix = "",
): ResolvedChunkOptions {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw bad(prefix ? prefix.slice(0, -1) : "options", "an object", options);
  }
  const o = options ?? {};
  const by = o.by ?? "sentences";
  if (!CHUNK_BY.includes(by)) throw bad(`${prefix}by`, `one of ${CHUNK_BY.join(", ")}`, by);
  const size = o.size ?? Math.min(DEFAULT_CHUNK_SIZE, maxChunkTokens);
  if (!Number.isInteger(size) || size < 1) throw bad(`${prefix}size`, "a positive integer (tokens per chunk)", size);
  if (size > maxChunkTokens) {
    throw bad(`${prefix}size`, `at most ${maxChunkTokens} (the model's window less its special tokens)`, size, {
      limit: maxChunkTokens,
    });
  }
  const overlap = o.overlap ?? 0;
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
    throw bad(`${prefix}overlap`, `an integer from 0 to ${size - 1} (smaller than size ${size})`, overlap, {
      limit: size - 1,
    });
  }
  const locale = o.locale;
  if (locale !== undefined) {
    try {
      if (typeof locale !== "string") throw new TypeError("not a string");
      new Intl.Segmenter(locale, { granularity: "sentence" });
    } catch {
      throw bad(`${prefix}locale`, 'a BCP 47 language tag such as "en" or "zh"', locale);
    }
  }
  return { by, size, overlap, locale };
}
