/**
 * L6: `embedkit embed`: texts from arguments, a file or stdin -> vectors as JSON lines or .npy.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { TextEmbedding } from "../embed/text-embedding.js";
import type { PromptName, Quantization } from "../types.js";
import { commonModelOptions, modelOptionsFrom, type CliContext } from "./common.js";
import { NpyWriter } from "./npy-writer.js";
import { createProgress } from "./progress.js";
import { readInputs, type InputRecord } from "./read-inputs.js";

export const EMBED_HELP = `Usage: embedkit embed [text ...] [options]

Embeds texts given as arguments, or read from --input, or one per line from stdin.
Writes one JSON line per text, in input order: {"index":0,"id":...,"embedding":[...]}

Options:
  -i, --input FILE         .jsonl/.ndjson (strings or objects), .json (array), or plain text (one per line)
  -o, --output FILE        write here instead of stdout; .npy writes a float32 [n, dim] matrix
      --text-field NAME    field holding the text in JSON objects (default "text")
      --id-field NAME      field copied to the output as "id" (default "id")
      --prompt NAME        prepend the model's prompt: query | passage | symmetric
      --dimensions N       Matryoshka: keep the first N components (renormalized)
      --batch-size N       texts per runtime call (default 64)
      --no-truncate        fail on inputs longer than the model's limit instead of cutting them
${commonModelOptions.help}`;

interface Sink {
  write(index: number, rec: InputRecord, v: Float32Array): Promise<void>;
  close(): Promise<void>;
}

async function writeLine(stream: NodeJS.WritableStream | WriteStream, line: string): Promise<void> {
  if (!stream.write(line)) await once(stream, "drain");
}

async function openSink(path: string | undefined, stdout: NodeJS.WritableStream): Promise<Sink> {
  if (path?.toLowerCase().endsWith(".npy")) {
    const npy = await NpyWriter.create(path);
    return { write: (_i, _r, v) => npy.write([v]), close: () => npy.close() };
  }
  const stream = path ? createWriteStream(path) : stdout;
  return {
    write: (index, rec, v) =>
      writeLine(
        stream,
        `${JSON.stringify({ index, ...(rec.id !== undefined ? { id: rec.id } : {}), embedding: Array.from(v) })}\n`,
      ),
    close: async () => {
      if (stream !== stdout) {
        (stream as WriteStream).end();
        await once(stream, "finish");
      }
    },
  };
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
  const model = await TextEmbedding.create({
    ...modelOptionsFrom(values, ctx),
    ...(values["batch-size"] !== undefined ? { batchSize: Number(values["batch-size"]) } : {}),
    ...(values.dimensions !== undefined ? { dimensions: Number(values.dimensions) } : {}),
    truncate: !values["no-truncate"],
    quantization: (values.quantization ?? "fp32") as Quantization,
  });
  const records: AsyncIterable<InputRecord> | InputRecord[] =
    positionals.length > 0
      ? positionals.map((text) => ({ text }))
      : readInputs(values.input, { textField: values["text-field"]!, idField: values["id-field"]! }, ctx.stdin);
  const pending: InputRecord[] = [];
  async function* texts(): AsyncGenerator<string> {
    for await (const r of records) {
      pending.push(r);
      yield r.text;
    }
  }
  const sink = await openSink(values.output, ctx.stdout);
  const progress = createProgress("embedding", { stream: ctx.stderr as NodeJS.WriteStream });
  let index = 0;
  try {
    for await (const batch of model.embed(texts(), prompt ? { promptName: prompt as PromptName } : {})) {
      for (const v of batch) await sink.write(index++, pending.shift()!, v);
      progress.tick(batch.length);
    }
  } finally {
    progress.done();
    await sink.close();
    await model.dispose();
  }
  return 0;
}
