/**
 * L5: splits input shards into units of about `unitTokens` tokens each (the model's own token
 * counts, from TextEmbedding.tokenCount; each record capped at the model's window, unless the
 * job chunks its records), never across a shard boundary.
 *
 * A unit names a byte range of its shard instead of holding the texts: 50 million chunks of
 * ~1 KB would need ~50 GB of Redis memory as payloads, while a range is ~150 bytes per unit
 * whatever the texts. The price is that every worker must see the input files at the same path
 * (a shared volume or object-store mount), and that a file must not change after submission:
 * each shard's size and mtime are recorded and a worker refuses a shard that differs.
 */
import { stat } from "node:fs/promises";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { assertTextInput } from "../text-input.js";
import type { TextEmbedding } from "../embed/text-embedding.js";
import type { ShardInfo, UnitData } from "./job-spec.js";
import { shardFormat, shardRecords, type RecordFields, type ShardRecord } from "./shard-records.js";

export type PlannedUnit = Omit<UnitData, "jobId">;

export interface UnitPlan {
  readonly shards: ShardInfo[];
  readonly units: PlannedUnit[];
  readonly records: number;
  readonly tokens: number;
  /** Records that could not be parsed (their units will fail with the record's position). */
  readonly badRecords: {
    /** The record's position in the job, from 0 (across all shards, in order). */
    position: number;
    /** Path of the shard that holds it. */
    shard: string;
    /** Its line in that shard, from 1. */
    line: number;
    /** Why it could not be parsed. */
    message: string;
  }[];
}

const COUNT_BATCH = 256;

export async function inspectShard(path: string): Promise<ShardInfo> {
  const format = shardFormat(path);
  if (format === "json") {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `input ${path}: a .json array cannot be split into byte ranges; use JSON lines (.jsonl) or plain text`,
      { field: "input", path },
    );
  }
  try {
    const s = await stat(path);
    if (!s.isFile()) throw Object.assign(new Error("not a regular file"), { code: "EISDIR" });
    return { path, format, size: s.size, mtimeMs: s.mtimeMs };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? "unknown";
    throw new EmbedkitError(
      ERROR_CODES.INPUT_FILE_UNREADABLE,
      `input shard ${path} cannot be read (${code}): ${(cause as Error).message}`,
      { field: "input", path, errno: code },
      { cause },
    );
  }
}

export async function planUnits(
  paths: readonly string[],
  model: TextEmbedding,
  options: RecordFields & {
    unitTokens: number;
    /** Count each record's tokens whole (documents a chunked job splits) instead of capped at the model's window. */
    wholeRecords?: boolean;
  },
): Promise<UnitPlan> {
  const cap = options.wholeRecords ? Number.MAX_SAFE_INTEGER : model.maxTokens;
  const shards: ShardInfo[] = [];
  for (const p of paths) shards.push(await inspectShard(p)); // every shard checked before any work
  const units: PlannedUnit[] = [];
  const badRecords: UnitPlan["badRecords"] = [];
  let position = 0;
  let totalTokens = 0;
  for (let s = 0; s < shards.length; s++) {
    const shard = shards[s]!;
    let open: { start: number; end: number; line: number; first: number; records: number; tokens: number } | null =
      null;
    const close = (): void => {
      if (open && open.records > 0) units.push({ unit: units.length, shard: s, ...open });
      open = null;
    };
    const add = (r: ShardRecord, tokens: number): void => {
      if (open && open.records > 0 && open.tokens + tokens > options.unitTokens) close();
      open ??= { start: r.start, end: r.end, line: r.line, first: position, records: 0, tokens: 0 };
      open.end = r.end;
      open.records++;
      open.tokens += tokens;
      totalTokens += tokens;
      if (r.error) badRecords.push({ position, shard: shard.path, line: r.line, message: r.error.message });
      position++;
    };
    let batch: ShardRecord[] = [];
    const flush = async (): Promise<void> => {
      // A text the tokenizer refuses (a lone surrogate) is a bad record, not a failed submission.
      batch = batch.map((r) => {
        if (r.error) return r;
        try {
          assertTextInput(r.text, `line ${r.line} of ${shard.path}`);
          return r;
        } catch (e) {
          return { ...r, error: e as EmbedkitError };
        }
      });
      const good = batch.filter((r) => !r.error);
      const counts = good.length ? await model.tokenCount(good.map((r) => r.text)) : [];
      let k = 0;
      for (const r of batch) add(r, r.error ? 0 : Math.min(counts[k++]!, cap));
      batch = [];
    };
    try {
      for await (const r of shardRecords(shard.path, shard.format, options)) {
        batch.push(r);
        if (batch.length >= COUNT_BATCH) await flush();
      }
    } catch (cause) {
      if (cause instanceof EmbedkitError) throw cause;
      throw new EmbedkitError(
        ERROR_CODES.INPUT_FILE_UNREADABLE,
        `input shard ${shard.path} cannot be read: ${(cause as Error).message}`,
        { field: "input", path: shard.path },
        { cause },
      );
    }
    await flush();
    close();
  }
  return { shards, units, records: position, tokens: totalTokens, badRecords };
}
