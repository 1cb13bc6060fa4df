/**
 * L5: what a bulk job and one of its units are, as stored in Redis, and the Redis key names.
 *
 * A job's facts live in one Redis hash (its spec as JSON, plus counters); each unit is one
 * BullMQ job on the shared queue QUEUE_NAME. A unit holds no texts: it names a byte range of
 * one input shard (see plan-units.ts for why).
 */
import { z } from "zod";

/** The one BullMQ queue every embedkit worker takes units from. */
export const QUEUE_NAME = "embedkit-units";

export const jobKeys = (jobId: string) =>
  ({
    /** Hash: `spec` (JobSpec JSON), `state`, counters `doneTokens`, `doneRecords`, `startedAt`, `lastDoneAt`. */
    job: `embedkit:job:${jobId}`,
    /** Hash: unit index -> tokens, for units whose output is written. */
    done: `embedkit:job:${jobId}:done`,
    /** Hash: unit index -> the typed error (JSON) of a unit that failed for good. */
    failed: `embedkit:job:${jobId}:failed`,
  }) as const;

/** BullMQ job id of a unit (custom ids may not contain ":"). */
export const unitJobId = (jobId: string, unit: number): string => `${jobId}-u${unit}`;

export const JOB_STATES = ["submitting", "ready", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];

const shardSchema = z.object({
  path: z.string(),
  format: z.enum(["jsonl", "text"]),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
});

export const jobSpecSchema = z.object({
  jobId: z.string(),
  createdAt: z.number(),
  model: z.string(),
  quantization: z.enum(["fp32", "fp16", "int8"]),
  promptName: z.enum(["query", "passage", "symmetric"]).optional(),
  dimensions: z.number().int().positive().optional(),
  truncate: z.boolean(),
  textField: z.string(),
  idField: z.string(),
  /** Output folder of the files sink (the job writes under `<sink>/<jobId>/`). */
  sink: z.string(),
  shards: z.array(shardSchema),
  units: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
  dim: z.number().int().positive(),
  attempts: z.number().int().positive(),
  /**
   * Chunked jobs (`--chunk late|naive`): each record is a whole document, split and embedded by
   * TextEmbedding.embedChunks with these settings; one output row per chunk. Absent: one row per record.
   */
  chunking: z
    .object({
      /** Late (one forward pass per document, span means) or naive (each chunk embedded alone). */
      strategy: z.enum(["late", "naive"]),
      /** The boundaries chunks follow (embedChunks' default when absent). */
      by: z.enum(["tokens", "sentences", "paragraphs", "markdown"]).optional(),
      /** Chunk size in tokens. */
      size: z.number().int().positive().optional(),
      /** Tokens shared by neighbouring chunks. */
      overlap: z.number().int().nonnegative().optional(),
      /** The locale of the sentence segmenter. */
      locale: z.string().optional(),
    })
    .optional(),
  /** Files sink format: JSON lines (default) or one float32 `.npy` per unit with a JSON-lines ids sidecar. */
  format: z.enum(["jsonl", "npy"]).optional(),
});

export type JobSpec = z.infer<typeof jobSpecSchema>;
/** A chunked job's chunking settings, as the job spec records them. */
export type JobChunking = NonNullable<JobSpec["chunking"]>;
/** The files sink's format: `jsonl` or `npy` shards. */
export type SinkFormat = NonNullable<JobSpec["format"]>;
export type ShardInfo = z.infer<typeof shardSchema>;

export const unitSchema = z.object({
  jobId: z.string(),
  unit: z.number().int().nonnegative(),
  /** Index into JobSpec.shards. */
  shard: z.number().int().nonnegative(),
  /** Byte range [start, end) of whole lines of the shard. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  /** 1-based line number of the line at `start`. */
  line: z.number().int().positive(),
  /** Job-wide position of the unit's first record, and how many records it holds. */
  first: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
});

export type UnitData = z.infer<typeof unitSchema>;
