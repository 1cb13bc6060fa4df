/**
 * L3: MurmurHash3 x86 32-bit (seed 0) of a string's UTF-8 bytes, as Python's `mmh3.hash`
 * computes it, and FastEmbed's BM25 term id: the absolute value of that signed hash.
 */
const encoder = new TextEncoder();
let buffer = new Uint8Array(256);

function utf8(text: string): number {
  // Worst case 3 bytes per UTF-16 unit.
  if (buffer.length < text.length * 3) buffer = new Uint8Array(text.length * 3);
  return encoder.encodeInto(text, buffer).written;
}

/** MurmurHash3_x86_32 of `bytes[0..length)`, as a signed 32-bit integer (mmh3.hash's value). */
export function murmur3Bytes(bytes: Uint8Array, length: number, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed | 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (length & 3) {
    case 3:
      k ^= bytes[blocks + 2]! << 16;
    // falls through
    case 2:
      k ^= bytes[blocks + 1]! << 8;
    // falls through
    case 1:
      k ^= bytes[blocks]!;
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** mmh3.hash(text): MurmurHash3_x86_32 (seed 0) of the UTF-8 bytes, signed. */
export function murmur3(text: string, seed = 0): number {
  const length = asciiBytes(text); // -1 unless ASCII
  if (length >= 0) return murmur3Bytes(buffer, length, seed);
  const utf8Length = utf8(text); // may replace `buffer`
  return murmur3Bytes(buffer, utf8Length, seed);
}

/** Copies an ASCII string's bytes into `buffer` (faster than TextEncoder); -1 if it is not ASCII. */
function asciiBytes(text: string): number {
  const n = text.length;
  if (buffer.length < n * 3) buffer = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return -1;
    buffer[i] = c;
  }
  return n;
}

/**
 * FastEmbed's BM25 term id: abs(mmh3.hash(token)), in 0..2^31 (a Qdrant sparse index is a u32).
 */
export function bm25TermId(token: string): number {
  return Math.abs(murmur3(token));
}
