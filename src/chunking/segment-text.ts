/**
 * L4: where a text may be cut: sentence, paragraph and Markdown heading boundaries. Each function
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

/** Sentence starts (UAX #29 through Intl.Segmenter: ". ", "。", "！", "?"...). */
export function sentenceCuts(text: string, from: number, to: number, locale?: string): number[] {
  const cuts: number[] = [];
  for (const seg of sentenceSegmenter(locale).segment(text.slice(from, to))) {
    if (seg.index > 0) cuts.push(from + seg.index);
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
