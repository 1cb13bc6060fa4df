/**
 * The README's chunking example, run in CI: split a Markdown document into chunks within a token
 * budget, with exact offsets into the original text.
 */
import { chunk, chunkTokenizerFor, TextEmbedding } from "embedkit";

const model = await TextEmbedding.create(); // BAAI/bge-small-en-v1.5
const tok = await chunkTokenizerFor(model);
const doc = [
  "# Lighthouses",
  "",
  "The keeper wrote in his ledger every night. He noted the wind, the ships and the flags. 🙂",
  "",
  "## Storms",
  "",
  "Storms were underlined twice. The worst one, in 1911, lasted three days.",
  "",
  "灯塔看守人每天晚上都写日记。他记录了每一艘经过的船。",
].join("\n");
const chunks = await chunk(doc, { by: "markdown", size: 24 }, tok);
for (const c of chunks) {
  if (c.text !== doc.slice(c.start, c.end) || c.tokens > 24) throw new Error(`bad chunk ${c.index}`);
  console.log(`#${c.index} [${c.start}, ${c.end}) ${c.tokens} tokens: ${JSON.stringify(c.text)}`);
}
await model.dispose();
