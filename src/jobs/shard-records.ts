/**
 * L5: the records of an input shard, with the byte range and line number of each, read lazily.
 * `.jsonl`/`.ndjson`: one JSON value per line (a string, or an object with a text field and an
 * optional id field); blank lines are skipped. Anything else: one text per line.
 * A line that cannot be parsed is yielded as a record with an `error`, so a planner can size
 * around it and a worker can fail that unit with the record's position.
 */
import { createReadStream } from "node:fs";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";

export interface ShardRecord {
  readonly text: string;
  readonly id?: unknown;
  /** 1-based line number in the shard. */
  readonly line: number;
  /** Byte range [start, end) of the line, newline included. */
  readonly start: number;
  readonly end: number;
  readonly error?: EmbedkitError;
}

export interface RecordFields {
  readonly textField: string;
  readonly idField: string;
}

export function shardFormat(path: string): "jsonl" | "text" | "json" {
  const p = path.toLowerCase();
  if (p.endsWith(".jsonl") || p.endsWith(".ndjson")) return "jsonl";
  if (p.endsWith(".json")) return "json";
  return "text";
}

function parseJsonLine(line: string, where: string, f: RecordFields): { text: string; id?: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${where} is not valid JSON: ${(cause as Error).message}`, {
      where,
    });
  }
  if (typeof value === "string") return { text: value };
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const rec = value as Record<string, unknown>;
    const text = rec[f.textField];
    if (typeof text !== "string") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${where}: field "${f.textField}" must be a string, got ${text === undefined ? "nothing" : describeValue(text)}`,
        { where, field: f.textField },
      );
    }
    return f.idField in rec ? { text, id: rec[f.idField] } : { text };
  }
  throw new EmbedkitError(
    ERROR_CODES.INVALID_INPUT,
    `${where}: expected a string or an object with a "${f.textField}" field, got ${describeValue(value)}`,
    { where },
  );
}

/**
 * Yields the records of `path` whose lines lie in [from, to) (default: the whole file).
 * `firstLine` is the line number of the line starting at `from`.
 */
export async function* shardRecords(
  path: string,
  format: "jsonl" | "text",
  fields: RecordFields,
  range: { from: number; to: number; firstLine: number } = { from: 0, to: Infinity, firstLine: 1 },
): AsyncGenerator<ShardRecord> {
  const stream = createReadStream(path, {
    start: range.from,
    ...(Number.isFinite(range.to) ? { end: range.to - 1 } : {}),
  });
  let pending: Buffer[] = [];
  let pendingStart = range.from;
  let offset = range.from;
  let line = range.firstLine;
  function* emit(bytes: Buffer, start: number, end: number): Generator<ShardRecord> {
    let s = bytes.toString("utf8");
    if (s.endsWith("\n")) s = s.slice(0, -1);
    if (s.endsWith("\r")) s = s.slice(0, -1);
    const where = `line ${line} of ${path}`;
    const base = { line, start, end };
    line++;
    if (format === "text") {
      yield { ...base, text: s };
      return;
    }
    if (s.trim() === "") return;
    try {
      yield { ...base, ...parseJsonLine(s, where, fields) };
    } catch (e) {
      yield { ...base, text: "", error: e as EmbedkitError };
    }
  }
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl + 1);
      const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      const end = offset + nl + 1;
      yield* emit(bytes, pendingStart, end);
      pendingStart = end;
      from = nl + 1;
    }
    if (from < chunk.length) pending.push(chunk.subarray(from));
    offset += chunk.length;
  }
  if (pending.length) yield* emit(Buffer.concat(pending), pendingStart, offset);
}
