/**
 * L7: `embedkit rerank --model ID --query "..." --input docs.jsonl|txt [--top N] [--json]`:
 * scores every document against the query with a cross-encoder and prints them best first.
 * Documents are read as `embed` reads inputs (text lines, JSON lines with `text`/`id`, a JSON
 * array), from --input or stdin.
 */
import { parseArgs } from "node:util";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { DEFAULT_RERANK_MODEL } from "../models/rerank-registry.js";
import { assertQuery } from "../rerank/rerank-input.js";
import { TextCrossEncoder } from "../rerank/text-cross-encoder.js";
import type { Quantization } from "../types.js";
import { commonModelOptions, intFlag, storeFrom, type CliContext } from "./common.js";
import { checkInputPath, readInputs, type InputRecord } from "./read-inputs.js";

export const RERANK_HELP = `Usage: embedkit rerank --query TEXT [--input FILE] [options]

Scores each document against the query with a cross-encoder; prints them best first.

      --query TEXT         the query (required, not empty)
  -i, --input FILE         documents: .txt (one per line), .jsonl ({"text", "id"}), .json (array); default stdin
      --top N              keep the best N (default: all)
      --json               one JSON line per result: {"rank", "index", "id"?, "score", "text"}
      --raw-scores         the raw logit instead of the model's activation
      --no-truncate        refuse (exit 1) a pair longer than the model's window instead of cutting it
      --text-field NAME    JSON field holding the text (default "text")
      --id-field NAME      JSON field holding the id (default "id")
${commonModelOptions.help.replace(/default [^;)]*; see/, `default ${DEFAULT_RERANK_MODEL}; see`)}`;

export async function rerankCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...commonModelOptions.options,
      query: { type: "string" },
      input: { type: "string", short: "i" },
      top: { type: "string" },
      json: { type: "boolean" },
      "raw-scores": { type: "boolean" },
      "no-truncate": { type: "boolean" },
      "text-field": { type: "string" },
      "id-field": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(RERANK_HELP);
    return 0;
  }
  if (values.query === undefined) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "--query is required: the text documents are ranked for", {
      flag: "--query",
    });
  }
  assertQuery(values.query); // before the model loads
  const topK = values.top !== undefined ? intFlag("--top", values.top) : undefined;
  if (values.input !== undefined) await checkInputPath(values.input);
  const records: InputRecord[] = [];
  for await (const r of readInputs(
    values.input,
    { textField: values["text-field"] ?? "text", idField: values["id-field"] ?? "id" },
    ctx.stdin,
  ))
    records.push(r);
  const ce = await TextCrossEncoder.create({
    model: values.model ?? DEFAULT_RERANK_MODEL,
    quantization: (values.quantization ?? "fp32") as Quantization,
    store: storeFrom(values, ctx),
    ...(values.threads !== undefined ? { intraOpThreads: intFlag("--threads", values.threads) } : {}),
  });
  try {
    const ranked = await ce.rerank(
      values.query,
      records.map((r) => r.text),
      {
        ...(topK !== undefined ? { topK } : {}),
        truncate: !values["no-truncate"],
        ...(values["raw-scores"] ? { activation: "none" as const } : {}),
      },
    );
    ranked.forEach((r, rank) => {
      const rec = records[r.index]!;
      if (values.json) {
        const line = {
          rank: rank + 1,
          index: r.index,
          ...(rec.id !== undefined ? { id: rec.id } : {}),
          score: r.score,
          text: rec.text,
        };
        ctx.stdout.write(`${JSON.stringify(line)}\n`);
      } else {
        ctx.stdout.write(`${rank + 1}\t${r.score.toFixed(4)}\t${rec.text.replace(/\s+/g, " ").slice(0, 120)}\n`);
      }
    });
  } finally {
    await ce.dispose();
  }
  return 0;
}
