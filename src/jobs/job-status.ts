/**
 * L5: what a job is doing (getJobStatus), and the two verbs on it (retryFailedUnits, cancelJob).
 * Counts come from the job's own Redis hashes, which workers update idempotently, so a unit run
 * twice is counted once.
 */
import { Job, Queue } from "bullmq";
import { EmbedkitError, ERROR_CODES, type ErrorDetails } from "../errors.js";
import { jobOutputDir } from "./files-sink.js";
import { isPostgresSink, postgresSinkTarget } from "./postgres-sink.js";
import {
  jobKeys,
  jobSpecSchema,
  QUEUE_NAME,
  unitJobId,
  type JobChunking,
  type JobSpec,
  type SinkFormat,
} from "./job-spec.js";
import { connectRedis, type RedisClient, type RedisTarget } from "./redis-connection.js";

/** A unit that failed for good (its tries used up, or its input itself is bad). */
export interface FailedUnit {
  /** The unit's number in the job, from 0 (its file is `unit-<number, 6 digits>.jsonl`). */
  readonly unit: number;
  /** The error's code (an {@link ErrorCode}), or "unknown" when the failure carried none. */
  readonly code: string;
  /** The error's message. */
  readonly message: string;
  /** The error's structured details (e.g. the bad record's shard, line and position). */
  readonly details: ErrorDetails;
}

/** A job's progress, from {@link getJobStatus}. */
export interface JobStatus {
  /** The job's id. */
  readonly jobId: string;
  /** submitting | running | done | done_with_failures | cancelled */
  readonly state: "submitting" | "running" | "done" | "done_with_failures" | "cancelled";
  /** The model id the job embeds with. */
  readonly model: string;
  /** The folder the job's manifest and unit files are written to, `<sink>/<jobId>` (Postgres sink: the database and table). */
  readonly output: string;
  /** The job's units, each counted once. */
  readonly units: {
    /** Units in the job. */
    readonly total: number;
    /** Units whose file is written. */
    readonly done: number;
    /** Units failed for good (see `failedUnits`). */
    readonly failed: number;
    /** Units neither done nor failed: waiting, running or to be retried. */
    readonly pending: number;
  };
  /** The job's records. */
  readonly records: {
    /** Records in all shards. */
    readonly total: number;
    /** Records of the units done. */
    readonly done: number;
  };
  /** The job's tokens (each record capped at the model's window). */
  readonly tokens: {
    /** Tokens of all records. */
    readonly total: number;
    /** Tokens of the units done. */
    readonly done: number;
  };
  /** Tokens per second since the first unit started (0 before any unit finished). */
  readonly tokensPerSecond: number;
  /** Seconds left at that rate (null when unknown). */
  readonly etaSeconds: number | null;
  /** The units failed for good, by unit number. */
  readonly failedUnits: readonly FailedUnit[];
  /** The files sink's format: jsonl (unit-NNNNNN.jsonl) or npy (unit-NNNNNN.npy + unit-NNNNNN.ids.jsonl). */
  readonly format: SinkFormat;
  /** Chunked jobs: the chunking settings (one output row per chunk). */
  readonly chunking?: JobChunking;
}

export async function readJobSpec(redis: RedisClient, jobId: string): Promise<JobSpec> {
  const raw = await redis.hget(jobKeys(jobId).job, "spec");
  if (raw === null) {
    throw new EmbedkitError(ERROR_CODES.JOB_NOT_FOUND, `no job with id "${jobId}" on this Redis`, {
      field: "jobId",
      value: jobId,
    });
  }
  return jobSpecSchema.parse(JSON.parse(raw));
}

async function withRedis<T>(target: RedisTarget, work: (redis: RedisClient) => Promise<T>): Promise<T> {
  const redis = await connectRedis(target);
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

export function parseFailure(unit: number, raw: string): FailedUnit {
  try {
    const e = JSON.parse(raw) as { code?: string; message?: string; details?: ErrorDetails };
    return { unit, code: e.code ?? "unknown", message: e.message ?? raw, details: e.details ?? {} };
  } catch {
    return { unit, code: "unknown", message: raw, details: {} };
  }
}

/** Reads a job's state and counts from Redis; throws `job_not_found` when no such job is there. */
export async function getJobStatus(target: RedisTarget & { readonly jobId: string }): Promise<JobStatus> {
  return withRedis(target, async (redis) => {
    const spec = await readJobSpec(redis, target.jobId);
    const keys = jobKeys(target.jobId);
    const [h, done, failedRaw] = await Promise.all([
      redis.hgetall(keys.job),
      redis.hlen(keys.done),
      redis.hgetall(keys.failed),
    ]);
    const failedUnits = Object.entries(failedRaw)
      .map(([u, raw]) => parseFailure(Number(u), raw))
      .sort((a, b) => a.unit - b.unit);
    const failed = failedUnits.length;
    const doneTokens = Number(h["doneTokens"] ?? 0);
    const startedAt = Number(h["startedAt"] ?? 0);
    const lastDoneAt = Number(h["lastDoneAt"] ?? 0);
    const seconds = startedAt && lastDoneAt > startedAt ? (lastDoneAt - startedAt) / 1000 : 0;
    const rate = seconds > 0 ? doneTokens / seconds : 0;
    const pending = Math.max(0, spec.units - done - failed);
    const stored = h["state"];
    const state: JobStatus["state"] =
      stored === "cancelled"
        ? "cancelled"
        : stored === "submitting"
          ? "submitting"
          : pending > 0
            ? "running"
            : failed > 0
              ? "done_with_failures"
              : "done";
    const left = Math.max(0, spec.tokens - doneTokens);
    return {
      jobId: spec.jobId,
      state,
      model: spec.model,
      output: isPostgresSink(spec.sink) ? postgresSinkTarget(spec.sink).display : jobOutputDir(spec.sink, spec.jobId),
      units: { total: spec.units, done, failed, pending },
      records: { total: spec.records, done: Number(h["doneRecords"] ?? 0) },
      tokens: { total: spec.tokens, done: doneTokens },
      tokensPerSecond: rate,
      etaSeconds: pending === 0 ? 0 : rate > 0 ? left / rate : null,
      failedUnits,
      format: spec.format ?? "jsonl",
      ...(spec.chunking ? { chunking: spec.chunking } : {}),
    };
  });
}

/** Puts every unit that failed for good back on the queue, with its tries reset. */
export async function retryFailedUnits(target: RedisTarget & { readonly jobId: string }): Promise<number> {
  return withRedis(target, async (redis) => {
    await readJobSpec(redis, target.jobId);
    const keys = jobKeys(target.jobId);
    const units = await redis.hkeys(keys.failed);
    const queue = new Queue(QUEUE_NAME, { connection: redis });
    try {
      let n = 0;
      for (const u of units) {
        const job = await Job.fromId(queue, unitJobId(target.jobId, Number(u)));
        await redis.hdel(keys.failed, u);
        if (job && (await job.isFailed())) {
          await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
          n++;
        }
      }
      return n;
    } finally {
      await queue.close();
    }
  });
}

/**
 * Cancels a job: workers skip its units from now on (a unit already running finishes), and its
 * waiting units are removed from the queue. Files already written stay.
 */
export async function cancelJob(target: RedisTarget & { readonly jobId: string }): Promise<number> {
  return withRedis(target, async (redis) => {
    const spec = await readJobSpec(redis, target.jobId);
    await redis.hset(jobKeys(target.jobId).job, "state", "cancelled");
    const queue = new Queue(QUEUE_NAME, { connection: redis });
    try {
      let removed = 0;
      for (let u = 0; u < spec.units; u++) removed += await queue.remove(unitJobId(target.jobId, u));
      return removed;
    } finally {
      await queue.close();
    }
  });
}
