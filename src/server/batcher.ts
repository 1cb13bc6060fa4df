/**
 * L5: dynamic batching across requests.
 *
 * Requests hand in their encodings (already tokenized, off the inference path). Every encoding
 * becomes a row in one FIFO queue. A single loop takes rows from the head while the batch stays
 * within `maxBatchSize` rows and `maxBatchTokens` padded tokens (rows × longest row), runs them
 * as one inference call, and gives each request its vectors when all its rows are done. So
 * concurrent small requests share a call, and a large client batch is split over several calls
 * instead of being refused.
 *
 * When the queue holds less than a full batch and other requests are still being tokenized
 * (announced with `expect()`), the loop waits up to `maxWaitMs` for them; with nothing on the
 * way it runs at once, so a lone client pays no wait. Rows of a request whose client went away
 * (its AbortSignal fired) are dropped before they are packed. With `crossRequest: false` a batch
 * only ever holds rows of one request: one request per inference call, for comparison.
 */
import type { Encoding } from "../types.js";
import type { BatchReport } from "./server-metrics.js";

/** Runs one packed batch through the model; vectors come back in the order given. */
export type BatchRunner = (encodings: readonly Encoding[]) => Promise<Float32Array[]>;

export interface BatcherOptions {
  readonly maxBatchTokens: number;
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
  readonly crossRequest: boolean;
}

export interface BatcherHooks {
  onBatch?(report: BatchReport): void;
  /** Rows dropped because their request was aborted. */
  onDropped?(rows: number): void;
}

export interface BatchResult {
  /** One vector per encoding, in the order submitted. */
  readonly vectors: Float32Array[];
  /** From submit() to the start of the first inference call holding one of its rows. */
  readonly queueMs: number;
  /** Time spent in inference calls holding its rows. */
  readonly inferenceMs: number;
  /** How many inference calls its rows were spread over. */
  readonly batches: number;
}

class Job {
  readonly vectors: Float32Array[];
  remaining: number;
  settled = false;
  firstStart: number | undefined;
  inferenceMs = 0;
  batches = 0;
  private readonly onAbort: () => void;

  constructor(
    readonly size: number,
    readonly enqueuedAt: number,
    readonly signal: AbortSignal | undefined,
    private readonly resolveFn: (r: BatchResult) => void,
    private readonly rejectFn: (e: unknown) => void,
    abortError: () => unknown,
  ) {
    this.vectors = new Array<Float32Array>(size);
    this.remaining = size;
    this.onAbort = () => this.fail(abortError());
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  deliver(index: number, v: Float32Array): void {
    if (this.settled) return;
    this.vectors[index] = v;
    if (--this.remaining === 0) {
      this.settle();
      this.resolveFn({
        vectors: this.vectors,
        queueMs: (this.firstStart ?? this.enqueuedAt) - this.enqueuedAt,
        inferenceMs: this.inferenceMs,
        batches: this.batches,
      });
    }
  }

  fail(e: unknown): void {
    if (this.settled) return;
    this.settle();
    this.rejectFn(e);
  }

  private settle(): void {
    this.settled = true;
    this.signal?.removeEventListener("abort", this.onAbort);
  }
}

interface Row {
  readonly job: Job;
  readonly index: number;
  readonly encoding: Encoding;
}

export class Batcher {
  private rows: Row[] = [];
  private head = 0;
  private expected = 0;
  private closing = false;
  private inference = 0;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly run: BatchRunner,
    private readonly options: BatcherOptions,
    private readonly hooks: BatcherHooks = {},
    clock: () => number = () => performance.now(),
  ) {
    this.now = clock;
    this.done = this.loop();
  }

  /** Rows waiting for an inference call. */
  get queued(): number {
    return this.rows.length - this.head;
  }

  /** Inference calls started and not yet finished. */
  get running(): number {
    return this.inference;
  }

  /**
   * Announces a submission on the way (a request being tokenized). Call the returned function
   * once, when it was submitted or failed.
   */
  expect(): () => void {
    this.expected++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.expected--;
      this.notify();
    };
  }

  /** Queues a request's encodings; resolves with its vectors in the order given. */
  submit(
    encodings: readonly Encoding[],
    signal?: AbortSignal,
    abortError: () => unknown = () => new Error("aborted"),
  ): Promise<BatchResult> {
    if (this.closing) return Promise.reject(new Error("the batcher is closed"));
    if (signal?.aborted) return Promise.reject(abortError());
    if (encodings.length === 0) return Promise.resolve({ vectors: [], queueMs: 0, inferenceMs: 0, batches: 0 });
    return new Promise<BatchResult>((resolve, reject) => {
      const job = new Job(encodings.length, this.now(), signal, resolve, reject, abortError);
      encodings.forEach((encoding, index) => this.rows.push({ job, index, encoding }));
      this.notify();
    });
  }

  /** Stops taking submissions, runs every queued row, then ends the loop. */
  async close(): Promise<void> {
    this.closing = true;
    this.notify();
    await this.done;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private signal(timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.wake = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.wake = undefined;
          resolve();
        }, timeoutMs);
      }
    });
  }

  private async loop(): Promise<void> {
    for (;;) {
      this.skipDead();
      if (this.queued === 0) {
        if (this.closing) return;
        await this.signal();
        continue;
      }
      await this.gather();
      const batch = this.take();
      if (batch.length > 0) await this.runBatch(batch);
    }
  }

  /** Waits (at most maxWaitMs) for announced submissions while the queue is short of a full batch. */
  private async gather(): Promise<void> {
    if (!this.options.crossRequest || this.options.maxWaitMs <= 0) return;
    const deadline = this.now() + this.options.maxWaitMs;
    while (this.expected > 0 && !this.closing && !this.full()) {
      const left = deadline - this.now();
      if (left <= 0) return;
      await this.signal(left);
    }
  }

  /** Whether the queue already holds at least one full batch. */
  private full(): boolean {
    const { maxBatchSize, maxBatchTokens } = this.options;
    let n = 0;
    let longest = 0;
    for (let i = this.head; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      if (row.job.settled) continue;
      longest = Math.max(longest, row.encoding.ids.length);
      n++;
      if (n >= maxBatchSize || n * longest >= maxBatchTokens) return true;
    }
    return false;
  }

  /** Drops rows of settled (aborted or failed) requests at the head of the queue. */
  private skipDead(): void {
    let dropped = 0;
    while (this.head < this.rows.length && this.rows[this.head]!.job.settled) {
      this.head++;
      dropped++;
    }
    if (dropped > 0) this.hooks.onDropped?.(dropped);
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
  }

  private take(): Row[] {
    const { maxBatchSize, maxBatchTokens, crossRequest } = this.options;
    const batch: Row[] = [];
    let longest = 0;
    let dropped = 0;
    while (this.head < this.rows.length) {
      const row = this.rows[this.head]!;
      if (row.job.settled) {
        this.head++;
        dropped++;
        continue;
      }
      if (batch.length > 0) {
        if (!crossRequest && row.job !== batch[0]!.job) break;
        const next = Math.max(longest, row.encoding.ids.length);
        if (batch.length + 1 > maxBatchSize || (batch.length + 1) * next > maxBatchTokens) break;
      }
      batch.push(row);
      longest = Math.max(longest, row.encoding.ids.length);
      this.head++;
    }
    if (dropped > 0) this.hooks.onDropped?.(dropped);
    this.compact();
    return batch;
  }

  private async runBatch(batch: Row[]): Promise<void> {
    const start = this.now();
    const jobs = new Set<Job>();
    let longest = 0;
    let tokens = 0;
    for (const row of batch) {
      jobs.add(row.job);
      row.job.firstStart ??= start;
      longest = Math.max(longest, row.encoding.ids.length);
      tokens += row.encoding.ids.length;
    }
    let vectors: Float32Array[];
    this.inference++;
    try {
      vectors = await this.run(batch.map((r) => r.encoding));
    } catch (e) {
      for (const job of jobs) job.fail(e);
      this.hooks.onBatch?.({
        rows: batch.length,
        requests: jobs.size,
        paddedTokens: longest * batch.length,
        tokens,
        inferenceMs: this.now() - start,
        failed: true,
      });
      return;
    } finally {
      this.inference--;
    }
    const ms = this.now() - start;
    for (const job of jobs) {
      job.inferenceMs += ms;
      job.batches++;
    }
    batch.forEach((row, i) => row.job.deliver(row.index, vectors[i]!));
    this.hooks.onBatch?.({
      rows: batch.length,
      requests: jobs.size,
      paddedTokens: longest * batch.length,
      tokens,
      inferenceMs: ms,
      failed: false,
    });
  }
}
