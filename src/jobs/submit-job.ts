/**
 * L5: submitJob: plans the inputs into token-sized units, records the job in Redis and puts
 * every unit on the BullMQ queue. Nothing is enqueued before every shard is readable, the
 * model loads and the sink is writable; the job is `submitting` until its last unit is on the
 * queue, then `ready`. Once it returns, the submitting process is no longer needed.
 */
import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { TextEmbedding, type TextEmbeddingOptions } from "../embed/text-embedding.js";
import type { EmbedChunkingOptions } from "../embed/embed-chunks.js";
import type { PromptName } from "../types.js";
import { checkSinkWritable, writeManifest } from "./files-sink.js";
import { checkPostgresSink, isPostgresSink, postgresSinkTarget } from "./postgres-sink.js";
import {
  jobKeys,
  jobSpecSchema,
  QUEUE_NAME,
  unitJobId,
  type JobChunking,
  type JobSpec,
  type SinkFormat,
  type UnitData,
} from "./job-spec.js";
import { planUnits, type UnitPlan } from "./plan-units.js";
import { connectRedis, type RedisTarget } from "./redis-connection.js";

/** What {@link submitJob} needs: the Redis to use (`url`, `waitMs`), the inputs, the sink and the model. */
export interface SubmitJobOptions extends RedisTarget {
  /** Input shards: JSON lines (.jsonl/.ndjson) or plain text, one record per line. */
  readonly inputs: readonly string[];
  /** Output folder (files sink; the job writes under `<sink>/<jobId>/`), or `postgres://...?table=NAME` (Postgres sink). */
  readonly sink: string;
  /** Model options as for TextEmbedding.create (model, quantization, store, dimensions, truncate). */
  readonly model?: TextEmbeddingOptions;
  /** The model's prompt to put in front of every text (e.g. "passage"). Default: none, texts as given. */
  readonly promptName?: PromptName;
  /** JSON lines: the field of each object that holds its text (a line may also be a bare string). Default "text". */
  readonly textField?: string;
  /** JSON lines: the field copied to each output row's `id`; without it a row's id is its job-wide position. Default "id". */
  readonly idField?: string;
  /** Target tokens per unit (a unit holds at least one record). Default 8192. */
  readonly unitTokens?: number;
  /** Tries per unit before it is failed for good. Default 5. */
  readonly attempts?: number;
  /** First retry delay; each further retry waits twice as long. Default 1000 ms. */
  readonly backoffMs?: number;
  /**
   * Chunk each record (a whole document) with TextEmbedding.embedChunks: `strategy` late or naive,
   * `by`, `size`, `overlap`, `locale`; one output row per chunk, `{"id","chunk","start","end","text","embedding"}`.
   * Units are then sized by each document's whole token count. Default: one row per record.
   */
  readonly chunking?: EmbedChunkingOptions;
  /** Files sink format: "jsonl" (default) or "npy" (a float32 .npy and a JSON-lines ids sidecar per unit). */
  readonly format?: SinkFormat;
  /** An already loaded engine of the job's model, to count tokens with (not disposed). Default: load one. */
  readonly engine?: TextEmbedding;
}

/** What {@link submitJob} returns once every unit is on the queue. */
export interface SubmittedJob {
  /** The new job's id (12 hex characters), for getJobStatus, retryFailedUnits and cancelJob. */
  readonly jobId: string;
  /** Units put on the queue. */
  readonly units: number;
  /** Records in all shards (bad records included). */
  readonly records: number;
  /** Tokens of all records as the model counts them, each record capped at the model's window. */
  readonly tokens: number;
  /** Path of the job's manifest, `<sink>/<jobId>/manifest.json` (Postgres sink: the database and table, password masked). */
  readonly manifest: string;
  /** Records that could not be parsed; the units holding them will fail with the record's position. */
  readonly badRecords: UnitPlan["badRecords"];
}

const ADD_CHUNK = 500;

function positiveInt(value: number, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be an integer from 1 to ${max}, got ${value}`, {
      field,
      value,
      max,
    });
  }
  return value;
}

/** The chunking options as the job spec records them (only the fields given; checked by the library first). */
function jobChunking(c: EmbedChunkingOptions): JobChunking {
  const picked = {
    strategy: c.strategy ?? "late",
    ...(c.by !== undefined ? { by: c.by } : {}),
    ...(c.size !== undefined ? { size: c.size } : {}),
    ...(c.overlap !== undefined ? { overlap: c.overlap } : {}),
    ...(c.locale !== undefined ? { locale: c.locale } : {}),
  };
  const parsed = jobSpecSchema.shape.chunking.safeParse(picked);
  if (parsed.success && parsed.data) return parsed.data;
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  const key = String(issue?.path[0] ?? "strategy");
  const value = (picked as Record<string, unknown>)[key];
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `chunking.${key} is not valid, got ${JSON.stringify(value)}: ${issue?.message ?? "expected an object"}`,
    { field: `chunking.${key}`, value },
  );
}

/**
 * Plans the input shards into units, records the job in Redis and puts every unit on the queue
 * for {@link runWorker} processes to take. Every shard, the model and the sink are checked before
 * anything is enqueued: a bad option, an unreachable Redis, an unreadable shard or an unwritable
 * sink throws an {@link EmbedkitError}; records that cannot be parsed are listed in `badRecords`.
 */
export async function submitJob(options: SubmitJobOptions): Promise<SubmittedJob> {
  const unitTokens = positiveInt(options.unitTokens ?? 8192, "unitTokens");
  const attempts = positiveInt(options.attempts ?? 5, "attempts", 100);
  const backoffMs = positiveInt(options.backoffMs ?? 1000, "backoffMs");
  if (options.inputs.length === 0) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "a job needs at least one input shard (--input)", {
      field: "input",
    });
  }
  const format = options.format ?? "jsonl";
  if (format !== "jsonl" && format !== "npy") {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `format must be jsonl or npy, got ${JSON.stringify(format)}`, {
      field: "format",
      value: format,
    });
  }
  if (options.chunking !== undefined && options.promptName !== undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `promptName cannot be used with chunking, got ${JSON.stringify(options.promptName)}: chunks are embedded with the model's passage prompt`,
      { field: "promptName", value: options.promptName },
    );
  }
  const textField = options.textField ?? "text";
  const idField = options.idField ?? "id";
  const redis = await connectRedis(options); // an unreachable Redis fails before the model loads
  let model: TextEmbedding | undefined;
  let queue: Queue | undefined;
  try {
    model = options.engine ?? (await TextEmbedding.create(options.model ?? {}));
    let chunking: JobChunking | undefined;
    if (options.chunking !== undefined) {
      // The library checks every chunking option (and names it) before any document is read.
      for await (const _ of model.embedChunks([], { chunking: options.chunking })) void _;
      chunking = jobChunking(options.chunking);
    }
    const plan = await planUnits(options.inputs, model, {
      textField,
      idField,
      unitTokens,
      wholeRecords: chunking !== undefined,
    });
    const jobId = randomBytes(6).toString("hex");
    if (isPostgresSink(options.sink)) {
      await checkPostgresSink(
        options.sink,
        options.model?.model ?? model.modelId,
        options.model?.dimensions ?? model.dim,
      );
    } else {
      await checkSinkWritable(options.sink, jobId);
    }
    const m = options.model ?? {};
    const spec: JobSpec = {
      jobId,
      createdAt: Date.now(),
      model: m.model ?? model.modelId,
      quantization: model.quantization,
      ...(options.promptName !== undefined ? { promptName: options.promptName } : {}),
      ...(m.dimensions !== undefined ? { dimensions: m.dimensions } : {}),
      truncate: m.truncate ?? true,
      textField,
      idField,
      sink: options.sink,
      shards: plan.shards,
      units: plan.units.length,
      records: plan.records,
      tokens: plan.tokens,
      dim: m.dimensions ?? model.dim,
      attempts,
      ...(chunking ? { chunking } : {}),
      ...(format !== "jsonl" ? { format } : {}),
    };
    const keys = jobKeys(jobId);
    await redis.hset(keys.job, { spec: JSON.stringify(spec), state: "submitting", doneTokens: 0, doneRecords: 0 });
    const manifest = isPostgresSink(spec.sink)
      ? postgresSinkTarget(spec.sink).display
      : await writeManifest(spec, plan.units);
    queue = new Queue(QUEUE_NAME, { connection: redis });
    for (let i = 0; i < plan.units.length; i += ADD_CHUNK) {
      await queue.addBulk(
        plan.units.slice(i, i + ADD_CHUNK).map((u) => ({
          name: "embed",
          data: { jobId, ...u } satisfies UnitData,
          opts: {
            jobId: unitJobId(jobId, u.unit),
            attempts,
            backoff: { type: "exponential", delay: backoffMs },
            removeOnComplete: true,
            removeOnFail: false,
          },
        })),
      );
    }
    await redis.hset(keys.job, "state", "ready");
    return {
      jobId,
      units: plan.units.length,
      records: plan.records,
      tokens: plan.tokens,
      manifest,
      badRecords: plan.badRecords,
    };
  } finally {
    await queue?.close();
    if (model !== options.engine) await model?.dispose();
    redis.disconnect();
  }
}
