/**
 * L4: the evaluation harness's public surface.
 */
export { evaluate, type EvaluateOptions, type EvalProgress } from "./evaluate.js";
export { evaluateChunkedSweep, type ChunkedSweepOptions, type ChunkSweepEmbedder } from "./evaluate-chunked-sweep.js";
export { EmbeddingCache, embedTexts, type EmbedOptions } from "./cache.js";
export { runEvalCommand, resolveTasks, withNormalization } from "./command.js";
export type {
  EvalCommandOptions,
  EvalCommandResult,
  EvalCommandTaskResult,
  DisposableEmbedder,
  EmbedderSpec,
  PerCallNormalizing,
} from "./command.js";
export { writeResult, readResult, resultFilePath, mainScore, type TaskResult, type SubsetScores } from "./result.js";
export { formatTaskResult, summarizeResult, type MetricLine } from "./format-result.js";
export { BUILTIN_TASK_NAMES, loadBuiltinTask, findBuiltinTask, type BuiltinTaskName } from "./tasks/builtin-tasks.js";
export { loadTaskFile, parseTaskDefinition } from "./tasks/task-file.js";
export { loadBeirFolder } from "./tasks/beir-folder.js";
export { loadStsBenchmark } from "./tasks/sts-benchmark.js";
export { loadBanking77 } from "./tasks/banking77.js";
export type * from "./tasks/task-types.js";
export type { EvalStage, ScoreEntry } from "./evaluators/eval-context.js";
export {
  buildReport,
  baseTaskName,
  type ReportInput,
  type ReportRun,
  type ReportRow,
  type ReportData,
  type Sweep,
  type SweepSeries,
  type PublishedScores,
  type ReportParamValue,
} from "./report/report-data.js";
export {
  renderReport,
  renderHtmlReport,
  renderMarkdownReport,
  reportFormatOf,
  type ReportFormat,
} from "./report/render-report.js";
export { svgLinePlot } from "./report/svg-line-plot.js";
