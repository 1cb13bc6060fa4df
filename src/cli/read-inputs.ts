/**
 * L7: reads texts for `embedkit embed` from a file or stdin, lazily, one record at a time.
 * - `.jsonl`/`.ndjson`: one JSON value per line: a string, or an object with a text field
 *   (default "text") and an optional id field (default "id"). Blank lines are skipped.
 * - `.json`: one array of such values.
 * - anything else, and stdin: plain text, one text per line (an empty line is an empty text).
 * Input must be UTF-8 (a leading byte-order mark is dropped): invalid UTF-8 or a NUL byte (a
 * binary or UTF-16 file) is an `invalid_input` error naming the line and the byte offset, never
 * text silently mangled into U+FFFD replacement characters.
 */
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";

export interface InputRecord {
  readonly text: string;
  readonly id?: unknown;
  /** Where the text came from, for messages: "line 3 of docs.txt", "docs.json[2]". */
  readonly where?: string;
  /** The whole JSON object the record was read from (JSON inputs only), e.g. for its metadata. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

export interface ReadOptions {
  readonly textField: string;
  readonly idField: string;
  /** Keep each JSON object in the record's `fields` (e.g. for its metadata). Default false. */
  readonly keepFields?: boolean;
  /** How stdin is read (no path given). Default "text": one text per line. */
  readonly stdinFormat?: InputFormat;
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
  if (typeof value === "string") return { text: value, where };
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
    const kept = o.keepFields ? { fields: rec } : {};
    return o.idField in rec ? { text, id: rec[o.idField], where, ...kept } : { text, where, ...kept };
  }
  throw new EmbedkitError(
    ERROR_CODES.INVALID_INPUT,
    `${where}: expected a string or an object with a "${o.textField}" field, got ${describeValue(value)}`,
    { where },
  );
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Offset of the first byte that does not begin a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i; // not a lead byte, or the sequence is cut off
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]!;
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    const min = n === 1 ? 0x80 : n === 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** The line's text, or INVALID_INPUT naming the line and byte offsets when it is not UTF-8 text. */
function decodeLine(bytes: Buffer, n: number, fileOffset: number, name: string): string {
  const nul = bytes.indexOf(0);
  const bad = firstInvalidUtf8(bytes);
  if (nul < 0 && bad < 0) return bytes.toString("utf8");
  const at = bad < 0 ? nul : nul < 0 ? bad : Math.min(nul, bad);
  const what =
    at === nul
      ? "holds a NUL byte (a binary or UTF-16 file?)"
      : `is not valid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, "0")})`;
  throw new EmbedkitError(
    ERROR_CODES.INVALID_INPUT,
    `line ${n} of ${name} ${what} at byte ${at} of the line (byte ${fileOffset + at} of the input); embedkit reads UTF-8 text: convert it first (e.g. \`iconv -f latin1 -t utf-8\`)`,
    { where: `${name}:${n}`, line: n, byteOffset: fileOffset + at },
  );
}

/** Lines of a byte stream (LF or CRLF), decoded as strict UTF-8, with their 1-based numbers. */
async function* lines(stream: AsyncIterable<Buffer | string>, name: string): AsyncGenerator<[string, number]> {
  let rest: Buffer = Buffer.alloc(0);
  let offset = 0; // input byte offset of rest[0]
  let n = 0;
  const emit = (line: Buffer): [string, number] => {
    n++;
    let bytes = line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
    let start = offset;
    if (n === 1 && bytes.subarray(0, 3).equals(BOM)) {
      bytes = bytes.subarray(3);
      start += 3;
    }
    return [decodeLine(bytes, n, start, name), n];
  };
  for await (const chunk of stream) {
    rest = rest.length === 0 ? Buffer.from(chunk) : Buffer.concat([rest, Buffer.from(chunk)]);
    let nl: number;
    while ((nl = rest.indexOf(0x0a)) >= 0) {
      const line = emit(rest.subarray(0, nl));
      offset += nl + 1;
      rest = rest.subarray(nl + 1);
      yield line;
    }
  }
  if (rest.length > 0) yield emit(rest);
}

/** Fails early, with the path named, when `--input` is missing or is not a readable file. */
export async function checkInputPath(path: string): Promise<void> {
  const st = await stat(path).catch((e: unknown) => {
    throw inputFileError(path, e);
  });
  if (st.isDirectory()) throw inputFileError(path, { code: "EISDIR" });
}

function inputFileError(path: string, cause: unknown): EmbedkitError {
  const code = (cause as { code?: unknown } | null)?.code;
  const reason =
    code === "ENOENT"
      ? "does not exist"
      : code === "EISDIR"
        ? "is a directory, not a file"
        : code === "EACCES" || code === "EPERM"
          ? "cannot be read (permission denied)"
          : `cannot be read: ${cause instanceof Error ? cause.message : String(code)}`;
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `--input "${path}" ${reason}`,
    { flag: "--input", path, reason, ...(typeof code === "string" ? { errno: code } : {}) },
    { cause },
  );
}

export async function* readInputs(
  path: string | undefined,
  o: ReadOptions,
  stdin: Readable = process.stdin,
): AsyncGenerator<InputRecord> {
  const format = path === undefined ? (o.stdinFormat ?? "text") : formatOf(path);
  const name = path ?? "stdin";
  if (format === "json") {
    let buf = await readFile(path!).catch((e: unknown) => {
      throw inputFileError(path!, e);
    });
    if (buf.subarray(0, 3).equals(BOM)) buf = buf.subarray(3);
    const bad = firstInvalidUtf8(buf);
    if (bad >= 0) {
      const line = buf.subarray(0, bad).reduce((k, b) => (b === 0x0a ? k + 1 : k), 1);
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${name} is not valid UTF-8 at byte ${bad} (line ${line}); embedkit reads UTF-8 text`,
        { path, line, byteOffset: bad },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString("utf8"));
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
  const source: AsyncIterable<Buffer | string> = path ? readFileChunks(path) : stdin;
  for await (const [line, n] of lines(source, name)) {
    if (format === "text") {
      yield { text: line, where: `line ${n} of ${name}` };
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

async function* readFileChunks(path: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) yield chunk as Buffer;
  } catch (e) {
    throw inputFileError(path, e);
  }
}
