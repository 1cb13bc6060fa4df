/**
 * L4: the built-in STSBenchmark task (MTEB "STSBenchmark": test split, 1379 pairs, gold 0-5),
 * read in place from the original release in `<dataDir>/stsbenchmark/sts-<split>.csv`.
 *
 * The files are tab-separated without a header: genre, file, year, id, score, sentence1,
 * sentence2, and on some rows two trailing columns (license, source). Sentences contain `"`, so
 * the lines are split on tabs only, never parsed as quoted CSV.
 */
import { join } from "node:path";
import { badLine, readDataFile } from "./read-data-file.js";
import type { StsPair, StsTask } from "./task-types.js";

export type StsBenchmarkSplit = "train" | "dev" | "test";

export async function loadStsBenchmark(dataDir: string, split: StsBenchmarkSplit = "test"): Promise<StsTask> {
  const file = join(dataDir, "stsbenchmark", `sts-${split}.csv`);
  const text = await readDataFile(file, "STSBenchmark data (dataDir should be the folder holding stsbenchmark/)");
  const pairs: StsPair[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    const fields = line.split("\t");
    if (fields.length < 7)
      throw badLine(file, i + 1, `expected at least 7 tab-separated fields, found ${fields.length}`);
    const score = Number(fields[4]);
    if (!Number.isFinite(score)) throw badLine(file, i + 1, `score (field 5) is not a number: ${fields[4]}`);
    pairs.push({ text1: fields[5] as string, text2: fields[6] as string, score });
  });
  return {
    type: "sts",
    name: "STSBenchmark",
    split,
    languages: ["eng-Latn"],
    description: "Semantic Textual Similarity Benchmark (Cer et al., 2017)",
    pairs,
    scoreRange: [0, 5],
  };
}
