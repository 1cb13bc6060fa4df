/**
 * L7: `embedkit embed`: texts from arguments, a file or stdin -> vectors as JSON lines or .npy.
 */
import { once } from "node:events";
import { parseArgs } from "node:util";
import { TextEmbedding, type TextEmbeddingOptions } from "../embed/text-embedding.js";
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../errors.js";
import type { PromptName, Quantization } from "../types.js";
import { commonModelOptions, intFlag, modelOptionsFrom, type CliContext } from "./common.js";
import { isSparseModelName } from "../hub/resolve-sparse.js";
import { DEFAULT_SPARSE_MODEL, embedSparse } from "./embed-sparse.js";
import { checkChunkCombination, checkChunkFlag, chunkOptionsFrom, runChunkedEmbed } from "./embed-chunks-command.js";
import { NpyWriter } from "./npy-writer.js";
import { OutputFile, outputError } from "./output-file.js";
import { createProgress } from "./progress.js";
import { checkInputPath, readInputs, type InputRecord } from "./read-inputs.js";
import { parsePrecision, type Precision, type QuantizedRow } from "../pooling/quantize.js";
import type { NpyDtype } from "./npy-writer.js";
import { readCalibration } from "./read-calibration.js";

export const EMBED_HELP = `Usage: embedkit embed [text ...] [options]

Embeds texts given as arguments, or read from --input, or one per line from stdin.
Writes one JSON line per text, in input order: {"index":0,"id":...,"embedding":[...]}

Options:
  -i, --input FILE         .jsonl/.ndjson (strings or objects), .json (array), or plain text (one per line)
  -o, --output FILE        write here instead of stdout; .npy writes a float32 [n, dim] matrix. The file
                           is replaced only when the run succeeds (vectors before an input error go
                           to FILE.partial)
      --text-field NAME    field holding the text in JSON objects (default "text")
      --id-field NAME      field copied to the output as "id" (default "id")
      --prompt NAME        prepend the model's prompt: query | passage | symmetric (a note on stderr
                           when the model has none of that name)
      --dimensions N       Matryoshka: keep the first N components (renormalized)
      --batch-size N       texts per runtime call (default 64)
      --no-truncate        fail on inputs longer than the model's limit instead of cutting them
      --precision P        float32 (default) | int8 | uint8 | binary | ubinary, as sentence-transformers'
                           quantize_embeddings: JSON lines get integer arrays, .npy gets dtype int8 or
                           uint8 (binary/ubinary: dim/8 packed sign bits per row)
      --calibration FILE   int8/uint8 (needed there): embeddings whose per-dimension min/max set the
                           ranges: a float32 .npy (as --output x.npy writes) or JSON lines of arrays
                           or {"embedding": [...]} objects (as embedkit embed prints)
      --sparse             sparse vectors, one JSON line per text: {"index","id","indices","values"}
                           (default model ${DEFAULT_SPARSE_MODEL}; also chosen by --model bm25 or a
                           SPLADE model id or folder)
      --top-k N            sparse: keep the N largest weights of each vector
      --chunk late|naive   split each text (a document) into chunks and embed those: one JSON line per
                           chunk {"id","chunk","start","end","text","embedding"} (id: the record's id,
                           else its line number); with .npy output the other fields go to
                           FILE.chunks.jsonl. late: one pass over the document, a span mean per chunk;
                           naive: each chunk embedded on its own (both with the passage prompt)
      --chunk-by KIND      tokens | sentences | paragraphs | markdown (default sentences)
      --chunk-size N       most tokens per chunk (default 256)
      --chunk-overlap N    tokens shared with the previous chunk (default 0)
${commonModelOptions.help}`;

type Row = QuantizedRow;

interface Sink {
  write(index: number, rec: InputRecord, v: Row): Promise<void>;
  /** Flushes buffered lines (and writes the .npy shape); the file itself is committed by the caller. */
  finish(): Promise<void>;
}

function jsonLine(index: number, rec: InputRecord, v: Row): string {
  return `${JSON.stringify({ index, ...(rec.id !== undefined ? { id: rec.id } : {}), embedding: Array.from(v) })}\n`;
}

/** JSON lines or .npy into an OutputFile; lines are buffered into writes of about 1 MiB. */
async function fileSink(out: OutputFile, npy: boolean, dim: number, precision: Precision): Promise<Sink> {
  if (npy) {
    const w = await NpyWriter.create(out, rowWidth(precision, dim), NPY_DTYPES[precision]);
    return { write: (_i, _r, v) => w.write([v]), finish: () => w.finish() };
  }
  let buffered: string[] = [];
  let size = 0;
  const flush = async (): Promise<void> => {
    if (buffered.length === 0) return;
    const data = Buffer.from(buffered.join(""), "utf8");
    buffered = [];
    size = 0;
    await out.write(data);
  };
  return {
    write: async (index, rec, v) => {
      const line = jsonLine(index, rec, v);
      buffered.push(line);
      size += line.length;
      if (size >= 1 << 20) await flush();
    },
    finish: flush,
  };
}

const NPY_DTYPES: Record<Precision, NpyDtype> = {
  float32: "<f4",
  int8: "|i1",
  uint8: "|u1",
  binary: "|i1",
  ubinary: "|u1",
};

function rowWidth(precision: Precision, dim: number): number {
  return precision === "binary" || precision === "ubinary" ? Math.ceil(dim / 8) : dim;
}

/** JSON lines on stdout, with backpressure; a write error (a full disk behind `>`) fails the next write. */
function stdoutSink(stdout: NodeJS.WritableStream): Sink & { release(): void } {
  let failure: unknown;
  const onError = (e: unknown): void => {
    failure ??= e;
  };
  stdout.on("error", onError);
  const check = (): void => {
    if (failure !== undefined) throw outputError("stdout", failure, "stdout");
  };
  return {
    write: async (index, rec, v) => {
      check();
      if (!stdout.write(jsonLine(index, rec, v))) {
        await once(stdout, "drain").catch((e: unknown) => {
          throw outputError("stdout", e, "stdout");
        });
      }
    },
    finish: async () => check(),
    release: () => void stdout.off("error", onError),
  };
}

/**
 * Names the CLI's source of the input a library error is about ("line 7 of docs.txt" instead of
 * "inputs[6]"), and for over-long inputs the flag that decides it.
 */
function locate(e: unknown, pending: readonly InputRecord[], nextIndex: number): unknown {
  if (!isEmbedkitError(e)) return e;
  const field = e.details["field"];
  const m = typeof field === "string" ? /^inputs\[(\d+)\]/.exec(field) : null;
  if (m === null) return e;
  const index = Number(m[1]);
  const where = pending[index - nextIndex]?.where;
  if (where === undefined) return e;
  const details = { ...e.details, where, index };
  if (e.code === ERROR_CODES.INPUT_TOO_LONG) {
    return new EmbedkitError(
      e.code,
      `${where} has ${String(e.details["tokens"])} tokens; the model accepts at most ${String(e.details["maxTokens"])} (without --no-truncate, long texts are cut to the limit)`,
      { ...details, flag: "--no-truncate" },
      { cause: e },
    );
  }
  return new EmbedkitError(e.code, e.message.split(field as string).join(where), details, { cause: e });
}

export async function embedCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...commonModelOptions.options,
      input: { type: "string", short: "i" },
      output: { type: "string", short: "o" },
      "text-field": { type: "string", default: "text" },
      "id-field": { type: "string", default: "id" },
      prompt: { type: "string" },
      dimensions: { type: "string" },
      "batch-size": { type: "string" },
      "no-truncate": { type: "boolean", default: false },
      sparse: { type: "boolean", default: false },
      "top-k": { type: "string" },
      chunk: { type: "string" },
      "chunk-by": { type: "string" },
      "chunk-size": { type: "string" },
      "chunk-overlap": { type: "string" },
      precision: { type: "string" },
      calibration: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(EMBED_HELP);
    return 0;
  }
  const prompt = values.prompt;
  if (prompt !== undefined && !["query", "passage", "symmetric"].includes(prompt)) {
    ctx.stderr.write(`embedkit embed: --prompt must be query, passage or symmetric, got "${prompt}"\n`);
    return 2;
  }
  const sparse = values.sparse || (values.model !== undefined && (await isSparseModelName(values.model)));
  checkChunkCombination({ chunk: values.chunk, prompt, sparse });
  if (sparse) {
    if (positionals.length === 0 && values.input !== undefined) await checkInputPath(values.input);
    const base = modelOptionsFrom({ ...values, model: values.model ?? DEFAULT_SPARSE_MODEL }, ctx);
    return embedSparse(
      {
        options: {
          ...base,
          model: base.model ?? DEFAULT_SPARSE_MODEL,
          truncate: !values["no-truncate"],
          ...(values["batch-size"] !== undefined ? { batchSize: intFlag("--batch-size", values["batch-size"]) } : {}),
        },
        records:
          positionals.length > 0
            ? positionals.map((text, i) => ({ text, where: `text ${i + 1} of the command line` }))
            : readInputs(values.input, { textField: values["text-field"]!, idField: values["id-field"]! }, ctx.stdin),
        output: values.output,
        topK: values["top-k"] !== undefined ? intFlag("--top-k", values["top-k"]) : undefined,
      },
      ctx,
    );
  }
  // Everything that can be checked without the model is checked before it loads.
  const options: TextEmbeddingOptions = {
    ...modelOptionsFrom(values, ctx),
    ...(values["batch-size"] !== undefined ? { batchSize: intFlag("--batch-size", values["batch-size"]) } : {}),
    ...(values.dimensions !== undefined ? { dimensions: intFlag("--dimensions", values.dimensions) } : {}),
    truncate: !values["no-truncate"],
    quantization: (values.quantization ?? "fp32") as Quantization,
  };
  checkChunkFlag(values.chunk);
  const chunkOptions = values.chunk !== undefined ? chunkOptionsFrom(values) : undefined;
  const precision = values.precision === undefined ? "float32" : parsePrecision(values.precision, "--precision");
  if (precision !== "float32" && chunkOptions !== undefined) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "--precision applies to whole-text embeddings, not --chunk", {
      field: "--precision",
      flag: "--precision",
    });
  }
  if ((precision === "int8" || precision === "uint8") && values.calibration === undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--precision ${precision} needs --calibration FILE (embeddings whose per-dimension min/max set the ranges; vectors are written as they stream, so the run's own cannot be used)`,
      { field: "--calibration", flag: "--calibration", precision },
    );
  }
  if (values.calibration !== undefined && precision !== "int8" && precision !== "uint8") {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--calibration applies to --precision int8 or uint8 only; the precision is ${precision}`,
      { field: "--calibration", flag: "--calibration", precision },
    );
  }
  const calibration = values.calibration !== undefined ? await readCalibration(values.calibration) : undefined;
  if (positionals.length === 0 && values.input !== undefined) await checkInputPath(values.input);
  const out = values.output !== undefined ? await OutputFile.open(values.output) : undefined;
  let model: TextEmbedding;
  try {
    model = await TextEmbedding.create(options);
  } catch (e) {
    await out?.abandon();
    throw e;
  }
  if (prompt !== undefined && model.spec.prompts[prompt as PromptName] === "") {
    ctx.stderr.write(
      `embedkit embed: note: ${model.modelId} has no "${prompt}" prompt; texts are embedded as given (see \`embedkit models info\`)\n`,
    );
  }
  const records: AsyncIterable<InputRecord> | InputRecord[] =
    positionals.length > 0
      ? positionals.map((text, i) => ({ text, where: `text ${i + 1} of the command line` }))
      : readInputs(values.input, { textField: values["text-field"]!, idField: values["id-field"]! }, ctx.stdin);
  if (chunkOptions !== undefined) {
    try {
      await runChunkedEmbed({ model, records, options: chunkOptions, output: values.output, out, ctx });
    } finally {
      await model.dispose();
    }
    return 0;
  }
  const pending: InputRecord[] = [];
  async function* texts(): AsyncGenerator<string> {
    for await (const r of records) {
      pending.push(r);
      yield r.text;
    }
  }
  const toStdout = out === undefined ? stdoutSink(ctx.stdout) : undefined;
  const progress = createProgress("embedding", { stream: ctx.stderr as NodeJS.WriteStream });
  let index = 0;
  let sink: Sink | undefined = toStdout;
  try {
    sink ??= await fileSink(out!, values.output!.toLowerCase().endsWith(".npy"), model.dim, precision);
    const call = {
      ...(prompt ? { promptName: prompt as PromptName } : {}),
      precision,
      ...(calibration !== undefined ? { calibration } : {}),
    };
    for await (const batch of model.embed(texts(), call)) {
      for (const v of batch) await sink.write(index++, pending.shift()!, v);
      progress.tick(batch.length);
    }
    await sink.finish();
    await out?.commit();
  } catch (e) {
    // A closed pipe (`embedkit embed ... | head`) ends the run quietly, as Unix tools do, once
    // the model is disposed (exiting with its worker alive is what aborted the process natively).
    if (out === undefined && isEmbedkitError(e, ERROR_CODES.OUTPUT_WRITE_FAILED) && e.details["errno"] === "EPIPE")
      return 0;
    if (out !== undefined) {
      // The output file keeps its old content; what was written before an input error is kept aside.
      const writeFailed = isEmbedkitError(e, ERROR_CODES.OUTPUT_WRITE_FAILED);
      const keep =
        index > 0 && !writeFailed && sink
          ? await sink.finish().then(
              () => true,
              () => false,
            )
          : false;
      const kept = await out.abandon(keep ? `${values.output!}.partial` : undefined);
      if (kept !== undefined) {
        ctx.stderr.write(
          `embedkit embed: the ${index} vectors before the error are in ${kept}; ${values.output!} was not changed\n`,
        );
      }
    }
    throw locate(e, pending, index);
  } finally {
    progress.done();
    toStdout?.release();
    await model.dispose();
  }
  return 0;
}
