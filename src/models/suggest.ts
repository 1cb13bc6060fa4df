/**
 * L1: "did you mean" suggestions for a mistyped model id. Pure.
 */

/** Edit distance between two short strings (model names). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The ids among `ids` close to `id`: the name part within a few edits, or containing it (4+ chars). */
export function closeIds<T extends string>(id: string, ids: readonly T[]): T[] {
  const needle = (id.toLowerCase().split("/").pop() ?? "").trim();
  if (needle.length === 0) return [];
  return ids.filter((m) => {
    const name = m.toLowerCase().split("/")[1] ?? "";
    return (
      editDistance(needle, name) <= Math.max(2, Math.floor(name.length / 6)) ||
      (needle.length >= 4 && name.includes(needle))
    );
  });
}
