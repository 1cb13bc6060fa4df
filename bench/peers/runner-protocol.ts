/**
 * What a peer runner is asked and what it answers. One runner process does one measurement, so
 * its cold start and peak RSS are its own. The Python runner (run_fastembed_py.py) speaks the
 * same protocol: the same flags in, the same lines out.
 *
 * Flags: --mode cold|throughput, --model <registry id>, --model-dir <prepared folder>,
 * --onnx <path inside the folder>, --quantization fp32|int8, --pooling cls|mean,
 * --max-tokens N, --threads N, --batch N (0: the peer's own default), --corpus <json file with
 * {"texts": [...]}>, --warmup N (texts of the corpus embedded once before timing; -1: all),
 * --repeat N (timed passes), --probe N (vectors handed back for the correctness check),
 * --cache-dir <embedkit cache>, --max-batch-tokens N (embedkit only).
 *
 * Lines out: `FIRST_VECTOR` as soon as a cold process holds its first vector (the driver
 * timestamps it), then one `RESULT {json}` line (RunnerResult) as the last line.
 */

export type RunMode = "cold" | "throughput";

export interface RunnerResult {
  readonly peer: string;
  /** The peer's package version. */
  readonly version: string;
  readonly mode: RunMode;
  /** Texts embedded per timed pass (1 in cold mode). */
  readonly texts: number;
  /** Seconds of each timed pass (cold mode: the first embed call). */
  readonly seconds: number[];
  /** Seconds from process start (as the runtime sees it) to the model being ready. */
  readonly loadSeconds: number;
  /** Seconds from process start to the first vector (cold mode). */
  readonly firstVectorSeconds?: number;
  /** Peak resident set of the process, KiB (getrusage ru_maxrss). */
  readonly maxRssKiB: number;
  /** Batch size actually used, as the peer calls it. */
  readonly batch: number;
  readonly threads: number;
  /** The first vectors produced (throughput: of the corpus; cold: of the cold-start text). */
  readonly probe: number[][];
  readonly notes: string[];
}

/** The text a cold process embeds. */
export const COLD_START_TEXT = "The quick brown fox jumps over the lazy dog.";

export const RESULT_PREFIX = "RESULT ";
export const FIRST_VECTOR_LINE = "FIRST_VECTOR";
