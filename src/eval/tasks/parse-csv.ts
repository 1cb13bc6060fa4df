/**
 * L4: an RFC 4180 CSV parser: comma-separated fields, double-quoted fields that may hold commas,
 * line breaks and doubled quotes (""), CRLF or LF record ends. Returns records of raw strings.
 */

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let i = 0;
  let line = 1;
  let atFieldStart = true;
  const n = text.length;
  const endField = () => {
    record.push(field);
    field = "";
    atFieldStart = true;
  };
  while (i < n) {
    const ch = text[i] as string;
    if (atFieldStart && ch === '"') {
      // Quoted field.
      const startLine = line;
      i++;
      while (true) {
        if (i >= n) throw new CsvSyntaxError(`unterminated quoted field starting on line ${startLine}`, startLine);
        const c = text[i] as string;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === "\n") line++;
        field += c;
        i++;
      }
      atFieldStart = false;
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new CsvSyntaxError(`unexpected character after a closing quote on line ${line}`, line);
      }
      continue;
    }
    if (ch === ",") {
      endField();
      i++;
    } else if (ch === "\r" || ch === "\n") {
      endField();
      records.push(record);
      record = [];
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
    } else {
      field += ch;
      atFieldStart = false;
      i++;
    }
  }
  if (!atFieldStart || field !== "" || record.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}
