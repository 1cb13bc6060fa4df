/**
 * Reproduces the tokenizer adapter's choice: the native `tokenizers` binding vs the pure-JS
 * `@huggingface/tokenizers`, on the test models' tokenizer.json files from the embedkit cache.
 * Prints time per corpus and the number of inputs whose ids differ (on untruncated inputs).
 *
 *   npx tsx bench/tokenizer-choice.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";
import { Tokenizer as NativeTokenizer } from "tokenizers";
import { storeConfigFromEnv } from "../src/config/schema.js";

const STS = join(import.meta.dirname, "..", "..", "shared", "data", "stsbenchmark", "sts-train.csv");
const sentences = readFileSync(STS, "utf8")
  .split("\n")
  .flatMap((l) => l.split("\t").slice(5, 7))
  .filter((s) => s.length > 0);
const passages: string[] = [];
for (let i = 0; i + 20 <= sentences.length && passages.length < 500; i += 20)
  passages.push(sentences.slice(i, i + 20).join(" "));

const cache = storeConfigFromEnv().cacheDir;
for (const model of ["BAAI/bge-small-en-v1.5", "sentence-transformers/all-MiniLM-L6-v2", "BAAI/bge-small-zh-v1.5"]) {
  const path = join(cache, model, "tokenizer.json");
  const json = readFileSync(path, "utf8");
  const native = NativeTokenizer.fromString(json);
  native.disablePadding();
  native.disableTruncation();
  const js = new JsTokenizer(JSON.parse(json), {});
  for (const [name, corpus] of [
    ["5000 sentences", sentences.slice(0, 5000)],
    ["500 passages", passages],
  ] as const) {
    const t0 = performance.now();
    const a = await native.encodeBatch([...corpus]);
    const t1 = performance.now();
    const b = corpus.map((s) => js.encode(s).ids);
    const t2 = performance.now();
    let differ = 0;
    let tokens = 0;
    a.forEach((e, i) => {
      const x = e.getIds();
      const y = b[i]!;
      tokens += x.length;
      if (x.length !== y.length || x.some((v, k) => v !== y[k])) differ++;
    });
    console.log(
      `${model.padEnd(40)} ${name.padEnd(15)} ${tokens} tokens  native ${(t1 - t0).toFixed(0)} ms  pure-JS ${(t2 - t1).toFixed(0)} ms  ` +
        `ratio ${((t2 - t1) / (t1 - t0)).toFixed(2)}x  inputs with different ids: ${differ}`,
    );
  }
}
