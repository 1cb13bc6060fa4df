/**
 * L4: what an eval report shows, computed from results (pure, no IO): one table row per result
 * with its main score beside the published one, and, where results of one task differ only in
 * their parameters (a chunking or precision sweep), a plot of the main score against the
 * parameter that varies, one line per combination of the others.
 */
import { summarizeResult } from "../format-result.js";
import type { TaskResult } from "../result.js";

/** A parameter value of a run: numbers are placed on a numeric axis, strings in the order met. */
export type ReportParamValue = string | number;

/** One evaluated configuration: its result and the parameters it was run with. */
export interface ReportRun {
  readonly result: TaskResult;
  /** e.g. `{ quantization: "int8", chunk: "late", "chunk-size": 128 }`. Default none. */
  readonly params?: Readonly<Record<string, ReportParamValue>>;
}

/** Published main scores (x100, as MTEB's leaderboard), by model id then task name. */
export type PublishedScores = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface ReportInput {
  readonly runs: readonly ReportRun[];
  readonly published?: PublishedScores;
  /** Page title. Default "embedkit eval report". */
  readonly title?: string;
  /** The parameter on the x axis of sweep plots. Default: the first varying numeric one, else the first varying one. */
  readonly sweepParam?: string;
  /** Shown under the title (e.g. when and how the report was made). */
  readonly note?: string;
}

export interface ReportRow {
  /** The task as MTEB names it (without embedkit's `__<configuration>` suffix). */
  readonly task: string;
  /** The result's own name (with the suffix, if any). */
  readonly resultName: string;
  readonly model: string;
  readonly split: string;
  readonly params: Readonly<Record<string, ReportParamValue>>;
  readonly metric: string;
  /** Main score x100. */
  readonly score: number;
  /** The published main score x100, when there is one for this model and task. */
  readonly published: number | undefined;
  /** score - published, when published. */
  readonly delta: number | undefined;
  readonly seconds: number;
}

export interface SweepPoint {
  readonly x: ReportParamValue;
  readonly y: number;
}

export interface SweepSeries {
  /** The fixed parameters of this line, e.g. "chunk=late", or the task name when nothing else varies. */
  readonly name: string;
  readonly points: readonly SweepPoint[];
}

export interface Sweep {
  readonly task: string;
  readonly model: string;
  readonly metric: string;
  /** The parameter on the x axis. */
  readonly param: string;
  /** Whether x values are numbers (a numeric axis) or labels (placed in the order met). */
  readonly numeric: boolean;
  /** Every x value, in axis order. */
  readonly xs: readonly ReportParamValue[];
  readonly series: readonly SweepSeries[];
}

export interface ReportData {
  readonly title: string;
  readonly note: string | undefined;
  readonly rows: readonly ReportRow[];
  readonly sweeps: readonly Sweep[];
}

/** "XQuADChunked__late-sentences-64" -> "XQuADChunked" (the suffix embedkit adds per configuration). */
export function baseTaskName(resultName: string): string {
  const cut = resultName.indexOf("__");
  return cut > 0 ? resultName.slice(0, cut) : resultName;
}

function toRow(run: ReportRun, published: PublishedScores | undefined): ReportRow {
  const r = run.result;
  const main = summarizeResult(r).find((m) => m.main);
  const task = baseTaskName(r.task_name);
  const score = (main?.value ?? Number.NaN) * 100;
  const pub = published?.[r.model_name]?.[task];
  const hasPub = typeof pub === "number" && Number.isFinite(pub);
  return {
    task,
    resultName: r.task_name,
    model: r.model_name,
    split: Object.keys(r.scores)[0] ?? "",
    params: run.params ?? {},
    metric: main?.label ?? "main score",
    score,
    published: hasPub ? pub : undefined,
    delta: hasPub ? score - pub : undefined,
    seconds: r.evaluation_time,
  };
}

function distinct(values: readonly ReportParamValue[]): ReportParamValue[] {
  return [...new Set(values)];
}

/** "chunk=late, quantization=int8". */
export function paramLabel(params: Readonly<Record<string, ReportParamValue>>, keys?: readonly string[]): string {
  return (keys ?? Object.keys(params))
    .filter((k) => params[k] !== undefined)
    .map((k) => `${k}=${params[k]}`)
    .join(", ");
}

function sweepOf(rows: readonly ReportRow[], preferred: string | undefined): Sweep | undefined {
  const keys = distinct(rows.flatMap((r) => Object.keys(r.params))) as string[];
  const varying = keys.filter((k) => distinct(rows.map((r) => r.params[k] ?? "")).length > 1);
  if (varying.length === 0) return undefined;
  const allNumeric = (k: string): boolean => rows.every((r) => typeof r.params[k] === "number");
  const param =
    preferred !== undefined && varying.includes(preferred) ? preferred : (varying.find(allNumeric) ?? varying[0]!);
  const numeric = allNumeric(param);
  const others = varying.filter((k) => k !== param);
  const xsMet = distinct(rows.map((r) => r.params[param] ?? ""));
  const xs = numeric ? [...xsMet].sort((a, b) => (a as number) - (b as number)) : xsMet;
  const byName = new Map<string, SweepPoint[]>();
  for (const row of rows) {
    const name = others.length > 0 ? paramLabel(row.params, others) : row.task;
    const points = byName.get(name) ?? [];
    const x = row.params[param] ?? "";
    // A configuration met twice (an earlier result read again) keeps its last score.
    const same = points.findIndex((p) => p.x === x);
    if (same >= 0) points.splice(same, 1);
    points.push({ x, y: row.score });
    byName.set(name, points);
  }
  const series = [...byName].map(([name, points]) => ({
    name,
    points: [...points].sort((a, b) => xs.indexOf(a.x) - xs.indexOf(b.x)),
  }));
  return { task: rows[0]!.task, model: rows[0]!.model, metric: rows[0]!.metric, param, numeric, xs, series };
}

/** The rows and sweep plots of a report, in the order the runs were given. */
export function buildReport(input: ReportInput): ReportData {
  const rows = input.runs.map((run) => toRow(run, input.published));
  const groups = new Map<string, ReportRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.model, row.task, row.split]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const sweeps = [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => sweepOf(g, input.sweepParam))
    .filter((s): s is Sweep => s !== undefined);
  return { title: input.title ?? "embedkit eval report", note: input.note, rows, sweeps };
}
