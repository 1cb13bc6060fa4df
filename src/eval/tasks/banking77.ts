/**
 * L4: the built-in Banking77Classification task (MTEB: train on `train`, evaluate on `test`,
 * 3080 texts, 77 intents), read in place from the original PolyAI release in
 * `<dataDir>/banking77/{train,test}.csv` (header `text,category`, quoted fields, CRLF). Rows keep
 * file order, which MTEB's seeded undersampling depends on.
 */
import { join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import { CsvSyntaxError, parseCsv } from "./parse-csv.js";
import { badLine, readDataFile } from "./read-data-file.js";
import type { ClassificationTask, LabeledText } from "./task-types.js";

async function readSplit(dataDir: string, split: "train" | "test"): Promise<LabeledText[]> {
  const file = join(dataDir, "banking77", `${split}.csv`);
  const text = await readDataFile(file, "Banking77 data (dataDir should be the folder holding banking77/)");
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw badLine(file, e.line, e.message);
    throw e;
  }
  const header = records[0];
  if (!header || header[0] !== "text" || header[1] !== "category") {
    throw new EmbedkitError(ERROR_CODES.INVALID_TASK, `${file}: expected the header "text,category"`, { file });
  }
  const rows: LabeledText[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r] as string[];
    if (rec.length === 1 && rec[0] === "") continue;
    if (rec.length !== 2) throw badLine(file, r + 1, `expected 2 fields (text, category), found ${rec.length}`);
    rows.push({ text: rec[0] as string, label: rec[1] as string });
  }
  return rows;
}

export async function loadBanking77(dataDir: string): Promise<ClassificationTask> {
  const [train, test] = await Promise.all([readSplit(dataDir, "train"), readSplit(dataDir, "test")]);
  return {
    type: "classification",
    name: "Banking77Classification",
    split: "test",
    languages: ["eng-Latn"],
    description: "Online banking queries annotated with 77 intents (Casanueva et al., 2020)",
    train,
    test,
  };
}
