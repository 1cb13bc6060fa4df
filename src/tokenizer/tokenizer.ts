/**
 * L2: the ONLY importer of the tokenizer package.
 *
 * We use the native `tokenizers` binding (Hugging Face's Rust tokenizers through napi-rs), not the
 * pure-JS `@huggingface/tokenizers`. Measured on this machine (2 cores, bge-small-en-v1.5
 * tokenizer.json): 5,000 STS sentences in 131 ms vs 238 ms, 500 passages of ~260 tokens in 164 ms
 * vs 388 ms; ids identical on all untruncated inputs. The native binding is also the same code as
 * Python's `tokenizers`, so ids match the reference implementation by construction, and it
 * applies truncation (either direction) through the tokenizer's own post-processor, which the
 * JS package does not offer. Both install offline from the npm registry.
 *
 * Truncation and padding baked into tokenizer.json files (all-MiniLM ships truncation at 128 and
 * fixed padding to 128) are overridden: we always disable padding (batches are padded by
 * embedkit), and we never truncate unless the caller allows it, so over-long inputs are counted
 * exactly and reported.
 *
 * Offsets: the binding reports offsets in Unicode code points (it calls `encode_char_offsets`;
 * checked: "😀" is [6, 7], not UTF-16 [6, 8] nor UTF-8 [6, 10]). They are converted here, once,
 * to UTF-16 code units, so that `text.slice(start, end)` is the token's text in JavaScript.
 * A lone surrogate reaches Rust as one U+FFFD, one code point for one code unit, so the mapping
 * stays exact even then. Offsets are opt-in (`offsets: true`): reading them costs 40-65% more
 * than tokenizing alone (3,000 passages of 20-80 words, bge tokenizer, three runs on this shared
 * 2-core machine: 0.78/1.45/1.70 s plain vs 1.34/2.08/2.80 s with offsets), so the embedding path
 * does not pay for them.
 */
import { readFileSync } from "node:fs";
import { Tokenizer as HfTokenizer, type Encoding as HfEncoding } from "tokenizers";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { Encoding, TruncationDirection } from "../types.js";
import { codePointToUtf16 } from "./code-point-offsets.js";

export interface EncodeOptions {
  /** Largest number of tokens (special tokens included) an encoding may have. */
  readonly maxTokens: number;
  /** Cut over-long inputs to maxTokens instead of returning them whole. */
  readonly truncate: boolean;
  readonly direction?: TruncationDirection;
  /** Also fill `offsets` and `segments` of each encoding (UTF-16, into the string given). Default false. */
  readonly offsets?: boolean;
}

/**
 * How an over-long text pair is cut: "longest_first" takes one token at a time from the longer
 * of the two texts (as sentence-transformers' CrossEncoder and Hugging Face do), "only_first" /
 * "only_second" cut one text only, "none" returns the pair whole (the caller decides).
 */
export type PairTruncation = "longest_first" | "only_first" | "only_second" | "none";

export interface PairEncodeOptions {
  /** Largest number of tokens (special tokens included) an encoding may have. */
  readonly maxTokens: number;
  /** Default "longest_first". */
  readonly truncation?: PairTruncation;
  /** Also fill `offsets` and `segments` (offsets relative to each token's own text). Default false. */
  readonly offsets?: boolean;
}

/** The tokens of one text, for /tokenize-style introspection; arrays indexed by token. */
export interface TextTokens {
  readonly ids: number[];
  /** The vocabulary strings (e.g. "##ing", "[CLS]"). */
  readonly tokens: string[];
  /** UTF-16 offsets into the text given: `text.slice(start, end)`. [0, 0] for special tokens. */
  readonly offsets: [number, number][];
  /** True for the tokens the post-processor added ([CLS], [SEP]...). */
  readonly special: boolean[];
}

export interface TextTokenizer {
  /**
   * Encodes texts. Each encoding's `originalLength` is the untruncated token count. With
   * `truncate: false`, encodings longer than maxTokens are returned whole; the caller decides.
   */
  encode(texts: readonly string[], options: EncodeOptions): Promise<Encoding[]>;
  /**
   * Encodes text pairs as the model's post-processor joins them (BERT: `[CLS] a [SEP] b [SEP]`,
   * typeIds 0 for `[CLS] a [SEP]` and 1 for `b [SEP]`). `originalLength` is the untruncated count.
   * A pair that cannot be cut to maxTokens as asked ("only_first" with a short first text) is an
   * `input_too_long` error naming `pairs[i]`.
   */
  encodePairs(pairs: readonly (readonly [string, string])[], options: PairEncodeOptions): Promise<Encoding[]>;
  /** The tokens of a text, special tokens included, without truncation. */
  tokens(text: string): Promise<TextTokens>;
  decode(ids: readonly number[], skipSpecialTokens: boolean): Promise<string>;
  /** The vocabulary string of a token id ("##ing", "[CLS]"), or undefined when the id is outside the vocabulary. */
  idToToken(id: number): string | undefined;
  readonly vocabSize: number;
  dispose(): void;
}

/**
 * Offsets relative to the text after a prompt prefix of `prefixLength` code units: every offset
 * is shifted back by it; tokens that lie inside the prefix get [0, 0] and segment -2, so that
 * `segments[i] >= 0` means "a token of the original text".
 */
export function offsetsAfterPrefix(
  encoding: Encoding,
  prefixLength: number,
): { offsets: Int32Array; segments: Int8Array } {
  const { offsets, segments } = encoding;
  if (!offsets || !segments) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "the encoding carries no offsets; encode with offsets: true", {
      field: "offsets",
    });
  }
  if (prefixLength === 0) return { offsets, segments };
  const out = new Int32Array(offsets.length);
  const seg = Int8Array.from(segments);
  for (let i = 0; i < seg.length; i++) {
    if (seg[i]! < 0) continue;
    const end = offsets[2 * i + 1]! - prefixLength;
    if (end <= 0 && seg[i] === 0) {
      seg[i] = -2;
      continue;
    }
    out[2 * i] = Math.max(0, offsets[2 * i]! - prefixLength);
    out[2 * i + 1] = end;
  }
  return { offsets: out, segments: seg };
}

function load(json: string, path: string): HfTokenizer {
  try {
    const tok = HfTokenizer.fromString(json);
    tok.disablePadding();
    tok.disableTruncation();
    return tok;
  } catch (cause) {
    throw new EmbedkitError(
      ERROR_CODES.TOKENIZER_FAILURE,
      `tokenizer file ${path} could not be loaded: ${(cause as Error).message}`,
      { path },
      { cause },
    );
  }
}

/** Reads one native encoding into our plain-data Encoding; `texts` are the strings encoded (1 or 2). */
function toEncoding(e: HfEncoding, originalLength: number, texts?: readonly string[]): Encoding {
  const base = { ids: Int32Array.from(e.getIds()), typeIds: Int32Array.from(e.getTypeIds()), originalLength };
  if (!texts) return base;
  const raw = e.getOffsets();
  const seqs = e.getSequenceIds();
  const n = raw.length;
  const offsets = new Int32Array(2 * n);
  const segments = new Int8Array(n);
  const maps = texts.map(codePointToUtf16);
  for (let i = 0; i < n; i++) {
    const s = seqs[i];
    if (s === null || s === undefined) {
      segments[i] = -1; // offsets stay [0, 0]
      continue;
    }
    const map = maps[s]!;
    const [start, end] = raw[i]!;
    segments[i] = s;
    offsets[2 * i] = map(start!);
    offsets[2 * i + 1] = map(end!);
  }
  return { ...base, offsets, segments };
}

const STRATEGY = {
  longest_first: "LongestFirst",
  only_first: "OnlyFirst",
  only_second: "OnlySecond",
} as const;

/** Loads a Hugging Face tokenizer.json file. */
export function loadTokenizer(path: string): TextTokenizer {
  let json: string;
  try {
    json = readFileSync(path, "utf8");
  } catch (cause) {
    throw new EmbedkitError(
      ERROR_CODES.MODEL_FILE_MISSING,
      `tokenizer file ${path} cannot be read`,
      { path },
      { cause },
    );
  }
  const full = load(json, path);
  // Truncating tokenizers are made on first need, one per (maxTokens, direction or strategy).
  const truncating = new Map<string, HfTokenizer>();
  const truncatingFor = (maxTokens: number, how: TruncationDirection | keyof typeof STRATEGY): HfTokenizer => {
    const key = `${maxTokens}:${how}`;
    let tok = truncating.get(key);
    if (!tok) {
      tok = load(json, path);
      if (how === "left" || how === "right") tok.setTruncation(maxTokens, { direction: how });
      else tok.setTruncation(maxTokens, { strategy: STRATEGY[how] as never });
      truncating.set(key, tok);
    }
    return tok;
  };
  const vocabSize = Object.keys(full.getVocab(true)).length;
  return {
    vocabSize,
    async encode(texts, options) {
      if (texts.length === 0) return [];
      const withOffsets = options.offsets === true;
      const whole = await full.encodeBatch(texts as string[]);
      const out = whole.map((e, i) => toEncoding(e, e.getLength(), withOffsets ? [texts[i]!] : undefined));
      if (!options.truncate) return out;
      const longIdx: number[] = [];
      out.forEach((e, i) => {
        if (e.ids.length > options.maxTokens) longIdx.push(i);
      });
      if (longIdx.length > 0) {
        const cut = await truncatingFor(options.maxTokens, options.direction ?? "right").encodeBatch(
          longIdx.map((i) => texts[i] as string),
        );
        longIdx.forEach((i, k) => {
          out[i] = toEncoding(cut[k]!, out[i]!.originalLength, withOffsets ? [texts[i]!] : undefined);
        });
      }
      return out;
    },
    async encodePairs(pairs, options) {
      const how = options.truncation ?? "longest_first";
      const withOffsets = options.offsets === true;
      const whole = await Promise.all(pairs.map(([a, b]) => full.encode(a, b)));
      return Promise.all(
        whole.map(async (e, i) => {
          const pair = pairs[i]!;
          const texts = withOffsets ? pair : undefined;
          const n = e.getLength();
          if (how === "none" || n <= options.maxTokens) return toEncoding(e, n, texts);
          try {
            const cut = await truncatingFor(options.maxTokens, how).encode(pair[0], pair[1]);
            return toEncoding(cut, n, texts);
          } catch (cause) {
            throw new EmbedkitError(
              ERROR_CODES.INPUT_TOO_LONG,
              `pairs[${i}] has ${n} tokens and cannot be cut to ${options.maxTokens} with truncation "${how}": ${(cause as Error).message}`,
              { field: `pairs[${i}]`, tokens: n, maxTokens: options.maxTokens, truncation: how },
              { cause },
            );
          }
        }),
      );
    },
    async tokens(text) {
      const e = await full.encode(text);
      const enc = toEncoding(e, e.getLength(), [text]);
      const o = enc.offsets!;
      return {
        ids: Array.from(enc.ids),
        tokens: e.getTokens(),
        offsets: Array.from(enc.segments!, (_, i): [number, number] => [o[2 * i]!, o[2 * i + 1]!]),
        special: Array.from(enc.segments!, (s) => s < 0),
      };
    },
    idToToken(id) {
      return full.idToToken(id) ?? undefined;
    },
    decode(ids, skipSpecialTokens) {
      return full.decode(Array.from(ids), skipSpecialTokens);
    },
    dispose() {
      truncating.clear();
    },
  };
}
