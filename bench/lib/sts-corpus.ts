/**
 * The benchmark corpora, built deterministically from the STS Benchmark test split:
 * short sentences, passages of 200-500 tokens (consecutive STS sentences joined), and a mix of
 * both in a seeded random order. Same seed and file, same corpus, on every machine.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randInt, seededRng, shuffled } from "./rng.js";

export type CorpusKind = "short" | "passages" | "mixed";
export const CORPUS_KINDS: readonly CorpusKind[] = ["short", "passages", "mixed"];

/** Counts tokens (special tokens included, no truncation) with the reference tokenizer. */
export type TokenCounter = (texts: readonly string[]) => Promise<number[]>;

export interface Corpus {
  readonly kind: CorpusKind;
  readonly texts: readonly string[];
  /** Tokens per text by the corpus tokenizer (bge-small-en-v1.5), special tokens included. */
  readonly tokenCounts: readonly number[];
}

export interface PassageRange {
  readonly min: number;
  readonly max: number;
}

export const PASSAGE_TOKENS: PassageRange = { min: 200, max: 500 };
export const DEFAULT_SEED = 20240917;

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The project root (bench/..). */
export const PROJECT_ROOT = resolve(BENCH_DIR, "..");
/** shared/ sits beside the project checkout. */
export const DEFAULT_STS_PATH = resolve(PROJECT_ROOT, "../shared/data/stsbenchmark/sts-test.csv");

/**
 * Sentences 1 and 2 (fields 6 and 7, 1-based) of every row, in file order, blanks and repeats
 * dropped. Plain split on tab: the sentences contain `"`, so a quote-aware parser would be wrong.
 */
export function readStsSentences(path: string = DEFAULT_STS_PATH): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const fields = line.replace(/\r$/, "").split("\t");
    if (fields.length < 7) continue;
    for (const s of [fields[5]!, fields[6]!]) {
      const t = s.trim();
      if (t !== "" && !seen.has(t)) {
        seen.add(t);
        out.push(t);
      }
    }
  }
  return out;
}

/**
 * `count` passages, each consecutive STS sentences (in file order, wrapping) joined by a space,
 * grown until its token count reaches a seeded target in [min, max] without passing max.
 * Passage k starts `stride` sentences after passage k-1, so passages overlap but differ.
 */
export async function buildPassages(
  sentences: readonly string[],
  count: number,
  countTokens: TokenCounter,
  seed: number = DEFAULT_SEED,
  range: PassageRange = PASSAGE_TOKENS,
): Promise<{ texts: string[]; tokenCounts: number[] }> {
  if (count === 0) return { texts: [], tokenCounts: [] };
  const rng = seededRng(seed ^ 0x9e3779b9);
  const n = sentences.length;
  // WordPiece on space-joined text is additive: a passage has 2 specials + its sentences' tokens.
  const inner = (await countTokens(sentences)).map((c) => c - 2);
  const stride = Math.max(1, Math.floor(n / count)) | 1;
  const parts: number[][] = [];
  for (let k = 0; k < count; k++) {
    const target = randInt(rng, range.min, range.max);
    const idx: number[] = [];
    let tokens = 2;
    for (let j = (k * stride) % n; tokens < target && idx.length < n; j = (j + 1) % n) {
      if (tokens + inner[j]! > range.max) break;
      idx.push(j);
      tokens += inner[j]!;
    }
    parts.push(idx);
  }
  const join = (idx: readonly number[]): string => idx.map((i) => sentences[i]!).join(" ");
  const texts = parts.map(join);
  const tokenCounts = await countTokens(texts);
  // Check the additivity assumption; repair any passage it failed for by real counts.
  for (let k = 0; k < count; k++) {
    for (let guard = 0; guard < 64 && (tokenCounts[k]! < range.min || tokenCounts[k]! > range.max); guard++) {
      const idx = parts[k]!;
      if (tokenCounts[k]! > range.max) idx.pop();
      else idx.push(((idx.at(-1) ?? -1) + 1) % n);
      texts[k] = join(idx);
      tokenCounts[k] = (await countTokens([texts[k]!]))[0]!;
    }
    if (tokenCounts[k]! < range.min || tokenCounts[k]! > range.max) {
      throw new Error(`passage ${k} has ${tokenCounts[k]} tokens, outside ${range.min}-${range.max}`);
    }
  }
  return { texts, tokenCounts };
}

export interface CorpusSpec {
  readonly kind: CorpusKind;
  /** Number of texts. */
  readonly size: number;
  /** Share of passages in the mixed corpus (0-1). */
  readonly passageFraction: number;
  readonly seed: number;
  readonly stsPath?: string;
}

/** Builds one corpus. Token counts come from `countTokens` (use bge-small-en-v1.5's tokenizer). */
export async function buildCorpus(spec: CorpusSpec, countTokens: TokenCounter): Promise<Corpus> {
  const sentences = readStsSentences(spec.stsPath);
  const rng = seededRng(spec.seed);
  const shortPool = shuffled(sentences, rng);
  const nPassages =
    spec.kind === "passages" ? spec.size : spec.kind === "short" ? 0 : Math.round(spec.size * spec.passageFraction);
  const nShort = spec.size - nPassages;
  if (nShort > shortPool.length) {
    throw new Error(`asked for ${nShort} short sentences; the STS test split has ${shortPool.length} distinct ones`);
  }
  const short = shortPool.slice(0, nShort);
  const shortCounts = await countTokens(short);
  const passages = await buildPassages(sentences, nPassages, countTokens, spec.seed);
  const items = [
    ...short.map((t, i) => ({ t, c: shortCounts[i]! })),
    ...passages.texts.map((t, i) => ({ t, c: passages.tokenCounts[i]! })),
  ];
  const ordered = spec.kind === "mixed" ? shuffled(items, rng) : items;
  return { kind: spec.kind, texts: ordered.map((x) => x.t), tokenCounts: ordered.map((x) => x.c) };
}

export function describeCorpus(c: Corpus): string {
  const counts = [...c.tokenCounts].sort((a, b) => a - b);
  const total = counts.reduce((a, b) => a + b, 0);
  const passages = counts.filter((x) => x >= PASSAGE_TOKENS.min).length;
  const median = counts.length > 0 ? counts[Math.floor(counts.length / 2)]! : 0;
  return (
    `${c.kind}: ${c.texts.length} texts (${c.texts.length - passages} short, ${passages} passages), ` +
    `${total} tokens, median ${median}, max ${counts.at(-1) ?? 0}`
  );
}
