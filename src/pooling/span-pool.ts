/**
 * L1 (pure): the spans head (late chunking). The mean state of each given token range of a row,
 * accumulated in float64 like mean pooling, so a span over all real tokens equals mean pooling.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { TokenEmbeddings } from "../types.js";
import type { TokenSpan } from "./head-types.js";
import { realLength } from "./pool.js";

/**
 * Checks one row's spans against its real token count: integers with 0 <= start < end <= tokens.
 * `field` names the row's span list in the error, e.g. "spans[3]".
 */
export function checkSpans(spans: readonly TokenSpan[], tokens: number, field: string): void {
  if (!Array.isArray(spans)) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be an array of [start, end] token ranges`, {
      field,
    });
  }
  spans.forEach((span, j) => {
    const [start, end] = Array.isArray(span) ? span : [NaN, NaN];
    const ok =
      Array.isArray(span) &&
      span.length === 2 &&
      Number.isInteger(start) &&
      Number.isInteger(end) &&
      start >= 0 &&
      start < end &&
      end <= tokens;
    if (!ok) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `${field}[${j}] must be a token range [start, end) with 0 <= start < end <= ${tokens} (the input's tokens), got ${JSON.stringify(span)}`,
        { field: `${field}[${j}]`, value: span, tokens },
      );
    }
  });
}

/** Span means of every row, concatenated: row r's spans are items offsets[r] to offsets[r + 1]. */
export function meanOfSpans(
  out: TokenEmbeddings,
  mask: BigInt64Array,
  spans: readonly (readonly TokenSpan[])[],
): { data: Float32Array; offsets: Uint32Array } {
  const { batchSize, seqLen, hidden, data } = out;
  if (spans.length !== batchSize) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `the spans head holds span lists for ${spans.length} rows; the batch has ${batchSize}`,
      { field: "spans", rows: spans.length, batchSize },
    );
  }
  const offsets = new Uint32Array(batchSize + 1);
  for (let r = 0; r < batchSize; r++) {
    checkSpans(spans[r]!, realLength(mask, seqLen, r), `spans[${r}]`);
    offsets[r + 1] = offsets[r]! + spans[r]!.length;
  }
  const means = new Float32Array(offsets[batchSize]! * hidden);
  const acc = new Float64Array(hidden);
  let k = 0;
  for (let r = 0; r < batchSize; r++) {
    for (const [start, end] of spans[r]!) {
      acc.fill(0);
      for (let t = start; t < end; t++) {
        const base = (r * seqLen + t) * hidden;
        for (let h = 0; h < hidden; h++) acc[h]! += data[base + h]!;
      }
      const inv = 1 / (end - start);
      for (let h = 0; h < hidden; h++) means[k * hidden + h] = acc[h]! * inv;
      k++;
    }
  }
  return { data: means, offsets };
}
