/**
 * L5: the files sink. A job writes under `<sink>/<jobId>/`:
 * - `manifest.json`, at submission: the model, the dimension, the format, the shards and every
 *   unit's file(s) with its first record position and record count (concatenating the unit
 *   files in manifest order gives the rows in input order);
 * - format "jsonl" (default), `unit-000042.jsonl`, one per unit: one line per row,
 *   `{"id","position","embedding"}`, or for a chunked job one line per chunk,
 *   `{"id","chunk","start","end","text","embedding"}` (as `embedkit embed --chunk` writes);
 * - format "npy", per unit `unit-000042.npy` (float32, shape (rows, dim)) and its sidecar
 *   `unit-000042.ids.jsonl` holding the same lines without `embedding`, row for row.
 *
 * A unit file appears only whole: it is written to a temporary name in the same folder, flushed
 * to disk and renamed over the final name, so a unit that runs twice (a stalled worker's unit
 * taken over) leaves one file with its records once, and a failed write leaves nothing. With npy
 * the sidecar is renamed first, then the matrix: a unit whose `.npy` exists is complete.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { JobSpec, SinkFormat, UnitData } from "./job-spec.js";
import { npyBytes } from "./npy-shard.js";

export interface OutputRow {
  readonly id: unknown;
  readonly position: number;
  readonly embedding: Float32Array;
  /** The record's text (the Postgres sink stores it; the files sink does not write it). */
  readonly text?: string;
}

/** One chunk of a chunked job's document: the fields `embedkit embed --chunk` writes. */
export interface ChunkOutputRow {
  /** The record's id, else its line number in its shard. */
  readonly id: string | number;
  /** The chunk's index in its document, from 0. */
  readonly chunk: number;
  /** UTF-16 offsets of the chunk in its document, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly embedding: Float32Array;
}

export type SinkRow = OutputRow | ChunkOutputRow;

const unitStem = (unit: number): string => `unit-${String(unit).padStart(6, "0")}`;
export const jobOutputDir = (sink: string, jobId: string): string => join(sink, jobId);
/** The unit's main file: `unit-NNNNNN.jsonl`, or `unit-NNNNNN.npy` for format npy. */
export const unitFileName = (unit: number, format: SinkFormat = "jsonl"): string => `${unitStem(unit)}.${format}`;
/** Format npy: the unit's sidecar of row fields (everything but the embedding), one JSON line per row. */
export const unitIdsFileName = (unit: number): string => `${unitStem(unit)}.ids.jsonl`;

/** A row's fields other than its embedding, in output order. */
function rowFields(r: SinkRow): Record<string, unknown> {
  if ("chunk" in r) return { id: r.id, chunk: r.chunk, start: r.start, end: r.end, text: r.text };
  return { id: r.id, position: r.position };
}

const jsonLines = (lines: readonly string[]): string => (lines.length ? lines.join("\n") + "\n" : "");

function sinkError(path: string, cause: unknown): EmbedkitError {
  const errno = (cause as NodeJS.ErrnoException).code ?? "unknown";
  return new EmbedkitError(
    ERROR_CODES.SINK_WRITE_FAILED,
    `the files sink could not write ${path} (${errno}): ${(cause as Error).message}`,
    { field: "sink", path, errno },
    { cause },
  );
}

export async function writeManifest(spec: JobSpec, units: readonly Omit<UnitData, "jobId">[]): Promise<string> {
  const dir = jobOutputDir(spec.sink, spec.jobId);
  const path = join(dir, "manifest.json");
  const format = spec.format ?? "jsonl";
  const manifest = {
    jobId: spec.jobId,
    createdAt: new Date(spec.createdAt).toISOString(),
    model: spec.model,
    quantization: spec.quantization,
    dim: spec.dim,
    records: spec.records,
    tokens: spec.tokens,
    format,
    ...(spec.chunking ? { chunking: spec.chunking } : {}),
    row: spec.chunking
      ? {
          id: "the record's id field, or its line number in its shard when it has none",
          chunk: "the chunk's index in its document, from 0",
          start: "UTF-16 offset of the chunk in its document",
          end: "UTF-16 offset just past the chunk",
          text: "the chunk's text",
        }
      : { id: "the record's id field, or its position when it has none", position: "0-based, job-wide" },
    ...(format === "npy"
      ? { npy: "float32, shape (rows, dim), C order; row i of a unit's .npy belongs to line i of its ids file" }
      : {}),
    shards: spec.shards.map((s) => s.path),
    units: units.map((u) => ({
      unit: u.unit,
      file: unitFileName(u.unit, format),
      ...(format === "npy" ? { ids: unitIdsFileName(u.unit) } : {}),
      first: u.first,
      records: u.records,
      // A chunked unit's row count is known once it is written (its .npy shape, its file's lines).
      ...(spec.chunking ? {} : { rows: u.records }),
    })),
  };
  try {
    await mkdir(dir, { recursive: true });
    await writeAtomically(path, JSON.stringify(manifest, null, 2) + "\n");
  } catch (cause) {
    throw cause instanceof EmbedkitError ? cause : sinkError(path, cause);
  }
  return path;
}

/** Writes one unit's rows in the job's format; returns the path of its main file. */
export async function writeUnitFile(spec: JobSpec, unit: number, rows: readonly SinkRow[]): Promise<string> {
  const dir = jobOutputDir(spec.sink, spec.jobId);
  const format = spec.format ?? "jsonl";
  const path = join(dir, unitFileName(unit, format));
  if (format === "npy") {
    await writeAtomically(join(dir, unitIdsFileName(unit)), jsonLines(rows.map((r) => JSON.stringify(rowFields(r)))));
    await writeAtomically(
      path,
      npyBytes(
        rows.map((r) => r.embedding),
        spec.dim,
      ),
    );
    return path;
  }
  const lines = rows.map((r) => JSON.stringify({ ...rowFields(r), embedding: Array.from(r.embedding) }));
  await writeAtomically(path, jsonLines(lines));
  return path;
}

async function writeAtomically(path: string, content: string | Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (cause) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw sinkError(path, cause);
  }
}

/** Checks at submission that the sink folder can be created and written. */
export async function checkSinkWritable(sink: string, jobId: string): Promise<void> {
  const dir = jobOutputDir(sink, jobId);
  const probe = join(dir, `.probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, "");
    await rm(probe);
  } catch (cause) {
    throw sinkError(dir, cause);
  }
}
