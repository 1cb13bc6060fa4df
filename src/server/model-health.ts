/**
 * L6: whether the model works, as TEI's backend tracks it (backends/src/lib.rs): every inference
 * call records its outcome; the model counts as healthy only after a call succeeded. /health
 * on a healthy model answers at once; on a model not yet known to work (just started, or its
 * last call failed) it runs a probe, a one-text inference call, and is healthy only if that
 * call gives finite numbers. So a transient failure heals at the next probe, and a model that
 * always fails (a corrupt weights file giving NaN) stays unhealthy, with the reason.
 *
 * Every output goes through `checkFinite`: NaN or Infinity becomes a `non_finite_output` error
 * (never a JSON null), and marks the model unhealthy.
 */
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../errors.js";

/** Throws `non_finite_output` naming the first row and component that is NaN or infinite. */
export function checkFinite(vectors: readonly Float32Array[]): void {
  for (let row = 0; row < vectors.length; row++) {
    const v = vectors[row]!;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]!)) {
        throw new EmbedkitError(
          ERROR_CODES.NON_FINITE_OUTPUT,
          `the model produced ${String(v[i])} (component ${i} of row ${row} of a batch of ${vectors.length}); ` +
            "its weights may be corrupt: check them with `embedkit models info --verify`",
          { row, component: i, value: String(v[i]) },
        );
      }
    }
  }
}

export class ModelHealth {
  private healthy = false;
  private reason = "the model has not run yet";
  private probing: Promise<void> | undefined;

  /** `probe` runs one small inference call through the same checked path as requests. */
  constructor(private readonly probe: () => Promise<void>) {}

  succeeded(): void {
    this.healthy = true;
  }

  failed(e: unknown): void {
    this.healthy = false;
    this.reason = isEmbedkitError(e)
      ? `the model failed: ${e.code}: ${e.message}`
      : "the model failed: an inference call threw an unexpected error; see the server log";
  }

  /** Null when the model works, else why not (probing it first unless it is known to work). */
  async check(): Promise<string | null> {
    if (this.healthy) return null;
    this.probing ??= this.probe()
      .then(
        () => this.succeeded(),
        (e: unknown) => this.failed(e),
      )
      .finally(() => {
        this.probing = undefined;
      });
    await this.probing;
    return this.healthy ? null : this.reason;
  }
}
