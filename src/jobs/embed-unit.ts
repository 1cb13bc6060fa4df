/**
 * L5: one unit's work: read its byte range of the shard, embed the records, return the rows.
 * Errors say whether trying again can help: a bad record or a shard changed since submission
 * is `permanent` (the unit goes to the failed set at once, with the record's position); a
 * missing file or a runtime failure may be transient and is retried with back-off.
 */
import { stat } from "node:fs/promises";
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../errors.js";
import type { TextEmbedding } from "../embed/text-embedding.js";
import type { OutputRow } from "./files-sink.js";
import type { JobSpec, UnitData } from "./job-spec.js";
import { shardRecords, type ShardRecord } from "./shard-records.js";

const PERMANENT_CODES: ReadonlySet<string> = new Set([ERROR_CODES.INVALID_INPUT, ERROR_CODES.INPUT_TOO_LONG]);

/** Whether a failure comes from the input itself, so a retry would fail the same way. */
export function isPermanent(e: unknown): boolean {
  return isEmbedkitError(e) && (PERMANENT_CODES.has(e.code) || e.details["changed"] === true);
}

/** The error `e` about the unit's `index`-th record, restated with its job-wide position, shard and line. */
export function recordError(
  e: EmbedkitError,
  spec: JobSpec,
  unit: UnitData,
  r: ShardRecord,
  index: number,
): EmbedkitError {
  const position = unit.first + index;
  const shard = spec.shards[unit.shard]!.path;
  const where = `record at position ${position} (line ${r.line} of ${shard})`;
  const known = /^(inputs\[\d+\]|documents\[\d+\](\.text)?|line \d+ of \S+)/;
  const message = known.test(e.message) ? e.message.replace(known, where) : `${where}: ${e.message}`;
  return new EmbedkitError(
    e.code,
    message,
    { ...e.details, field: "input", position, shard, line: r.line, unit: unit.unit },
    { cause: e },
  );
}

/** The unit's records, read from its byte range of the shard (which must not have changed since submission). */
export async function readUnit(spec: JobSpec, unit: UnitData): Promise<ShardRecord[]> {
  const shard = spec.shards[unit.shard]!;
  let size: number;
  let mtimeMs: number;
  try {
    ({ size, mtimeMs } = await stat(shard.path));
  } catch (cause) {
    const errno = (cause as NodeJS.ErrnoException).code ?? "unknown";
    throw new EmbedkitError(
      ERROR_CODES.INPUT_FILE_UNREADABLE,
      `input shard ${shard.path} of unit ${unit.unit} cannot be read (${errno}); workers must see the inputs at the path given to job submit`,
      { path: shard.path, errno, unit: unit.unit },
      { cause },
    );
  }
  if (size !== shard.size || mtimeMs !== shard.mtimeMs) {
    throw new EmbedkitError(
      ERROR_CODES.INPUT_FILE_UNREADABLE,
      `input shard ${shard.path} changed since the job was submitted (size ${shard.size} -> ${size} bytes); submit the job again`,
      { path: shard.path, changed: true, submittedSize: shard.size, size, unit: unit.unit },
    );
  }
  const out: ShardRecord[] = [];
  try {
    for await (const r of shardRecords(shard.path, shard.format, spec, {
      from: unit.start,
      to: unit.end,
      firstLine: unit.line,
    })) {
      out.push(r);
    }
  } catch (cause) {
    throw new EmbedkitError(
      ERROR_CODES.INPUT_FILE_UNREADABLE,
      `input shard ${shard.path} of unit ${unit.unit} cannot be read: ${(cause as Error).message}`,
      { path: shard.path, unit: unit.unit },
      { cause },
    );
  }
  return out;
}

export async function embedUnit(spec: JobSpec, unit: UnitData, model: TextEmbedding): Promise<OutputRow[]> {
  const records = await readUnit(spec, unit);
  const bad = records.findIndex((r) => r.error);
  if (bad >= 0) throw recordError(records[bad]!.error!, spec, unit, records[bad]!, bad);
  const vectors: Float32Array[] = [];
  try {
    for await (const batch of model.embed(
      records.map((r) => r.text),
      {
        truncate: spec.truncate,
        ...(spec.promptName !== undefined ? { promptName: spec.promptName } : {}),
        ...(spec.dimensions !== undefined ? { dimensions: spec.dimensions } : {}),
      },
    )) {
      vectors.push(...batch);
    }
  } catch (e) {
    const m = isEmbedkitError(e) ? /inputs\[(\d+)\]/.exec(`${String(e.details["field"] ?? "")} ${e.message}`) : null;
    if (m && isEmbedkitError(e)) throw recordError(e, spec, unit, records[Number(m[1])]!, Number(m[1]));
    throw e;
  }
  return records.map((r, i) => ({
    id: r.id ?? unit.first + i,
    position: unit.first + i,
    embedding: vectors[i]!,
    text: r.text,
  }));
}
