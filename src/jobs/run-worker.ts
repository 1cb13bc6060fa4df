/**
 * L5: runWorker: takes units from the BullMQ queue, embeds them with one TextEmbedding per
 * process (reloaded only when a job asks for another model), writes each unit's file
 * atomically, then marks it done in the job's hash (idempotently, so a unit that ran twice is
 * counted once).
 *
 * Faults, in BullMQ's terms: a unit's lock lasts `lockDurationMs` and is renewed while it runs;
 * when a worker dies its lock expires and another worker's stalled check (every
 * `stalledIntervalMs`) puts the unit back on the queue. A failure is retried with exponential
 * back-off up to the job's `attempts`; a failure caused by the input itself is not retried.
 * close() drains: the running unit finishes, no new one is taken.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../errors.js";
import { TextEmbedding, type TextEmbeddingOptions } from "../embed/text-embedding.js";
import { embedChunkedUnit } from "./embed-chunked-unit.js";
import { embedUnit, isPermanent } from "./embed-unit.js";
import { writeUnitFile } from "./files-sink.js";
import { jobKeys, QUEUE_NAME, unitSchema, type JobSpec, type UnitData } from "./job-spec.js";
import { readJobSpec } from "./job-status.js";
import { isPostgresSink, PostgresUnitWriter } from "./postgres-sink.js";
import { connectRedis, type RedisTarget } from "./redis-connection.js";
import { serveMetrics, WorkerMetrics } from "./worker-metrics.js";

/** What {@link runWorker} needs: the Redis to use (`url`, `waitMs`), and how to take and run units. */
export interface RunWorkerOptions extends RedisTarget {
  /** Units computed at once by this process. Default 1 (the runtime already uses every core). */
  readonly concurrency?: number;
  /** How long a unit's lock lasts without renewal. Default 30000 ms. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled units. Default: lockDurationMs. */
  readonly stalledIntervalMs?: number;
  /** How many times a unit may stall before it is failed. Default 5. */
  readonly maxStalledCount?: number;
  /** Options for loading models (store, threads, batch sizes); model and quantization come from each job. */
  readonly model?: Omit<TextEmbeddingOptions, "model" | "quantization" | "dimensions" | "truncate">;
  /** Serve Prometheus metrics on this port (0: any free port). Default: none. */
  readonly metricsPort?: number;
  /** Address the metrics server listens on, when metricsPort is given. Default "127.0.0.1". */
  readonly metricsHost?: string;
  /** One line per event (unit start / done / failed, drain). */
  readonly log?: (line: string) => void;
}

/** A running worker, from {@link runWorker}. */
export interface WorkerHandle {
  /** This process's live counters (units by outcome, records, tokens, busy seconds), as served at /metrics. */
  readonly metrics: WorkerMetrics;
  /** The /metrics URL, when metricsPort was given. */
  readonly metricsUrl: string | undefined;
  /** Drains: finishes running units, takes no new one, releases the model and connections. */
  close(): Promise<void>;
}

const MARK_DONE = `
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[1], 'doneTokens', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'doneRecords', ARGV[3])
end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], 'lastDoneAt', ARGV[4])
return 1`;

function asEmbedkitError(e: unknown): EmbedkitError {
  if (isEmbedkitError(e)) return e;
  return new EmbedkitError(ERROR_CODES.RUNTIME_FAILURE, (e as Error)?.message ?? String(e), {});
}

/**
 * Starts a worker that takes units of any job from the queue, embeds them and writes one file per
 * unit under the job's sink folder. Resolves once it is connected and listening; call close()
 * on the handle to drain and stop.
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerHandle> {
  const log = options.log ?? ((): void => undefined);
  const lockDuration = options.lockDurationMs ?? 30_000;
  const redis = await connectRedis(options);
  const metrics = new WorkerMetrics();
  const specs = new Map<string, JobSpec>();
  let loaded: { key: string; model: TextEmbedding } | undefined;
  let loading: Promise<TextEmbedding> | undefined;
  const postgres = new PostgresUnitWriter();

  async function modelFor(spec: JobSpec): Promise<TextEmbedding> {
    // Chunked jobs take Matryoshka dimensions from the model (embedChunks has no per-call option).
    const dimensions = spec.chunking ? spec.dimensions : undefined;
    const key = `${spec.model}|${spec.quantization}|${dimensions ?? ""}`;
    if (loaded?.key === key) return loaded.model;
    while (loading) await loading.catch(() => undefined);
    if (loaded?.key === key) return loaded.model;
    const previous = loaded;
    loaded = undefined;
    await previous?.model.dispose();
    loading = TextEmbedding.create({
      ...options.model,
      model: spec.model,
      quantization: spec.quantization,
      ...(dimensions !== undefined ? { dimensions } : {}),
    });
    try {
      const model = await loading;
      loaded = { key, model };
      log(`model ${spec.model} (${spec.quantization}) loaded`);
      return model;
    } finally {
      loading = undefined;
    }
  }

  async function specFor(jobId: string): Promise<JobSpec> {
    let spec = specs.get(jobId);
    if (!spec) {
      spec = await readJobSpec(redis, jobId);
      specs.set(jobId, spec);
    }
    return spec;
  }

  async function processUnit(job: Job<UnitData>): Promise<{ records: number }> {
    const unit = unitSchema.parse(job.data);
    const name = `unit ${unit.jobId}/${unit.unit}`;
    const keys = jobKeys(unit.jobId);
    const t0 = Date.now();
    metrics.active++;
    try {
      const spec = await specFor(unit.jobId);
      if ((await redis.hget(keys.job, "state")) === "cancelled") {
        metrics.countUnit("skipped");
        log(`${name} skipped: the job is cancelled`);
        return { records: 0 };
      }
      await redis.hsetnx(keys.job, "startedAt", t0);
      log(`${name} start (try ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}, ${unit.records} records)`);
      const model = await modelFor(spec);
      const t1 = Date.now();
      const rows = spec.chunking
        ? await embedChunkedUnit({ ...spec, chunking: spec.chunking }, unit, model)
        : await embedUnit(spec, unit, model);
      const t2 = Date.now();
      if (isPostgresSink(spec.sink)) await postgres.write(spec, unit.unit, rows);
      else await writeUnitFile(spec, unit.unit, rows);
      const t3 = Date.now();
      await redis.eval(
        MARK_DONE,
        3,
        keys.job,
        keys.done,
        keys.failed,
        unit.unit,
        unit.tokens,
        unit.records,
        Date.now(),
      );
      const phases = `read+embed ${t2 - t1} ms, write ${t3 - t2} ms, mark ${Date.now() - t3} ms`;
      const seconds = (Date.now() - t0) / 1000;
      metrics.countUnit("done");
      metrics.records += unit.records;
      metrics.tokens += unit.tokens;
      metrics.busySeconds += seconds;
      const chunks = spec.chunking ? ` (${rows.length} chunks)` : "";
      log(
        `${name} done: ${unit.records} records${chunks}, ${unit.tokens} tokens in ${seconds.toFixed(2)} s (${phases})`,
      );
      return { records: unit.records };
    } catch (e) {
      const err = asEmbedkitError(e);
      const permanent = isPermanent(err) || isEmbedkitError(e, ERROR_CODES.JOB_NOT_FOUND);
      const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const json = JSON.stringify(err.toJSON());
      if (final) await redis.hset(keys.failed, unit.unit, json);
      metrics.countUnit(final ? "failed" : "retrying");
      log(`${name} ${final ? "failed" : "will be retried"}: [${err.code}] ${err.message}`);
      throw permanent ? new UnrecoverableError(json) : new Error(json);
    } finally {
      metrics.active--;
    }
  }

  const worker = new Worker<UnitData, { records: number }>(QUEUE_NAME, processUnit, {
    connection: redis,
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: options.stalledIntervalMs ?? lockDuration,
    maxStalledCount: options.maxStalledCount ?? 5,
    autorun: true,
  });
  worker.on("error", (e) => log(`queue connection: ${e.message}`));
  // A unit failed by BullMQ itself (stalled too often) never reached the catch above.
  worker.on("failed", (job, e) => {
    if (!job) return;
    const { jobId, unit } = job.data;
    void (async () => {
      if ((await job.getState()) !== "failed") return;
      const json = e.message.startsWith("{")
        ? e.message
        : JSON.stringify({ code: ERROR_CODES.RUNTIME_FAILURE, message: e.message, details: { unit } });
      await redis.hsetnx(jobKeys(jobId).failed, String(unit), json);
    })().catch(() => undefined);
  });
  await worker.waitUntilReady();
  const served =
    options.metricsPort !== undefined
      ? await serveMetrics(metrics, options.metricsHost ?? "127.0.0.1", options.metricsPort)
      : undefined;
  log(`worker ready on queue ${QUEUE_NAME}${served ? `, metrics at ${served.url}` : ""}`);

  let closing: Promise<void> | undefined;
  return {
    metrics,
    metricsUrl: served?.url,
    close: () =>
      (closing ??= (async () => {
        log("draining: finishing the running unit, taking no new one");
        await worker.close();
        await served?.close();
        await loaded?.model.dispose();
        await postgres.close();
        redis.disconnect();
        log("worker stopped");
      })()),
  };
}
