/**
 * L1: macro windows for late chunking of documents longer than the model's window, as pure
 * arithmetic (the algorithm of scripts/golden/make_late_chunk_reference.py, step 5).
 *
 * The document's body (its tokens between [CLS] and [SEP]) has n tokens; each window runs
 * `[CLS] body[start, start + length) [SEP]` with length = window - specials. Starts are the
 * multiples of step = length - overlap that do not reach the end, then n - length (right-aligned,
 * so the last window is full). Body token p takes its state from the window that contains it
 * where min(p - start, start + length - 1 - p) is largest, the earliest on a tie; those tokens
 * form one contiguous `keep` range per window, and the keep ranges partition [0, n).
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";

export interface MacroWindow {
  /** Body tokens run in this window: [start, end). */
  readonly start: number;
  readonly end: number;
  /** Body tokens whose state is taken from this window: [keepStart, keepEnd). */
  readonly keepStart: number;
  readonly keepEnd: number;
}

export interface MacroWindowOptions {
  /** Body tokens in the document. */
  readonly bodyTokens: number;
  /** Most tokens per forward pass, special tokens included (default: the model's limit). */
  readonly window: number;
  /** Body tokens shared by consecutive windows. */
  readonly overlap: number;
  /** Tokens the model adds around each window (2 for [CLS] ... [SEP]). */
  readonly specialTokens: number;
  /** Option names for errors. Default { window: "window", overlap: "overlap" }. */
  readonly fields?: { readonly window: string; readonly overlap: string };
}

function bad(field: string, expected: string, value: number, limit?: number): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be ${expected}, got ${JSON.stringify(value)}`, {
    field,
    value,
    ...(limit !== undefined ? { limit } : {}),
  });
}

/** The windows of one document; a body that fits one window gives that one window. */
export function planMacroWindows(o: MacroWindowOptions): MacroWindow[] {
  const fields = o.fields ?? { window: "window", overlap: "overlap" };
  const n = o.bodyTokens;
  if (!Number.isInteger(o.window) || o.window <= o.specialTokens) {
    throw bad(fields.window, `an integer larger than ${o.specialTokens} (the special tokens)`, o.window);
  }
  const length = o.window - o.specialTokens;
  if (!Number.isInteger(o.overlap) || o.overlap < 0 || o.overlap >= length) {
    throw bad(
      fields.overlap,
      `an integer from 0 to ${length - 1} (the window's ${length} body tokens less one)`,
      o.overlap,
      length - 1,
    );
  }
  if (n <= length) return [{ start: 0, end: n, keepStart: 0, keepEnd: n }];
  const step = length - o.overlap;
  const starts: number[] = [];
  for (let s = 0; s + length < n; s += step) starts.push(s);
  starts.push(n - length);
  // Each window keeps from where it beats the previous one; with ties the earlier window keeps.
  const keepStarts = [0];
  for (let k = 1; k < starts.length; k++) {
    const a = starts[k - 1]!;
    const b = starts[k]!;
    let p = Math.max(b, keepStarts[k - 1]!);
    const ctx = (s: number, q: number): number => Math.min(q - s, s + length - 1 - q);
    while (p < a + length && ctx(a, p) >= ctx(b, p)) p++;
    keepStarts.push(p);
  }
  return starts.map((start, k) => ({
    start,
    end: start + length,
    keepStart: keepStarts[k]!,
    keepEnd: k + 1 < starts.length ? keepStarts[k + 1]! : n,
  }));
}
