/**
 * L7: `embedkit eval`: scores a model on MTEB-style tasks and writes MTEB-layout result files.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  BUILTIN_TASK_NAMES,
  findBuiltinTask,
  formatTaskResult,
  runEvalCommand,
  type EvalProgress,
  type ReportRun,
  type TaskResult,
} from "../eval/index.js";
import { precisionLabel, type QuantizedRetrieverOptions } from "../eval/retrievers/quantized-retriever.js";
import { DEFAULT_CHUNK_SIZE } from "../chunking/chunk-options.js";
import type { EmbedChunksOptions } from "../embed/embed-chunks.js";
import { readPublished, ReportFile } from "./eval-report-file.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { checkChunkFlag, chunkOptionsFrom } from "./embed-chunks-command.js";
import { parsePrecision } from "../pooling/quantize.js";
import { commonModelOptions, intFlag, modelOptionsFrom, storeFrom, type CliContext } from "./common.js";
import { EVAL_INDEX_HELP, EVAL_INDEX_OPTIONS, indexWrapperFrom } from "./eval-index-flags.js";

export const EVAL_HELP = `Usage: embedkit eval --model ID --task NAME|all|FILE.json [--task ...] [options]

Scores a model as MTEB does and writes one MTEB-layout JSON result per task.
Built-in tasks: ${BUILTIN_TASK_NAMES.join(", ")} (data read from --data-dir).
A task file (.json) defines a task on your own data: sts, classification, pair-classification,
retrieval (BEIR folder layout), reranking or clustering.
--model bm25 evaluates BM25 (FastEmbed-compatible English terms; retrieval tasks only);
--hybrid bm25 fuses the dense model's retrieval with BM25 (results under <model>+bm25-<fusion>).
A sparse model (SPLADE id or folder) retrieves by sparse dot product (retrieval tasks only);
--rerank MODEL rescores each query's top --rerank-top hits with a cross-encoder
(results under <first stage>+rerank-<reranker>@<top>).

Options:
  -t, --task NAME|all|FILE  task to run (repeatable)
      --hybrid bm25         fuse dense retrieval with BM25 (retrieval tasks only)
      --fusion rrf|weighted how --hybrid fuses (default rrf, k 60; weighted: min-max, equal weights)
      --rerank MODEL        rerank the retrieved hits with this cross-encoder (retrieval tasks only)
      --rerank-top N        hits per query the cross-encoder rescores (default 100, at most 1000)
      --precision P         retrieval and chunked tasks: search the corpus at float32 | int8 | uint8 | binary | ubinary
                            (int8/uint8 ranges from the corpus; binary by Hamming distance); results
                            under <model>+<P> (with --rescore: <model>+<P>-rescore<N>); repeatable:
                            a precision sweep (--rescore then applies to the quantized ones)
      --rescore N           rescore the top 10 from N x 10 candidates with the float32 query
                            (sentence-transformers' rescore; 4 is its recommended multiplier)
${EVAL_INDEX_HELP}      --data-dir DIR        folder holding stsbenchmark/, banking77/, cranfield/ (default $EMBEDKIT_EVAL_DATA,
                            else ./data or ../shared/data when present)
      --output-dir DIR      where result files go (default ./results)
      --embedding-cache DIR reuse embeddings across runs (default <model cache>/eval-embeddings)
      --no-cache            do not cache embeddings
      --normalize BOOL      true|false: override the model's L2 normalization (BGE's and E5's published
                            classification scores were computed without it)
      --overwrite           run a task again even if its result file exists
      --batch-size N        texts per runtime call
      --seed N              seed of the classification/clustering experiments (default 42)
      --chunk late|naive    chunked-retrieval tasks (QMSumChunked, XQuADChunked): how documents are
                            chunked and embedded (default late); the result file is named after it,
                            e.g. XQuADChunked__naive-tokens-128.json
      --chunk-by KIND       tokens | sentences | paragraphs | markdown (default sentences)
      --chunk-size N        most tokens per chunk (default 256)
      --chunk-overlap N     tokens shared with the previous chunk (default 0)
                            --chunk and --chunk-size may be repeated: a sweep, every combination run
      --report FILE         also write a report (.html: one self-contained page with inline SVG plots;
                            .md: markdown tables): each task's main score beside the published one,
                            and for a sweep a plot of the score against the swept value, a line per series
      --published FILE      published scores to compare with ({"scores": {model: {task: x100}}};
                            default <data-dir>/published-mteb.json when present)
${commonModelOptions.help}`;

function defaultDataDir(ctx: CliContext): string | undefined {
  const fromEnv = ctx.env["EMBEDKIT_EVAL_DATA"];
  if (fromEnv) return fromEnv;
  return [resolve("data"), resolve("..", "shared", "data")].find((d) => existsSync(join(d, "stsbenchmark")));
}

function parseBool(field: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `--${field} must be true or false, got "${v}"`, {
    field,
    value: v,
  });
}

function progressReporter(ctx: CliContext): ((p: EvalProgress) => void) | undefined {
  const stream = ctx.stderr as NodeJS.WriteStream;
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.done < p.total && now - last < 250) return;
    last = now;
    stream.write(`\r${p.task}: ${p.stage} ${p.done}/${p.total}${p.done >= p.total ? "\n" : ""}`);
  };
}

export async function evalCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...commonModelOptions.options,
      task: { type: "string", short: "t", multiple: true },
      "data-dir": { type: "string" },
      "output-dir": { type: "string", default: "results" },
      "embedding-cache": { type: "string" },
      "no-cache": { type: "boolean", default: false },
      normalize: { type: "string" },
      overwrite: { type: "boolean", default: false },
      "batch-size": { type: "string" },
      seed: { type: "string" },
      hybrid: { type: "string" },
      precision: { type: "string", multiple: true },
      rescore: { type: "string" },
      fusion: { type: "string" },
      rerank: { type: "string" },
      "rerank-top": { type: "string" },
      chunk: { type: "string", multiple: true },
      "chunk-by": { type: "string" },
      "chunk-size": { type: "string", multiple: true },
      report: { type: "string" },
      published: { type: "string" },
      "chunk-overlap": { type: "string" },
      ...EVAL_INDEX_OPTIONS,
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(EVAL_HELP);
    return 0;
  }
  if (!values.task || values.task.length === 0) {
    ctx.stderr.write(`embedkit eval: give at least one --task\n\n${EVAL_HELP}`);
    return 2;
  }
  const strategies = values.chunk ?? ["late"];
  strategies.forEach(checkChunkFlag);
  const sizes: (string | undefined)[] = values["chunk-size"] ?? [undefined];
  const index = indexWrapperFrom(values);
  // With --index, --precision and --rescore are the index's (parsed by indexWrapperFrom).
  const precisions: (string | undefined)[] = index === undefined ? (values.precision ?? [undefined]) : [undefined];
  const chunkSweep = strategies.flatMap((chunk) =>
    sizes.map((size) =>
      chunkOptionsFrom({
        chunk,
        "chunk-by": values["chunk-by"],
        "chunk-size": size,
        "chunk-overlap": values["chunk-overlap"],
      }),
    ),
  );
  const sweep = precisions.flatMap((p) =>
    chunkSweep.map((chunking, ci) => ({
      chunking,
      precision: index === undefined ? precisionFlag(p, values.rescore, precisions.length) : undefined,
      firstOfPrecision: ci === 0,
    })),
  );
  const model = modelOptionsFrom(values, ctx);
  const store = storeFrom(values, ctx);
  const normalize = parseBool("normalize", values.normalize);
  const dataDir = values["data-dir"] ?? defaultDataDir(ctx);
  // The report's path and the published scores are checked before anything is evaluated.
  const published = values.report !== undefined ? await readPublished(values.published, dataDir) : undefined;
  const report = values.report !== undefined ? await ReportFile.open(values.report) : undefined;
  const runs: ReportRun[] = [];
  let count = 0;
  try {
    for (const { chunking, precision, firstOfPrecision } of sweep) {
      // Later chunking configurations only change chunked tasks: the others ran in the first one.
      const tasks = firstOfPrecision ? values.task : chunkedTaskSpecs(values.task);
      if (tasks.length === 0) continue;
      const { results } = await runEvalCommand({
        model: model.model!,
        quantization: model.quantization === "int8" ? "int8" : "fp32",
        ...(normalize !== undefined ? { normalize } : {}),
        ...(values.hybrid !== undefined ? { hybrid: values.hybrid as "bm25" } : {}),
        ...(values.fusion !== undefined ? { fusion: values.fusion as "rrf" } : {}),
        ...(precision !== undefined ? { precision } : {}),
        ...(index !== undefined ? { index } : {}),
        ...(values.rerank !== undefined ? { rerank: values.rerank } : {}),
        ...(values["rerank-top"] !== undefined ? { rerankTop: intFlag("--rerank-top", values["rerank-top"]) } : {}),
        tasks,
        ...(dataDir !== undefined ? { dataDir } : {}),
        outputDir: values["output-dir"]!,
        ...(values["no-cache"]
          ? {}
          : { cacheDir: values["embedding-cache"] ?? join(store.cacheDir, "eval-embeddings") }),
        ...(values["batch-size"] !== undefined ? { batchSize: intFlag("--batch-size", values["batch-size"]) } : {}),
        ...(values.seed !== undefined ? { seed: intFlag("--seed", values.seed) } : {}),
        overwrite: values.overwrite ?? false,
        chunking,
        embedderOptions: {
          store,
          ...(model.intraOpThreads !== undefined ? { intraOpThreads: model.intraOpThreads } : {}),
        },
        ...(progressReporter(ctx) ? { onProgress: progressReporter(ctx)! } : {}),
        onResult: (r) => {
          ctx.stdout.write(
            `${formatTaskResult(r.result)}\n${r.reused ? "  (result file existed; --overwrite runs it again)\n" : ""}  -> ${r.file}\n\n`,
          );
        },
      });
      count += results.length;
      runs.push(
        ...results.map((r) => ({
          // A precision run's result is filed under <model>+<precision>; the report groups it with
          // the model's other precisions (precision becomes a parameter of the sweep).
          result: precision !== undefined ? { ...r.result, model_name: model.model! } : r.result,
          params: reportParams(r.result, chunking, precision),
        })),
      );
    }
  } catch (e) {
    await report?.abandon();
    throw e;
  }
  if (report) {
    await report.write(runs, published, `embedkit eval, ${new Date().toISOString()}; ${runs.length} results`);
    ctx.stdout.write(`report (${runs.length} results) -> ${report.path}\n`);
  }
  return count > 0 ? 0 : 1;
}

/** The task specs a later sweep configuration runs: the chunked built-in tasks named (or all of them, for "all"). */
function chunkedTaskSpecs(specs: readonly string[]): string[] {
  const chunked = BUILTIN_TASK_NAMES.filter((n) => /chunked$/i.test(n));
  return [
    ...new Set(
      specs.flatMap((s) => (s.toLowerCase() === "all" ? chunked : chunked.filter((n) => n === findBuiltinTask(s)))),
    ),
  ];
}

/** What a result was run with, as the report's sweep parameters. */
function reportParams(
  result: TaskResult,
  o: EmbedChunksOptions,
  precision: QuantizedRetrieverOptions | undefined,
): Record<string, string | number> {
  const params: Record<string, string | number> = result.quantization ? { quantization: result.quantization } : {};
  if (precision !== undefined) params.precision = precisionLabel(precision);
  if (result.task_type !== "chunked-retrieval") return params;
  const c = o.chunking ?? {};
  return {
    ...params,
    chunk: c.strategy ?? "late",
    "chunk-by": c.by ?? "sentences",
    "chunk-size": c.size ?? DEFAULT_CHUNK_SIZE,
    "chunk-overlap": c.overlap ?? 0,
  };
}

/**
 * One configuration of `--precision` (and `--rescore`). In a sweep of several precisions,
 * `--rescore` applies to the quantized ones (float32 has nothing to rescore).
 */
function precisionFlag(
  p: string | undefined,
  rescore: string | undefined,
  count: number,
): QuantizedRetrieverOptions | undefined {
  if (p === undefined && rescore === undefined) return undefined;
  const precision = parsePrecision(p, "--precision");
  const rescoreIt = rescore !== undefined && !(count > 1 && precision === "float32");
  return {
    precision,
    ...(rescoreIt ? { rescore: true, rescoreMultiplier: intFlag("--rescore", rescore) } : {}),
  };
}
