/** L7: a byte count as people read it (1.5 MiB), for the CLI's reports. */

/** `n` bytes in B, KiB, MiB, GiB or TiB (binary units, one decimal). */
export function humanBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}
