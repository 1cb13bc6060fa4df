/**
 * L2: an OnnxModel whose sessions live in worker threads. The caller's event loop stays free
 * while a batch computes (an HTTP server keeps answering, the next batch gets tokenized), and
 * with several sessions, batches run side by side. Runs go to the session with the least work.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { HeadKind, HeadOutput, OutputHead } from "../pooling/head-types.js";
import type { PaddedBatch } from "../types.js";
import type { SessionOptions } from "./onnx-session.js";
import { modelDisposedError, type OnnxModel } from "./runtime-types.js";
import { reviveError, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.js";

const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(FROM_SOURCE ? "./onnx-worker.ts" : "./onnx-worker.js", import.meta.url);

/**
 * The parent's Node flags a worker started from a file can take: `--input-type` (of
 * `node --input-type=module -e ...`) applies to string input only, and a worker inheriting it
 * fails to start ("--input-type can only be used with string input").
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (a.startsWith("--input-type=")) continue;
    if (a === "--input-type") {
      i++; // its value is the next argument
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * Built, the worker is onnx-worker.js. Run from the TypeScript sources (tests and scripts under
 * tsx), Node 20 does not pass tsx's module hooks on to worker threads, so the worker first
 * registers them and then imports onnx-worker.ts.
 */
function newWorker(init: WorkerInit): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData: init, execArgv: workerExecArgv(process.execArgv) });
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

interface Pending {
  resolve(output: HeadOutput): void;
  reject(error: Error): void;
}

class SessionWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: EmbedkitError | undefined;
  private disposing: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly meta: { inputNames: readonly string[]; outputName: string; usesTokenTypeIds: boolean },
    private readonly path: string,
  ) {
    worker.on("message", (m: FromWorker) => this.onMessage(m));
    worker.on("error", (e) => this.fail(`the inference worker crashed: ${e.message}`));
    worker.on("exit", (code) => {
      if (!this.disposing) this.fail(`the inference worker exited (code ${code})`);
    });
    worker.unref(); // an idle model never keeps the process alive
  }

  static start(path: string, options: SessionOptions): Promise<SessionWorker> {
    const worker = newWorker({ path, options });
    return new Promise((resolve, reject) => {
      const onExit = (code: number): void =>
        reject(
          new EmbedkitError(
            ERROR_CODES.RUNTIME_FAILURE,
            `the inference worker for ${path} exited (code ${code}) before the model loaded`,
            { path },
          ),
        );
      worker.once("error", reject);
      worker.once("exit", onExit);
      worker.once("message", (m: FromWorker) => {
        worker.off("error", reject);
        worker.off("exit", onExit);
        if (m.type === "ready") {
          resolve(new SessionWorker(worker, m, path));
        } else {
          worker.on("error", () => undefined); // the load already failed; a late error has nothing to add
          void worker.terminate();
          reject(
            m.type === "load-failed"
              ? reviveError(m.error)
              : new EmbedkitError(ERROR_CODES.RUNTIME_FAILURE, `the inference worker sent ${m.type} before ready`),
          );
        }
      });
    });
  }

  /** Runs (and queued runs) not yet answered. */
  get load(): number {
    return this.pending.size;
  }

  get alive(): boolean {
    return this.failure === undefined && this.disposing === undefined;
  }

  run(batch: PaddedBatch, head: OutputHead): Promise<HeadOutput> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.disposing) {
      return Promise.reject(modelDisposedError());
    }
    const id = this.nextId++;
    return new Promise<HeadOutput>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      const message: ToWorker = { type: "run", id, batch, head };
      this.worker.postMessage(message);
    });
  }

  /** Lets queued runs finish, then releases the session and ends the thread. */
  dispose(): Promise<void> {
    this.disposing ??= new Promise<void>((resolve) => {
      if (this.failure) {
        resolve();
        return;
      }
      this.worker.ref();
      this.worker.once("exit", () => resolve());
      const message: ToWorker = { type: "dispose" };
      this.worker.postMessage(message);
    });
    return this.disposing;
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0 && !this.disposing) this.worker.unref();
    return p;
  }

  private onMessage(m: FromWorker): void {
    if (m.type === "result") this.settle(m.id)?.resolve(m.output);
    else if (m.type === "run-failed") this.settle(m.id)?.reject(reviveError(m.error));
  }

  private fail(reason: string): void {
    this.failure ??= new EmbedkitError(
      ERROR_CODES.RUNTIME_FAILURE,
      `${reason}; the model at ${this.path} cannot run any more; create a new one`,
      { path: this.path },
    );
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(this.failure);
    }
    this.worker.unref();
  }
}

/** Starts `sessions` workers; threads are shared out among them unless set. */
export async function loadInWorkers(path: string, sessions: number, options: SessionOptions): Promise<OnnxModel> {
  const intraOpThreads =
    options.intraOpThreads ?? (sessions > 1 ? Math.max(1, Math.floor(availableParallelism() / sessions)) : 0);
  const started = await Promise.allSettled(
    Array.from({ length: sessions }, () => SessionWorker.start(path, { ...options, intraOpThreads })),
  );
  const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(workers.map((w) => w.dispose()));
    throw failed.reason;
  }
  const first = workers[0]!;
  let disposed = false;
  return {
    ...first.meta,
    sessions,
    run<K extends HeadKind>(batch: PaddedBatch, head: Extract<OutputHead, { readonly kind: K }>) {
      if (disposed) {
        return Promise.reject(modelDisposedError());
      }
      let best: SessionWorker | undefined;
      for (const w of workers) if (w.alive && (!best || w.load < best.load)) best = w;
      // The worker applies this head, so its answer is this head's kind.
      return (best ?? first).run(batch, head) as Promise<Extract<HeadOutput, { readonly kind: K }>>;
    },
    async dispose() {
      disposed = true;
      await Promise.all(workers.map((w) => w.dispose()));
    },
  };
}
