/**
 * L6: reads texts for `embedkit embed` from a file or stdin, lazily, one record at a time.
 * - `.jsonl`/`.ndjson`: one JSON value per line: a string, or an object with a text field
 *   (default "text") and an optional id field (default "id"). Blank lines are skipped.
 * - `.json`: one array of such values.
 * - anything else, and stdin: plain text, one text per line (an empty line is an empty text).
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";

export interface InputRecord {
  readonly text: string;
  readonly id?: unknown;
}

export interface ReadOptions {
  readonly textField: string;
  readonly idField: string;
}

export type InputFormat = "jsonl" | "json" | "text";

export function formatOf(path: string | undefined): InputFormat {
  if (!path) return "text";
  const p = path.toLowerCase();
  if (p.endsWith(".jsonl") || p.endsWith(".ndjson")) return "jsonl";
  if (p.endsWith(".json")) return "json";
  return "text";
}

function fromValue(value: unknown, where: string, o: ReadOptions): InputRecord {
  if (typeof value === "string") return { text: value };
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const rec = value as Record<string, unknown>;
    const text = rec[o.textField];
    if (typeof text !== "string") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${where}: field "${o.textField}" must be a string, got ${text === undefined ? "nothing" : describeValue(text)} (choose the field with --text-field)`,
        { where, field: o.textField },
      );
    }
    return o.idField in rec ? { text, id: rec[o.idField] } : { text };
  }
  throw new EmbedkitError(
    ERROR_CODES.INVALID_INPUT,
    `${where}: expected a string or an object with a "${o.textField}" field, got ${describeValue(value)}`,
    { where },
  );
}

async function* lines(stream: Readable): AsyncGenerator<string> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
}

export async function* readInputs(
  path: string | undefined,
  o: ReadOptions,
  stdin: Readable = process.stdin,
): AsyncGenerator<InputRecord> {
  const format = formatOf(path);
  const name = path ?? "stdin";
  if (format === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path!, "utf8"));
    } catch (cause) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${name} is not valid JSON: ${(cause as Error).message}`,
        { path },
        { cause },
      );
    }
    if (!Array.isArray(parsed)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${name} must hold a JSON array, got ${describeValue(parsed)}`,
        { path },
      );
    }
    for (let i = 0; i < parsed.length; i++) yield fromValue(parsed[i], `${name}[${i}]`, o);
    return;
  }
  const stream = path ? createReadStream(path, { encoding: "utf8" }) : stdin.setEncoding("utf8");
  let n = 0;
  for await (const line of lines(stream)) {
    n++;
    if (format === "text") {
      yield { text: line };
      continue;
    }
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `line ${n} of ${name} is not valid JSON: ${(cause as Error).message}`,
        { where: `${name}:${n}` },
        { cause },
      );
    }
    yield fromValue(value, `line ${n} of ${name}`, o);
  }
}
