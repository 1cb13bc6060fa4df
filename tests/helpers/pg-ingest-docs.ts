/** Documents and chunking shared by the kill-mid-ingest test and its child process. */
const WORDS = ["river", "market", "quantum", "garden", "engine", "violin", "harbor", "pepper", "glacier", "ledger"];

export const KILL_INGEST_CHUNKING = { strategy: "late", by: "tokens", size: 12 } as const;

/** `n` documents of a few sentences each (3 to 6 chunks of 12 tokens), ids `doc-000`... */
export function generatedDocuments(n: number): { id: string; text: string; metadata: { n: number } }[] {
  return Array.from({ length: n }, (_, i) => {
    const w = (k: number): string => WORDS[(i * 7 + k * 3) % WORDS.length]!;
    const sentences = Array.from(
      { length: 2 + (i % 3) },
      (_, s) => `Document ${i} sentence ${s} talks about the ${w(s)} and the ${w(s + 1)} near the ${w(s + 2)}.`,
    );
    return { id: `doc-${String(i).padStart(3, "0")}`, text: sentences.join(" "), metadata: { n: i } };
  });
}
