/**
 * The real-sentence corpus of the index bench: every sentence of the shared evaluation sets
 * (QMSum meeting turns, Cranfield abstracts and queries, XQuAD contexts, STS Benchmark, Banking77),
 * split with Intl.Segmenter, plus every run of two and of three adjacent sentences of one document or meeting (the
 * shared data hold about 46k distinct sentences; the runs bring the corpus past 100k real texts),
 * 20-400 characters, deduplicated, in a seeded shuffle. The bench indexes the first `n` and queries
 * with the next ones (held out, never indexed).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadBanking77 } from "../../src/eval/tasks/banking77.js";
import { loadCranfield } from "../../src/eval/tasks/cranfield.js";
import { loadStsBenchmark } from "../../src/eval/tasks/sts-benchmark.js";
import { seededRng, shuffled } from "../lib/rng.js";

interface QmsumFile {
  readonly meeting_transcripts: readonly { readonly content: string }[];
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

function sentencesOf(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment.replace(/\s+/g, " ").trim());
}

/** All distinct sentences and adjacent runs of the shared data sets, seeded shuffle. */
export async function realSentences(dataDir: string, seed = 12): Promise<string[]> {
  const raw: string[] = [];
  const withRuns = (sentences: readonly string[]): void => {
    raw.push(...sentences);
    for (let i = 0; i + 1 < sentences.length; i++) raw.push(`${sentences[i]} ${sentences[i + 1]}`);
    for (let i = 0; i + 2 < sentences.length; i++) raw.push(`${sentences[i]} ${sentences[i + 1]} ${sentences[i + 2]}`);
  };
  const qmsumDir = join(dataDir, "qmsum", "val");
  for (const f of readdirSync(qmsumDir)
    .filter((x) => x.endsWith(".json"))
    .sort()) {
    const meeting = JSON.parse(readFileSync(join(qmsumDir, f), "utf8")) as QmsumFile;
    withRuns(meeting.meeting_transcripts.flatMap((turn) => sentencesOf(turn.content)));
  }
  const cran = await loadCranfield(dataDir);
  for (const d of cran.corpus) withRuns(sentencesOf(`${d.title ?? ""}. ${d.text}`));
  for (const q of cran.queries) raw.push(...sentencesOf(q.text));
  for (const split of ["train", "dev", "test"] as const) {
    for (const p of (await loadStsBenchmark(dataDir, split)).pairs) raw.push(p.text1.trim(), p.text2.trim());
  }
  const bank = await loadBanking77(dataDir);
  for (const t of [...bank.train, ...bank.test]) raw.push(t.text.trim());
  const seen = new Set<string>();
  for (const s of raw) if (s.length >= 20 && s.length <= 400) seen.add(s);
  return shuffled([...seen].sort(), seededRng(seed));
}
