/**
 * L6: backpressure. A request is admitted (a permit, before its body is read) only while fewer
 * than `maxRequests` are being handled, and its inputs only while fewer than `maxInputs` are
 * waiting or running over all requests. Nothing waits for a permit: a full server answers 429
 * at once, so memory stays bounded by the limits instead of growing with the load.
 */
import { SERVER_ERROR_CODES, ServerError } from "./http-errors.js";

export interface Permit {
  /** Adds `n` inputs to this request's share; throws `overloaded` when the input limit is reached. */
  addInputs(n: number): void;
  release(): void;
}

export class Admission {
  private requests = 0;
  private inputs = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly maxRequests: number,
    private readonly maxInputs: number,
  ) {}

  get activeRequests(): number {
    return this.requests;
  }

  get activeInputs(): number {
    return this.inputs;
  }

  /** Takes a request permit or throws `overloaded`. */
  acquire(): Permit {
    if (this.requests >= this.maxRequests) {
      throw new ServerError(
        SERVER_ERROR_CODES.OVERLOADED,
        `the server is handling ${this.requests} requests, its limit (--max-concurrent-requests ${this.maxRequests}); retry later`,
        { limit: this.maxRequests, reason: "requests" },
      );
    }
    this.requests++;
    let held = 0;
    let released = false;
    return {
      addInputs: (n: number) => {
        if (released) return;
        if (this.inputs + n > this.maxInputs) {
          throw new ServerError(
            SERVER_ERROR_CODES.OVERLOADED,
            `the server has ${this.inputs} inputs waiting or running and this request adds ${n}; the limit is ${this.maxInputs} (--max-queued-inputs); retry later`,
            { limit: this.maxInputs, reason: "inputs" },
          );
        }
        this.inputs += n;
        held += n;
      },
      release: () => {
        if (released) return;
        released = true;
        this.inputs -= held;
        this.requests--;
        if (this.requests === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          waiters.forEach((w) => w());
        }
      },
    };
  }

  /** Resolves when no request holds a permit. */
  idle(): Promise<void> {
    if (this.requests === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
