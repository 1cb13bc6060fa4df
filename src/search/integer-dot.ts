/**
 * L4: dot products on scalar-quantized (int8 / uint8) rows.
 */

/**
 * The exact integer dot product of two quantized rows of equal length (int8 or uint8; both
 * quantized with the same ranges). Sums stay exact: |value| <= 255 per element, far below 2^53.
 */
export function integerDot(a: Int8Array | Uint8Array, b: Int8Array | Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`rows have ${a.length} and ${b.length} values; they must be equal`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The dot product of a float32 query with a quantized row's integer values, as
 * sentence-transformers rescores int8/uint8 candidates (`query @ row.astype(int)`).
 */
export function floatIntegerDot(query: ArrayLike<number>, row: Int8Array | Uint8Array): number {
  if (query.length !== row.length) {
    throw new RangeError(`query has ${query.length} values and the row ${row.length}; they must be equal`);
  }
  let s = 0;
  for (let i = 0; i < row.length; i++) s += query[i]! * row[i]!;
  return s;
}
