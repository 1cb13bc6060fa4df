/**
 * L7: `embedkit job submit|status|retry|cancel`: bulk embedding jobs on BullMQ + Redis.
 */
import { parseArgs } from "node:util";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { cancelJob, getJobStatus, retryFailedUnits, type JobStatus } from "../jobs/job-status.js";
import { submitJob } from "../jobs/submit-job.js";
import type { SinkFormat } from "../jobs/job-spec.js";
import type { PromptName } from "../types.js";
import { commonModelOptions, modelOptionsFrom, type CliContext } from "./common.js";
import { checkChunkFlag, chunkOptionsFrom } from "./embed-chunks-command.js";

export const DEFAULT_REDIS = "redis://127.0.0.1:6379";

export const redisOptions = {
  redis: { type: "string" },
  "redis-wait-ms": { type: "string" },
} as const;

export const REDIS_HELP = `      --redis URL          the queue's Redis (default $EMBEDKIT_REDIS or ${DEFAULT_REDIS})
      --redis-wait-ms N    how long to wait for Redis to answer before failing (default 5000)
`;

export function redisTarget(
  values: { redis?: string | undefined; "redis-wait-ms"?: string | undefined },
  ctx: CliContext,
): { url: string; waitMs: number } {
  const waitMs = Number(values["redis-wait-ms"] ?? 5000);
  if (!Number.isInteger(waitMs) || waitMs < 1) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--redis-wait-ms must be a positive integer, got "${values["redis-wait-ms"]}"`,
      { field: "redis-wait-ms", value: values["redis-wait-ms"] },
    );
  }
  return { url: values.redis ?? ctx.env["EMBEDKIT_REDIS"] ?? DEFAULT_REDIS, waitMs };
}

const HELP = `Usage: embedkit job <submit|status|retry|cancel> [options]

  job submit --input SHARD... --sink DIR [options]   split the inputs into units, queue them, print the job id
  job status ID [--json]                              units done / failed / pending, tokens/s, ETA
  job retry ID --failed                               queue the units that failed again
  job cancel ID                                       drop the job's waiting units; workers skip the rest

Submit options:
  -i, --input FILE...      input shards: .jsonl/.ndjson (strings or objects) or plain text, one record per line
      --sink DIR           files sink: writes DIR/<job id>/manifest.json and unit-NNNNNN.jsonl files
      --sink postgres://user@host:port/db?table=NAME
                           Postgres sink: upserts each unit's rows into a pgvector table (default embeddings)
      --text-field NAME    field holding the text in JSON objects (default "text")
      --id-field NAME      field copied to the output as "id" (default "id"; else the record's position)
      --prompt NAME        the model's prompt: query | passage | symmetric
      --dimensions N       Matryoshka: keep the first N components
      --no-truncate        fail a unit on records longer than the model's limit instead of cutting them
      --unit-tokens N      tokens per unit (default 8192)
      --attempts N         tries per unit before it is failed (default 5)
      --backoff-ms N       first retry delay, doubling each try (default 1000)
      --chunk late|naive   each record is a document: split it and embed its chunks (embedChunks); one
                           line per chunk {"id","chunk","start","end","text","embedding"}, as
                           \`embedkit embed --chunk\` writes (id: the record's id, else its line number);
                           units are sized by whole documents' tokens
      --chunk-by KIND      tokens | sentences | paragraphs | markdown (default sentences)
      --chunk-size N       most tokens per chunk (default 256)
      --chunk-overlap N    tokens shared with the previous chunk (default 0)
      --format jsonl|npy   files sink format (default jsonl); npy: per unit unit-NNNNNN.npy (float32,
                           shape (rows, dim)) and unit-NNNNNN.ids.jsonl (the other fields, row for row)
${REDIS_HELP}${commonModelOptions.help}
Workers (\`embedkit worker\`) must see the input shards and the sink at the same paths.
`;

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `--${flag} must be a positive integer, got "${v}"`, {
      field: flag,
      value: v,
    });
  }
  return n;
}

async function submit(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...commonModelOptions.options,
      ...redisOptions,
      input: { type: "string", short: "i", multiple: true },
      sink: { type: "string" },
      "text-field": { type: "string" },
      "id-field": { type: "string" },
      prompt: { type: "string" },
      dimensions: { type: "string" },
      "no-truncate": { type: "boolean", default: false },
      "unit-tokens": { type: "string" },
      attempts: { type: "string" },
      "backoff-ms": { type: "string" },
      chunk: { type: "string" },
      "chunk-by": { type: "string" },
      "chunk-size": { type: "string" },
      "chunk-overlap": { type: "string" },
      format: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  checkChunkFlag(values.chunk);
  const lonely = (["chunk-by", "chunk-size", "chunk-overlap"] as const).find((f) => values[f] !== undefined);
  if (values.chunk === undefined && lonely !== undefined) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `--${lonely} needs --chunk late|naive`, {
      field: lonely,
      value: values[lonely],
    });
  }
  const chunking = values.chunk !== undefined ? chunkOptionsFrom(values).chunking : undefined;
  const inputs = [...(values.input ?? []), ...positionals]; // `--input shards/*.jsonl` expands to many words
  if (inputs.length === 0 || values.sink === undefined) {
    ctx.stderr.write(`embedkit job submit: needs --input SHARD... and --sink DIR\n`);
    return 2;
  }
  const prompt = values.prompt;
  if (prompt !== undefined && !["query", "passage", "symmetric"].includes(prompt)) {
    ctx.stderr.write(`embedkit job submit: --prompt must be query, passage or symmetric, got "${prompt}"\n`);
    return 2;
  }
  const dimensions = positiveInt(values.dimensions, "dimensions");
  const unitTokens = positiveInt(values["unit-tokens"], "unit-tokens");
  const attempts = positiveInt(values.attempts, "attempts");
  const backoffMs = positiveInt(values["backoff-ms"], "backoff-ms");
  const job = await submitJob({
    ...redisTarget(values, ctx),
    inputs,
    sink: values.sink,
    model: {
      ...modelOptionsFrom(values, ctx),
      truncate: !values["no-truncate"],
      ...(dimensions !== undefined ? { dimensions } : {}),
    },
    ...(prompt !== undefined ? { promptName: prompt as PromptName } : {}),
    ...(values["text-field"] !== undefined ? { textField: values["text-field"] } : {}),
    ...(values["id-field"] !== undefined ? { idField: values["id-field"] } : {}),
    ...(unitTokens !== undefined ? { unitTokens } : {}),
    ...(attempts !== undefined ? { attempts } : {}),
    ...(backoffMs !== undefined ? { backoffMs } : {}),
    ...(chunking !== undefined ? { chunking } : {}),
    ...(values.format !== undefined ? { format: values.format as SinkFormat } : {}),
  });
  for (const b of job.badRecords.slice(0, 10)) {
    ctx.stderr.write(`warning: record at position ${b.position} (line ${b.line} of ${b.shard}): ${b.message}\n`);
  }
  if (job.badRecords.length > 0) {
    ctx.stderr.write(`warning: ${job.badRecords.length} bad record(s); the units holding them will fail\n`);
  }
  ctx.stdout.write(
    `${job.units} units, ${job.records} records, ${job.tokens} tokens; manifest ${job.manifest}\njob ${job.jobId}\n`,
  );
  return 0;
}

function formatStatus(s: JobStatus): string {
  const eta = s.etaSeconds === null ? "unknown" : `${Math.ceil(s.etaSeconds)} s`;
  const lines = [
    `job ${s.jobId}: ${s.state}`,
    `  model    ${s.model}`,
    `  output   ${s.output}`,
    `  units    ${s.units.done} done, ${s.units.failed} failed, ${s.units.pending} pending (of ${s.units.total})`,
    `  records  ${s.records.done} of ${s.records.total}`,
    `  tokens   ${s.tokens.done} of ${s.tokens.total}, ${Math.round(s.tokensPerSecond)} tokens/s, ETA ${eta}`,
  ];
  if (s.chunking) {
    const c = s.chunking;
    const how = [`by ${c.by ?? "sentences"}`, `size ${c.size ?? "default"}`, `overlap ${c.overlap ?? 0}`];
    lines.push(`  chunking ${c.strategy}, ${how.join(", ")}; one row per chunk`);
  }
  if (s.format === "npy") {
    lines.push(
      `  read     ${s.output}/manifest.json lists each unit's .npy (float32, rows x dim) and .ids.jsonl (its rows' ids), in order;`,
      `           numpy: np.concatenate([np.load(f"${s.output}/{u['file']}") for u in json.load(open("${s.output}/manifest.json"))["units"]])`,
    );
  }
  for (const f of s.failedUnits.slice(0, 20)) lines.push(`  failed   unit ${f.unit}: [${f.code}] ${f.message}`);
  if (s.failedUnits.length > 20) lines.push(`  ... and ${s.failedUnits.length - 20} more failed units (--json)`);
  return lines.join("\n") + "\n";
}

async function onJob(verb: "status" | "retry" | "cancel", argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...redisOptions,
      json: { type: "boolean", default: false },
      failed: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  const jobId = positionals[0];
  if (jobId === undefined || positionals.length > 1) {
    ctx.stderr.write(`embedkit job ${verb}: needs exactly one job id\n`);
    return 2;
  }
  const target = { ...redisTarget(values, ctx), jobId };
  if (verb === "status") {
    const s = await getJobStatus(target);
    ctx.stdout.write(values.json ? `${JSON.stringify(s)}\n` : formatStatus(s));
    return 0;
  }
  if (verb === "retry") {
    if (!values.failed) {
      ctx.stderr.write(`embedkit job retry: say which units: --failed\n`);
      return 2;
    }
    ctx.stdout.write(`${await retryFailedUnits(target)} failed units queued again for job ${jobId}\n`);
    return 0;
  }
  const removed = await cancelJob(target);
  ctx.stdout.write(`job ${jobId} cancelled; ${removed} waiting units removed\n`);
  return 0;
}

export async function jobCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === "submit") return submit(rest, ctx);
  if (verb === "status" || verb === "retry" || verb === "cancel") return onJob(verb, rest, ctx);
  if (verb === "--help" || verb === "-h" || verb === "help") {
    ctx.stdout.write(HELP);
    return 0;
  }
  ctx.stderr.write(`embedkit job: unknown verb ${verb === undefined ? "(none)" : `"${verb}"`}\n\n${HELP}`);
  return 2;
}
