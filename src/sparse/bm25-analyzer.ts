/**
 * L3: text -> BM25 terms, exactly as FastEmbed's `Bm25` (model `Qdrant/bm25`, language english)
 * turns a text into stemmed tokens, so that term ids and weights match its vectors:
 *
 *  1. every character that is neither a word character nor white space becomes a space
 *     (Python's `re.sub(r"[^\w\s]", " ", text)`);
 *  2. the text is lower-cased (full Unicode case mapping, final sigma included, as Python's
 *     `str.lower` and JavaScript's `toLowerCase` both do);
 *  3. the tokens are the maximal runs of word characters. A word character is what Python's
 *     `\w` matches: a letter (L*), a number (N*) or "_" (other connector punctuation separates);
 *  4. a token is dropped if it is "_" (FastEmbed drops one-character punctuation tokens, and
 *     "_" is the only punctuation inside a run), an English stopword (NLTK's list), or longer
 *     than 40 characters (counted in code points, as Python's `len`);
 *  5. the rest are stemmed with Snowball's English stemmer.
 *
 * This is Unicode word segmentation as FastEmbed does it, not UAX #29 (`Intl.Segmenter`), which
 * keeps "don't" and "3.5" whole and so would give other term ids. Both sides follow the Unicode
 * tables of their runtime (Node's ICU, Python's unicodedata); they differ only on characters
 * assigned in the newer Unicode version.
 */
import { EnglishStemmer } from "./english-stemmer.js";
import { englishStopwords } from "./english-stopwords.js";

/** Python's `\s` for str patterns (str.isspace): the characters kept in step 1. */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const NOT_WORD_OR_SPACE = new RegExp(`[^\\p{L}\\p{N}_${PY_SPACE}]`, "gu");
const WORD_RUN = /[\p{L}\p{N}_]+/gu;
const ASCII_ONLY = /^[\x00-\x7f]*$/;
/** Distinct tokens whose terms are remembered. */
const MEMO_LIMIT = 100_000;

/** Options of the FastEmbed-compatible English analyzer. */
export interface Bm25AnalyzerOptions {
  /** Tokens longer than this many characters are dropped. FastEmbed: 40. */
  readonly maxTokenLength?: number;
  /** Skip stopwords and stemming (FastEmbed's `disable_stemmer`). Default false. */
  readonly disableStemmer?: boolean;
}

/** Splits a text into lower-cased word tokens (steps 1-3), before stopwords and stemming. */
export function wordTokens(text: string): string[] {
  const cleaned = text.replace(NOT_WORD_OR_SPACE, " ").toLowerCase();
  return cleaned.match(WORD_RUN) ?? [];
}

function codePointLength(s: string): number {
  if (ASCII_ONLY.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** FastEmbed-compatible English BM25 analyzer: text -> stemmed terms, in text order. */
export class Bm25Analyzer {
  /** Tokens longer than this many characters are dropped. */
  readonly maxTokenLength: number;
  /** Whether stopwords are kept and nothing is stemmed. */
  readonly disableStemmer: boolean;
  private readonly stopwords: ReadonlySet<string>;
  private readonly stemmer: EnglishStemmer | undefined;
  /** token -> its term, or null when it is dropped; cleared when full. */
  private memo = new Map<string, string | null>();

  constructor(options: Bm25AnalyzerOptions = {}) {
    this.maxTokenLength = options.maxTokenLength ?? 40;
    this.disableStemmer = options.disableStemmer ?? false;
    this.stopwords = this.disableStemmer ? new Set() : englishStopwords();
    this.stemmer = this.disableStemmer ? undefined : new EnglishStemmer();
  }

  /** The terms of a text, in text order (repeats kept): lower-cased, stopwords dropped, stemmed. */
  analyze(text: string): string[] {
    const out: string[] = [];
    for (const token of wordTokens(text)) {
      let term = this.memo.get(token);
      if (term === undefined) {
        term = this.term(token);
        if (this.memo.size >= MEMO_LIMIT) this.memo = new Map();
        this.memo.set(token, term);
      }
      if (term !== null) out.push(term);
    }
    return out;
  }

  private term(token: string): string | null {
    if (token === "_" || this.stopwords.has(token)) return null;
    if (token.length > this.maxTokenLength && codePointLength(token) > this.maxTokenLength) return null;
    const stem = this.stemmer ? this.stemmer.stemUncached(token) : token;
    return stem === "" ? null : stem;
  }
}
