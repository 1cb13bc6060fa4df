/**
 * L3: dynamic batching across requests, for any output head (the server's engines and any
 * caller that batches independent requests).
 *
 * Requests hand in their encodings (already tokenized, off the inference path). Every encoding
 * becomes a row in one FIFO queue. A single loop takes rows from the head while the batch stays
 * within the token budget (token-budget.ts: `maxBatchSize` rows, `maxBatchTokens` padded tokens),
 * runs them as one inference call, and gives each request its results when all its rows are done. So
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
import { fitsBudget, type BatchLimits } from "./token-budget.js";

/**
 * Runs one packed batch through the model as one runtime call (see onePackedBatch in
 * execute.ts); one result per encoding, in the order given.
 */
export type BatchRunner<R> = (encodings: readonly Encoding[]) => Promise<R[]>;

/** What the batcher reports of each inference call (for metrics). */
export interface BatchReport {
  /** Rows (inputs) in the inference call. */
  readonly rows: number;
  /** Distinct requests whose rows were in it. */
  readonly requests: number;
  /** Rows × longest row: what the model computed. */
  readonly paddedTokens: number;
  /** Real tokens (sum of row lengths). */
  readonly tokens: number;
  readonly inferenceMs: number;
  readonly failed: boolean;
}

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

export interface BatchResult<R> {
  /** One result per encoding, in the order submitted. */
  readonly outputs: R[];
  /** From submit() to the start of the first inference call holding one of its rows. */
  readonly queueMs: number;
  /** Time spent in inference calls holding its rows. */
  readonly inferenceMs: number;
  /** How many inference calls its rows were spread over. */
  readonly batches: number;
}

class Job<R> {
  readonly outputs: R[];
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
    private readonly resolveFn: (r: BatchResult<R>) => void,
    private readonly rejectFn: (e: unknown) => void,
    abortError: () => unknown,
  ) {
    this.outputs = new Array<R>(size);
    this.remaining = size;
    this.onAbort = () => this.fail(abortError());
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  deliver(index: number, output: R): void {
    if (this.settled) return;
    this.outputs[index] = output;
    if (--this.remaining === 0) {
      this.settle();
      this.resolveFn({
        outputs: this.outputs,
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

interface Row<R> {
  readonly job: Job<R>;
  readonly index: number;
  readonly encoding: Encoding;
}

export class Batcher<R> {
  private rows: Row<R>[] = [];
  private head = 0;
  private expected = 0;
  private closing = false;
  private inference = 0;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly run: BatchRunner<R>,
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

  /** Queues a request's encodings; resolves with its results in the order given. */
  submit(
    encodings: readonly Encoding[],
    signal?: AbortSignal,
    abortError: () => unknown = () => new Error("aborted"),
  ): Promise<BatchResult<R>> {
    if (this.closing) return Promise.reject(new Error("the batcher is closed"));
    if (signal?.aborted) return Promise.reject(abortError());
    if (encodings.length === 0) return Promise.resolve({ outputs: [], queueMs: 0, inferenceMs: 0, batches: 0 });
    return new Promise<BatchResult<R>>((resolve, reject) => {
      const job = new Job<R>(encodings.length, this.now(), signal, resolve, reject, abortError);
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

  private get limits(): BatchLimits {
    return { maxRows: this.options.maxBatchSize, maxTokens: this.options.maxBatchTokens };
  }

  /** Whether the queue already holds at least one full batch: one that no further row could join. */
  private full(): boolean {
    const limits = this.limits;
    let n = 0;
    let longest = 0;
    for (let i = this.head; i < this.rows.length; i++) {
      const row = this.rows[i]!;
      if (row.job.settled) continue;
      longest = Math.max(longest, row.encoding.ids.length);
      n++;
      if (!fitsBudget(n + 1, longest, limits)) return true;
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

  private take(): Row<R>[] {
    const { crossRequest } = this.options;
    const limits = this.limits;
    const batch: Row<R>[] = [];
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
        if (!fitsBudget(batch.length + 1, Math.max(longest, row.encoding.ids.length), limits)) break;
      }
      batch.push(row);
      longest = Math.max(longest, row.encoding.ids.length);
      this.head++;
    }
    if (dropped > 0) this.hooks.onDropped?.(dropped);
    this.compact();
    return batch;
  }

  private async runBatch(batch: Row<R>[]): Promise<void> {
    const start = this.now();
    const jobs = new Set<Job<R>>();
    let longest = 0;
    let tokens = 0;
    for (const row of batch) {
      jobs.add(row.job);
      row.job.firstStart ??= start;
      longest = Math.max(longest, row.encoding.ids.length);
      tokens += row.encoding.ids.length;
    }
    let outputs: R[];
    this.inference++;
    try {
      outputs = await this.run(batch.map((r) => r.encoding));
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
    batch.forEach((row, i) => row.job.deliver(row.index, outputs[i]!));
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
