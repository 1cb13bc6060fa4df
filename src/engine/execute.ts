/**
 * L3: the one batch executor. Every engine hands it encodings, a batching plan and an output
 * head; it pads each planned batch, runs it on the model (which applies the head where the
 * session lives) and gives back one result per encoding, in input order. Batching, pipelining
 * and errors are written here once; engines differ only in how they encode inputs and which
 * head they ask for.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { HeadKind, HeadOutput, HeadRow, OutputHead } from "../pooling/head-types.js";
import { splitRows } from "../pooling/output-head.js";
import { checkSpans } from "../pooling/span-pool.js";
import type { OnnxModel } from "../runtime/onnx-model.js";
import type { Encoding } from "../types.js";
import { padBatch } from "./pad-batch.js";

/** Groups of indices into the encodings; each group is one runtime call. */
export type BatchPlan = readonly (readonly number[])[];

export interface ExecuteParams<K extends HeadKind> {
  readonly model: OnnxModel;
  readonly encodings: readonly Encoding[];
  /** From planBatches(), or one packed batch ([[0, 1, ..., n - 1]]) from a request batcher. */
  readonly plan: BatchPlan;
  /** For the spans head, `spans[i]` holds the token ranges of encodings[i]. */
  readonly head: Extract<OutputHead, { readonly kind: K }>;
}

/** The part of `head` that belongs to the rows of one batch. */
function headForRows(head: OutputHead, rows: readonly number[]): OutputHead {
  return head.kind === "spans" ? { kind: "spans", spans: rows.map((i) => head.spans[i]!) } : head;
}

function checkHead(head: OutputHead, encodings: readonly Encoding[]): void {
  if (head.kind === "spans") {
    if (!Array.isArray(head.spans) || head.spans.length !== encodings.length) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `spans must hold one list of token ranges per input (${encodings.length}), got ${Array.isArray(head.spans) ? head.spans.length : typeof head.spans}`,
        { field: "spans", inputs: encodings.length },
      );
    }
    head.spans.forEach((s, i) => checkSpans(s, encodings[i]!.ids.length, `spans[${i}]`));
  }
  if (head.kind === "sparse" && head.topK !== undefined && (!Number.isInteger(head.topK) || head.topK < 1)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `topK must be a positive integer, got ${JSON.stringify(head.topK)}`,
      { field: "topK", value: head.topK, min: 1 },
    );
  }
}

/**
 * Runs the plan's batches; results come back in input order. One batch more than the model has
 * sessions is kept in flight, so a session never waits for this thread to split the previous
 * result and pad the next batch.
 */
export async function execute<K extends HeadKind>(params: ExecuteParams<K>): Promise<HeadRow[K][]> {
  const { model, encodings, plan, head } = params;
  checkHead(head, encodings);
  const out = new Array<HeadRow[K]>(encodings.length);
  const inFlight: { rows: readonly number[]; result: Promise<HeadOutput> }[] = [];
  let next = 0;
  const submit = (): void => {
    const rows = plan[next++]!;
    const result = model.run(padBatch(rows.map((i) => encodings[i]!)), headForRows(head, rows));
    result.catch(() => undefined); // awaited below in order; this only keeps a later failure from being "unhandled"
    inFlight.push({ rows, result });
  };
  while (next < plan.length && inFlight.length <= model.sessions) submit();
  while (inFlight.length > 0) {
    const { rows, result } = inFlight.shift()!;
    const output = await result;
    if (next < plan.length) submit();
    if (output.kind !== head.kind) {
      throw new EmbedkitError(
        ERROR_CODES.RUNTIME_FAILURE,
        `the runtime answered a ${head.kind} run with ${output.kind}`,
      );
    }
    const values = splitRows(output as HeadOutput) as HeadRow[K][];
    rows.forEach((i, r) => {
      out[i] = values[r]!;
    });
  }
  return out;
}

/** The plan of a batch already packed by a request batcher: all rows, one runtime call. */
export function onePackedBatch(rows: number): BatchPlan {
  return rows === 0 ? [] : [Array.from({ length: rows }, (_, i) => i)];
}
