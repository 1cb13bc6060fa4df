/**
 * Writes embedkit's BM25 terms (Bm25Analyzer) for the reference scripts, so that the Python
 * references score exactly the same tokens:
 *   dump-terms.ts golden <out.json>     the texts of tests/golden/bm25-fastembed.json
 *   dump-terms.ts cranfield <data dir> <out.json>   Cranfield documents and queries (embedkit's loader)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Bm25Analyzer } from "../../../src/sparse/bm25-analyzer.js";
import { loadCranfield } from "../../../src/eval/tasks/cranfield.js";
import { documentText } from "../../../src/eval/evaluators/evaluate-retrieval.js";

const analyzer = new Bm25Analyzer();
const [mode, ...args] = process.argv.slice(2);
if (mode === "golden") {
  const golden = JSON.parse(
    readFileSync(new URL("../../../tests/golden/bm25-fastembed.json", import.meta.url), "utf8"),
  );
  const texts = golden.texts as string[];
  writeFileSync(args[0]!, JSON.stringify({ documents: texts.map((t) => analyzer.analyze(t)) }));
} else if (mode === "cranfield") {
  const task = await loadCranfield(args[0]!);
  writeFileSync(
    args[1]!,
    JSON.stringify({
      documents: task.corpus.map((d) => ({
        id: d.id,
        text: documentText(d),
        terms: analyzer.analyze(documentText(d)),
      })),
      queries: task.queries.map((q) => ({ id: q.id, text: q.text, terms: analyzer.analyze(q.text) })),
    }),
  );
} else {
  console.error("usage: dump-terms.ts golden <out.json> | cranfield <data dir> <out.json>");
  process.exit(2);
}
