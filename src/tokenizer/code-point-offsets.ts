/**
 * L2: turns the tokenizer's code point offsets into JavaScript's UTF-16 code unit offsets.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Returns a function from a code point offset in `text` to the UTF-16 offset of the same place.
 * Text without surrogates (all of the Basic Multilingual Plane) maps to itself. Offsets past the
 * end map to `text.length`. A lone surrogate counts as one code point, as it does for the
 * tokenizer (which receives it as U+FFFD).
 */
export function codePointToUtf16(text: string): (codePoint: number) => number {
  if (!SURROGATE.test(text)) return (cp) => Math.min(cp, text.length);
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return (cp) => map[Math.min(cp, map.length - 1)]!;
}
