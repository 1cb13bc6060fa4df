/**
 * L3: late chunking, the algorithm of scripts/golden/make_late_chunk_reference.py. The document
 * body (prompt tokens, then the text's) runs once through the model, or in overlapping macro
 * windows when it is longer than one window; each chunk's vector is the mean of the states of
 * its text tokens (special and prompt tokens never count), each token's state taken from the
 * window where it has the most context. The spans head computes the means inside the worker, per
 * window, over the part of each chunk that window supplies; the parts are then averaged weighted
 * by their token counts, so only span means (never token states) cross the thread boundary.
 */
import type { ModelSpec } from "../models/spec.js";
import type { TokenSpan } from "../pooling/head-types.js";
import { planMacroWindows, type MacroWindow } from "../pooling/macro-windows.js";
import type { Encoding } from "../types.js";
import type { DocumentBody, SectionTokenizer } from "./document-tokens.js";
import { postProcess, type PostProcessing } from "./encoder.js";

/** The special tokens a model's tokenizer puts around a text (BERT: [CLS] before, [SEP] after). */
export interface SpecialTemplate {
  readonly lead: Int32Array;
  readonly trail: Int32Array;
}

/** Macro windows: `window` tokens per forward pass (special tokens included), `overlap` body tokens shared by neighbours. */
export interface MacroWindowSetting {
  /** Most tokens per forward pass, special tokens included. */
  readonly window: number;
  /** Body tokens shared by consecutive windows (smaller than window less the special tokens). */
  readonly overlap: number;
}

/** Reads the special tokens around a one-word text. */
export async function specialTemplate(tok: SectionTokenizer): Promise<SpecialTemplate> {
  const [t] = await tok.tokenize(["a"]);
  const seg = t!.segments;
  const first = seg.findIndex((s) => s >= 0);
  let last = seg.length - 1;
  while (last > first && seg[last]! < 0) last--;
  return { lead: t!.ids.slice(0, first), trail: t!.ids.slice(last + 1) };
}

/** One forward pass of late chunking: the window's encoding, its spans, and which chunk each span feeds. */
export interface WindowJob {
  readonly encoding: Encoding;
  readonly spans: TokenSpan[];
  /** Per span: the chunk (index into the document's ranges) and how many tokens the span holds. */
  readonly chunks: number[];
  readonly counts: number[];
}

/** The macro windows of a body. */
export function windowsFor(body: DocumentBody, tpl: SpecialTemplate, macro: MacroWindowSetting): MacroWindow[] {
  return planMacroWindows({
    bodyTokens: body.ids.length,
    window: macro.window,
    overlap: macro.overlap,
    specialTokens: tpl.lead.length + tpl.trail.length,
    fields: { window: "macroWindow.window", overlap: "macroWindow.overlap" },
  });
}

/**
 * The windows' jobs, lazily (a long document never holds more than the jobs being run).
 * `ranges` are chunks as [tokenStart, tokenEnd) into the text's tokens (body.text).
 */
export function* windowJobs(
  body: DocumentBody,
  ranges: readonly TokenSpan[],
  tpl: SpecialTemplate,
  windows: readonly MacroWindow[],
): Generator<WindowJob> {
  const p = body.promptTokens;
  const lead = tpl.lead.length;
  // Chunks in document order (starts and ends not decreasing): a window only looks at the chunks
  // from the first one that ends inside or after it; otherwise every chunk is looked at.
  const ordered = ranges.every((r, i) => i === 0 || (r[0] >= ranges[i - 1]![0] && r[1] >= ranges[i - 1]![1]));
  let first = 0;
  for (const w of windows) {
    if (ordered) while (first < ranges.length && p + ranges[first]![1] <= w.keepStart) first++;
    const spans: TokenSpan[] = [];
    const chunks: number[] = [];
    const counts: number[] = [];
    for (let c = ordered ? first : 0; c < ranges.length; c++) {
      const cs = p + ranges[c]![0];
      const ce = p + ranges[c]![1];
      if (ordered && cs >= w.keepEnd) break;
      const x = Math.max(cs, w.keepStart);
      const y = Math.min(ce, w.keepEnd);
      if (x >= y) continue;
      spans.push([x - w.start + lead, y - w.start + lead]);
      chunks.push(c);
      counts.push(y - x);
    }
    if (spans.length === 0) continue; // a window that supplies no chunk token is not run
    const ids = new Int32Array(lead + (w.end - w.start) + tpl.trail.length);
    ids.set(tpl.lead, 0);
    ids.set(body.ids.subarray(w.start, w.end), lead);
    ids.set(tpl.trail, lead + w.end - w.start);
    yield { encoding: { ids, typeIds: new Int32Array(ids.length), originalLength: ids.length }, spans, chunks, counts };
  }
}

/** Sums each chunk's span means weighted by their token counts (float64); finish() gives the vectors. */
export class LateAccumulator {
  private sums: Float64Array | undefined;
  private readonly tokens: Float64Array;
  constructor(readonly chunks: number) {
    this.tokens = new Float64Array(chunks);
  }

  add(job: WindowJob, means: readonly Float32Array[]): void {
    const dim = means[0]?.length ?? 0;
    this.sums ??= new Float64Array(this.chunks * dim);
    job.chunks.forEach((c, j) => {
      const m = means[j]!;
      const n = job.counts[j]!;
      const off = c * dim;
      for (let d = 0; d < dim; d++) this.sums![off + d]! += m[d]! * n;
      this.tokens[c]! += n;
    });
  }

  /** The chunk vectors, post-processed as pooled vectors are (the model's layer norm, L2, Matryoshka). */
  finish(spec: ModelSpec, post: PostProcessing): Float32Array[] {
    const dim = this.sums ? this.sums.length / Math.max(1, this.chunks) : spec.dim;
    return Array.from({ length: this.chunks }, (_, c) => {
      const v = new Float32Array(dim);
      const n = this.tokens[c]!;
      if (this.sums && n > 0) for (let d = 0; d < dim; d++) v[d] = this.sums[c * dim + d]! / n;
      return postProcess(v, spec, post);
    });
  }
}
