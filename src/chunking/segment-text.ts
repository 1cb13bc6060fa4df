/**
 * L1 (pure): where a text may be cut: sentence, paragraph and Markdown heading boundaries. Each function
 * returns the cut positions strictly inside [from, to), in order; the pieces between them
 * partition the range.
 */

const segmenters = new Map<string, Intl.Segmenter>();

function sentenceSegmenter(locale: string | undefined): Intl.Segmenter {
  const key = locale ?? "";
  let s = segmenters.get(key);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: "sentence" });
    segmenters.set(key, s);
  }
  return s;
}

/** Longest string handed to the segmenter at once, and how far from its end a cut is trusted. */
const WINDOW = 8192;
const MARGIN = 512;
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/g;

/**
 * Sentence starts (UAX #29 through Intl.Segmenter: ". ", "。", "！", "?"...). UAX #29 always breaks
 * after a line break (rule SB4), so lines are segmented one at a time: V8's segmenter takes time
 * quadratic in the string's length (measured: 57k characters 44 ms, 229k 2.6 s whole; line by line
 * 6 and 55 ms). A line longer than WINDOW is segmented in windows that restart at the last cut
 * found more than MARGIN before the window's end.
 */
export function sentenceCuts(text: string, from: number, to: number, locale?: string): number[] {
  const cuts: number[] = [];
  const segmenter = sentenceSegmenter(locale);
  const segment = (a: number, b: number, trustedEnd: number): number => {
    let last = a;
    for (const seg of segmenter.segment(text.slice(a, b))) {
      const at = a + seg.index;
      if (at > a && at < trustedEnd) {
        cuts.push(at);
        last = at;
      }
    }
    return last;
  };
  let pos = from;
  while (pos < to) {
    LINE_BREAK.lastIndex = pos;
    const m = LINE_BREAK.exec(text);
    const lineEnd = m && m.index < to ? Math.min(m.index + m[0].length, to) : to;
    let p = pos;
    while (lineEnd - p > WINDOW) {
      const last = segment(p, p + WINDOW, p + WINDOW - MARGIN);
      if (last > p) {
        p = last;
      } else {
        // No boundary in a whole window: go on from inside the sentence (never inside a pair).
        p += WINDOW - MARGIN;
        if (/[\uDC00-\uDFFF]/.test(text[p]!)) p++;
      }
    }
    segment(p, lineEnd, lineEnd);
    if (lineEnd < to) cuts.push(lineEnd);
    pos = lineEnd;
  }
  return cuts;
}

/** Starts of paragraphs: the first non-blank line after one or more blank lines. */
export function paragraphCuts(text: string, from: number, to: number): number[] {
  const cuts: number[] = [];
  const re = /\n[ \t]*\r?\n\s*/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const c = m.index + m[0].length;
    if (c > from && c < to) cuts.push(c);
  }
  return cuts;
}

/**
 * Starts of ATX heading lines ("#" to "######" then a space) of depth <= `depth`, outside fenced
 * code blocks (``` or ~~~). Setext headings (underlined) are treated as paragraphs.
 */
export function headingCuts(text: string, from: number, to: number, depth: number): number[] {
  const cuts: number[] = [];
  let fence: string | undefined;
  let pos = from;
  while (pos < to) {
    const nl = text.indexOf("\n", pos);
    const lineEnd = nl === -1 || nl >= to ? to : nl;
    const line = text.slice(pos, lineEnd);
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = undefined;
    } else if (fence === undefined) {
      const h = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(line);
      if (h && h[1]!.length <= depth && pos > from) cuts.push(pos);
    }
    pos = lineEnd + 1;
  }
  return cuts;
}
