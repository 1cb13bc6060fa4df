/**
 * L6: what /rerank and /v1/rerank share: the server's input limits -> pair tokenization (off
 * the inference path; longest-first truncation or `input_too_long`) -> the request batcher,
 * which runs raw logits -> each request's own activation (TEI's `raw_scores`).
 *
 * Documented choices: an empty query, an empty text list or an empty text is refused (TEI's
 * `empty`, 400 on TEI routes); a text list over --max-client-batch-size is `too_many_inputs`.
 */
import type { Batcher } from "../engine/batcher.js";
import type { TextCrossEncoder } from "../rerank/text-cross-encoder.js";
import type { Encoding } from "../types.js";
import { checkTexts, clientClosed, type InputLimits, type JobContext } from "./embed-service.js";
import { SERVER_ERROR_CODES, ServerError } from "./http-errors.js";

export interface RerankJob {
  readonly query: string;
  readonly texts: readonly string[];
  /** How texts are named in errors: "texts" (TEI) or "documents" (/v1). */
  readonly field: string;
  readonly truncate: boolean;
  /** The raw logit instead of the model's activation. */
  readonly raw: boolean;
}

export interface RerankOutcome {
  /** One score per text, in input order. */
  readonly scores: number[];
  /** Tokens the pairs were run with. */
  readonly tokens: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export class RerankService {
  constructor(
    private readonly model: TextCrossEncoder,
    /** Runs packed pairs with model.scorePacked(…, "none"): raw logits. */
    private readonly batcher: Batcher<number>,
    readonly limits: InputLimits,
    private readonly onDropped: (inputs: number) => void = () => undefined,
  ) {}

  async rerank(job: RerankJob, ctx: JobContext): Promise<RerankOutcome> {
    if (job.query.length === 0) {
      throw new ServerError(SERVER_ERROR_CODES.EMPTY_INPUT, "`query` is an empty string; send a query", {
        field: "query",
      });
    }
    checkTexts([job.query], "query", this.limits);
    checkTexts(job.texts, job.field, this.limits);
    const count = job.texts.length;
    ctx.permit.addInputs(count);
    if (ctx.signal.aborted) {
      this.onDropped(count);
      throw clientClosed();
    }
    const arrived = this.batcher.expect();
    let encodings: Encoding[];
    const t0 = performance.now();
    try {
      encodings = await this.model.encodePairs(
        job.texts.map((t): [string, string] => [job.query, t]),
        { truncate: job.truncate, maxTokens: this.limits.maxInputTokens, field: job.field },
      );
    } catch (e) {
      arrived();
      throw e;
    }
    ctx.timings.tokenizationMs = performance.now() - t0;
    if (ctx.signal.aborted) {
      arrived();
      this.onDropped(count);
      throw clientClosed();
    }
    const pending = this.batcher.submit(encodings, ctx.signal, clientClosed);
    arrived();
    const result = await pending;
    ctx.timings.queueMs = result.queueMs;
    ctx.timings.inferenceMs = result.inferenceMs;
    const tokens = encodings.reduce((a, e) => a + e.ids.length, 0);
    ctx.timings.inputs = count;
    ctx.timings.tokens = tokens;
    ctx.timings.characters = job.texts.reduce((a, t) => a + t.length, job.query.length * count);
    const activate = job.raw || this.model.spec.activation === "none" ? (x: number) => x : sigmoid;
    return { scores: result.outputs.map(activate), tokens };
  }
}
