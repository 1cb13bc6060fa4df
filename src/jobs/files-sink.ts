/**
 * L5: the files sink. A job writes under `<sink>/<jobId>/`:
 * - `manifest.json`, at submission: the model, the dimension, the shards and every unit's file
 *   with its first record position and record count (concatenating the unit files in manifest
 *   order gives the records in input order);
 * - `unit-000042.jsonl`, one per unit: one line per record, `{"id","position","embedding"}`.
 *
 * A unit file appears only whole: it is written to a temporary name in the same folder, flushed
 * to disk and renamed over the final name, so a unit that runs twice (a stalled worker's unit
 * taken over) leaves one file with its records once, and a failed write leaves nothing.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { JobSpec, UnitData } from "./job-spec.js";

export interface OutputRow {
  readonly id: unknown;
  readonly position: number;
  readonly embedding: Float32Array;
  /** The record's text (the Postgres sink stores it; the files sink does not write it). */
  readonly text?: string;
}

export const jobOutputDir = (sink: string, jobId: string): string => join(sink, jobId);
export const unitFileName = (unit: number): string => `unit-${String(unit).padStart(6, "0")}.jsonl`;

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
  const manifest = {
    jobId: spec.jobId,
    createdAt: new Date(spec.createdAt).toISOString(),
    model: spec.model,
    quantization: spec.quantization,
    dim: spec.dim,
    records: spec.records,
    tokens: spec.tokens,
    format: "jsonl",
    row: { id: "the record's id field, or its position when it has none", position: "0-based, job-wide" },
    shards: spec.shards.map((s) => s.path),
    units: units.map((u) => ({ unit: u.unit, file: unitFileName(u.unit), first: u.first, records: u.records })),
  };
  try {
    await mkdir(dir, { recursive: true });
    await writeAtomically(path, JSON.stringify(manifest, null, 2) + "\n");
  } catch (cause) {
    throw cause instanceof EmbedkitError ? cause : sinkError(path, cause);
  }
  return path;
}

export async function writeUnitFile(spec: JobSpec, unit: number, rows: readonly OutputRow[]): Promise<string> {
  const dir = jobOutputDir(spec.sink, spec.jobId);
  const path = join(dir, unitFileName(unit));
  const text = rows
    .map((r) => JSON.stringify({ id: r.id, position: r.position, embedding: Array.from(r.embedding) }))
    .join("\n");
  await writeAtomically(path, rows.length ? text + "\n" : "");
  return path;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(content, "utf8");
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
