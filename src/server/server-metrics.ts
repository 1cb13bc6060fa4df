/**
 * L6: what the server counts, in one place. Names follow TEI's (te_*) with an embedkit_ prefix.
 * The batcher reports batches; the pipeline reports requests; /metrics renders them all.
 */
import type { BatchReport } from "../engine/batcher.js";
import { Counter, DURATION_BUCKETS, Gauge, Histogram, Registry, SIZE_BUCKETS } from "./prometheus.js";

export type { BatchReport } from "../engine/batcher.js";

export interface RequestReport {
  readonly route: string;
  readonly status: number;
  readonly totalMs: number;
  readonly tokenizationMs?: number | undefined;
  readonly queueMs?: number | undefined;
  readonly inputs?: number | undefined;
  readonly tokens?: number | undefined;
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly r = this.registry;
  readonly requests = this.r.register(
    new Counter("embedkit_requests_total", "HTTP requests answered, by route and status"),
  );
  readonly requestDuration = this.r.register(
    new Histogram(
      "embedkit_request_duration_seconds",
      "Time from request start to response, by route",
      DURATION_BUCKETS,
    ),
  );
  readonly tokenization = this.r.register(
    new Histogram("embedkit_tokenization_duration_seconds", "Tokenization time per request", DURATION_BUCKETS),
  );
  readonly queue = this.r.register(
    new Histogram(
      "embedkit_queue_duration_seconds",
      "Time a request's first input waited for an inference call",
      DURATION_BUCKETS,
    ),
  );
  readonly inference = this.r.register(
    new Histogram(
      "embedkit_inference_duration_seconds",
      "Duration of one inference call (one batch)",
      DURATION_BUCKETS,
    ),
  );
  readonly batchSize = this.r.register(
    new Histogram("embedkit_batch_size", "Inputs (rows) per inference call", SIZE_BUCKETS),
  );
  readonly batchRequests = this.r.register(
    new Histogram("embedkit_batch_requests", "Distinct requests per inference call", SIZE_BUCKETS),
  );
  readonly batchTokens = this.r.register(
    new Histogram(
      "embedkit_batch_tokens",
      "Padded tokens per inference call",
      SIZE_BUCKETS.map((b) => b * 64),
    ),
  );
  readonly batchFailures = this.r.register(new Counter("embedkit_batch_failures_total", "Inference calls that failed"));
  readonly inputs = this.r.register(new Counter("embedkit_inputs_total", "Inputs embedded"));
  readonly tokens = this.r.register(new Counter("embedkit_input_tokens_total", "Tokens of the inputs embedded"));
  readonly dropped = this.r.register(
    new Counter("embedkit_dropped_inputs_total", "Inputs dropped before inference because their client went away"),
  );
  readonly rejected = this.r.register(new Counter("embedkit_rejected_requests_total", "Requests refused, by reason"));
  readonly inflight = this.r.register(
    new Gauge("embedkit_inflight_requests", "Requests admitted and not yet answered"),
  );
  private batcherState: { readonly queued: number; readonly running: number } = { queued: 0, running: 0 };
  readonly queuedInputs = this.r.register(
    new Gauge("embedkit_queued_inputs", "Inputs waiting for an inference call", () => this.batcherState.queued),
  );
  readonly batchesRunning = this.r.register(
    new Gauge("embedkit_batches_running", "Inference calls in progress", () => this.batcherState.running),
  );

  /** Where the batcher gauges are read from, at scrape time (so they are never stale). */
  watchBatcher(state: { readonly queued: number; readonly running: number }): void {
    this.batcherState = state;
  }
  readonly rss = this.r.register(
    new Gauge("process_resident_memory_bytes", "Resident memory of the server process", () =>
      process.memoryUsage.rss(),
    ),
  );
  readonly heap = this.r.register(
    new Gauge("nodejs_heap_used_bytes", "V8 heap in use", () => process.memoryUsage().heapUsed),
  );

  batch(b: BatchReport): void {
    if (b.failed) {
      this.batchFailures.inc();
      return;
    }
    this.inference.observe(b.inferenceMs / 1000);
    this.batchSize.observe(b.rows);
    this.batchRequests.observe(b.requests);
    this.batchTokens.observe(b.paddedTokens);
    this.inputs.inc({}, b.rows);
    this.tokens.inc({}, b.tokens);
  }

  request(r: RequestReport): void {
    this.requests.inc({ route: r.route, status: String(r.status) });
    this.requestDuration.observe(r.totalMs / 1000, { route: r.route });
    if (r.tokenizationMs !== undefined) this.tokenization.observe(r.tokenizationMs / 1000);
    if (r.queueMs !== undefined) this.queue.observe(r.queueMs / 1000);
  }

  render(): string {
    return this.registry.render();
  }
}
