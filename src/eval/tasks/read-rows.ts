/**
 * L4: reads the rows of a user data file, by extension:
 *   .jsonl  one JSON object per line
 *   .json   a JSON array of objects
 *   .tsv    tab-separated, first line a header naming the columns (no quoting)
 *   .csv    RFC 4180 CSV, first record a header naming the columns
 * Each row keeps the line it came from, for error messages.
 */
import { extname } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import { CsvSyntaxError, parseCsv } from "./parse-csv.js";
import { badLine, readDataFile } from "./read-data-file.js";

export interface Row {
  readonly line: number;
  readonly value: unknown;
}

function tableRows(file: string, records: { fields: string[]; line: number }[]): Row[] {
  const header = records[0];
  if (!header) throw new EmbedkitError(ERROR_CODES.INVALID_TASK, `${file} is empty`, { file });
  const names = header.fields.map((h) => h.trim());
  return records.slice(1).map(({ fields, line }) => {
    if (fields.length !== names.length) {
      throw badLine(file, line, `expected ${names.length} columns (${names.join(", ")}), found ${fields.length}`);
    }
    return { line, value: Object.fromEntries(names.map((n, i) => [n, fields[i]])) };
  });
}

const EXTENSIONS = [".jsonl", ".json", ".tsv", ".csv"];

export async function readRows(file: string, what: string): Promise<Row[]> {
  const ext = extname(file).toLowerCase();
  if (!EXTENSIONS.includes(ext)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_TASK,
      `${what}: ${file} has an unsupported extension ${JSON.stringify(ext)}; use .jsonl, .json, .tsv or .csv`,
      { file },
    );
  }
  const text = await readDataFile(file, what);
  if (ext === ".jsonl") {
    const rows: Row[] = [];
    text.split("\n").forEach((raw, i) => {
      if (raw.trim() === "") return;
      try {
        rows.push({ line: i + 1, value: JSON.parse(raw) });
      } catch {
        throw badLine(file, i + 1, "not valid JSON");
      }
    });
    return rows;
  }
  if (ext === ".json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new EmbedkitError(ERROR_CODES.INVALID_TASK, `${file} is not valid JSON: ${(e as Error).message}`, { file });
    }
    if (!Array.isArray(value))
      throw new EmbedkitError(ERROR_CODES.INVALID_TASK, `${file}: expected a JSON array`, { file });
    return value.map((v, i) => ({ line: i + 1, value: v }));
  }
  if (ext === ".tsv") {
    const records = text
      .split("\n")
      .map((raw, i) => ({ raw: raw.endsWith("\r") ? raw.slice(0, -1) : raw, line: i + 1 }))
      .filter((r) => r.raw.trim() !== "")
      .map((r) => ({ fields: r.raw.split("\t"), line: r.line }));
    return tableRows(file, records);
  }
  {
    // .csv
    let parsed: string[][];
    try {
      parsed = parseCsv(text);
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw badLine(file, e.line, e.message);
      throw e;
    }
    // Record numbers stand in for lines (equal unless quoted fields hold line breaks).
    const records = parsed
      .map((fields, i) => ({ fields, line: i + 1 }))
      .filter((r) => !(r.fields.length === 1 && r.fields[0] === ""));
    return tableRows(file, records);
  }
}
