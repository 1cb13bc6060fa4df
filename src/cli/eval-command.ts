/**
 * L6: `embedkit eval`: scores a model on MTEB-style tasks and writes MTEB-layout result files.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BUILTIN_TASK_NAMES, formatTaskResult, runEvalCommand, type EvalProgress } from "../eval/index.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { checkChunkFlag, chunkOptionsFrom } from "./embed-chunks-command.js";
import { parsePrecision } from "../pooling/quantize.js";
import { commonModelOptions, intFlag, modelOptionsFrom, storeFrom, type CliContext } from "./common.js";

export const EVAL_HELP = `Usage: embedkit eval --model ID --task NAME|all|FILE.json [--task ...] [options]

Scores a model as MTEB does and writes one MTEB-layout JSON result per task.
Built-in tasks: ${BUILTIN_TASK_NAMES.join(", ")} (data read from --data-dir).
A task file (.json) defines a task on your own data: sts, classification, pair-classification,
retrieval (BEIR folder layout), reranking or clustering.
--model bm25 evaluates BM25 (FastEmbed-compatible English terms; retrieval tasks only);
--hybrid bm25 fuses the dense model's retrieval with BM25 (results under <model>+bm25-<fusion>).

Options:
  -t, --task NAME|all|FILE  task to run (repeatable)
      --hybrid bm25         fuse dense retrieval with BM25 (retrieval tasks only)
      --fusion rrf|weighted how --hybrid fuses (default rrf, k 60; weighted: min-max, equal weights)
      --precision P         retrieval tasks: search the corpus at float32 | int8 | uint8 | binary | ubinary
                            (int8/uint8 ranges from the corpus; binary by Hamming distance); results
                            under <model>+<P> (with --rescore: <model>+<P>-rescore<N>)
      --rescore N           rescore the top 10 from N x 10 candidates with the float32 query
                            (sentence-transformers' rescore; 4 is its recommended multiplier)
      --data-dir DIR        folder holding stsbenchmark/, banking77/, cranfield/ (default $EMBEDKIT_EVAL_DATA,
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
      precision: { type: "string" },
      rescore: { type: "string" },
      fusion: { type: "string" },
      chunk: { type: "string" },
      "chunk-by": { type: "string" },
      "chunk-size": { type: "string" },
      "chunk-overlap": { type: "string" },
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
  checkChunkFlag(values.chunk);
  const chunking = chunkOptionsFrom({ ...values, chunk: values.chunk ?? "late" });
  const model = modelOptionsFrom(values, ctx);
  const store = storeFrom(values, ctx);
  const normalize = parseBool("normalize", values.normalize);
  const dataDir = values["data-dir"] ?? defaultDataDir(ctx);
  const { results } = await runEvalCommand({
    model: model.model!,
    quantization: model.quantization === "int8" ? "int8" : "fp32",
    ...(normalize !== undefined ? { normalize } : {}),
    ...(values.hybrid !== undefined ? { hybrid: values.hybrid as "bm25" } : {}),
    ...(values.fusion !== undefined ? { fusion: values.fusion as "rrf" } : {}),
    ...(values.precision !== undefined || values.rescore !== undefined
      ? {
          precision: {
            precision: parsePrecision(values.precision, "--precision"),
            ...(values.rescore !== undefined
              ? { rescore: true, rescoreMultiplier: intFlag("--rescore", values.rescore) }
              : {}),
          },
        }
      : {}),
    tasks: values.task,
    ...(dataDir !== undefined ? { dataDir } : {}),
    outputDir: values["output-dir"]!,
    ...(values["no-cache"] ? {} : { cacheDir: values["embedding-cache"] ?? join(store.cacheDir, "eval-embeddings") }),
    ...(values["batch-size"] !== undefined ? { batchSize: intFlag("--batch-size", values["batch-size"]) } : {}),
    ...(values.seed !== undefined ? { seed: intFlag("--seed", values.seed) } : {}),
    overwrite: values.overwrite ?? false,
    chunking,
    embedderOptions: { store, ...(model.intraOpThreads !== undefined ? { intraOpThreads: model.intraOpThreads } : {}) },
    ...(progressReporter(ctx) ? { onProgress: progressReporter(ctx)! } : {}),
    onResult: (r) => {
      ctx.stdout.write(
        `${formatTaskResult(r.result)}\n${r.reused ? "  (result file existed; --overwrite runs it again)\n" : ""}  -> ${r.file}\n\n`,
      );
    },
  });
  return results.length > 0 ? 0 : 1;
}
