/**
 * L4: Hamming distance between packed sign-bit rows (binary or ubinary precision).
 */

/** Set bits of each byte value. */
const POPCOUNT = (() => {
  const t = new Uint8Array(256);
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >> 1]!;
  return t;
})();

/**
 * Number of bits that differ between two packed rows of equal length. Works on binary (Int8Array)
 * and ubinary (Uint8Array) rows alike, and across them: binary is ubinary - 128, which only flips
 * each byte's top bit, and that flip cancels in the XOR of two rows of the same precision.
 * Mixing one binary and one ubinary row is a caller error (8 bits per byte would be counted off).
 */
export function hammingDistance(a: Int8Array | Uint8Array, b: Int8Array | Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`rows have ${a.length} and ${b.length} bytes; they must be equal`);
  let n = 0;
  for (let i = 0; i < a.length; i++) n += POPCOUNT[(a[i]! ^ b[i]!) & 0xff]!;
  return n;
}
