/**
 * L4: the result of evaluating one task, in the layout of MTEB's result files (one JSON file per
 * task: task_name, scores keyed by split with one entry per subset holding the metrics and
 * main_score, evaluation_time), plus what embedkit adds: the model, its quantization and
 * embedding variant, the embedkit version, the task type and the date. Files are written where MTEB writes them:
 *     <outputDir>/<model name with "/" as "__">/<revision>/<task name>.json
 * with MTEB's "no_revision_available" when the revision is unknown.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ScoreEntry } from "./evaluators/eval-context.js";
import type { TaskType } from "./tasks/task-types.js";

export interface SubsetScores extends ScoreEntry {
  readonly hf_subset: string;
  readonly languages: readonly string[];
}

export interface TaskResult {
  readonly dataset_revision: string | null;
  readonly task_name: string;
  readonly task_type: TaskType;
  readonly model_name: string;
  readonly model_revision: string | null;
  readonly quantization: string | null;
  /** How the embedder was configured beyond id and quantization (e.g. "normalize=false"), if at all. */
  readonly embedding_variant: string | null;
  readonly embedkit_version: string;
  /** Split -> one entry per subset (embedkit tasks have one, "default"). */
  readonly scores: Readonly<Record<string, readonly SubsetScores[]>>;
  /** Seconds. */
  readonly evaluation_time: number;
  /** ISO 8601 time the evaluation finished. */
  readonly date: string;
  readonly kg_co2_emissions: null;
}

export const NO_REVISION = "no_revision_available";

export function resultFilePath(
  outputDir: string,
  modelName: string,
  taskName: string,
  revision?: string | null,
): string {
  const safeTask = taskName.replace(/[/\\]/g, "_");
  return join(outputDir, modelName.replace(/\//g, "__"), revision ?? NO_REVISION, `${safeTask}.json`);
}

/** Writes the result file (atomically: temp file, then rename) and returns its path. */
export async function writeResult(outputDir: string, result: TaskResult): Promise<string> {
  const file = resultFilePath(outputDir, result.model_name, result.task_name, result.model_revision);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(result, null, 2)}\n`);
  await rename(tmp, file);
  return file;
}

export async function readResult(file: string): Promise<TaskResult> {
  return JSON.parse(await readFile(file, "utf8")) as TaskResult;
}

/** The main score of the task's (first) split and subset. */
export function mainScore(result: TaskResult): number {
  const entries = Object.values(result.scores)[0];
  return entries?.[0]?.main_score ?? Number.NaN;
}
