/**
 * L4: XQuAD (English) as a plain retrieval task, the way MTEB's XQuADRetrieval poses it: each of
 * the 240 paragraphs is a document (id `<title>#<paragraph index>`), each of the 1,190 questions
 * a query whose one relevant document is its own paragraph. Read from the same file as
 * XQuADChunked (`<dataDir>/xquad/xquad.en.json`); paragraphs fit in one model window, so no
 * chunking is involved (the precision evals of `embedkit eval --precision` use it).
 */
import { loadXquad, PARAGRAPH_SEPARATOR } from "./xquad.js";
import type { RetrievalDocument, RetrievalQuery, RetrievalTask } from "./task-types.js";

export async function loadXquadRetrieval(dataDir: string): Promise<RetrievalTask> {
  const chunked = await loadXquad(dataDir);
  const corpus: RetrievalDocument[] = [];
  const bounds = new Map<string, { id: string; start: number; end: number }[]>();
  for (const d of chunked.documents) {
    const spans: { id: string; start: number; end: number }[] = [];
    let at = 0;
    d.text.split(PARAGRAPH_SEPARATOR).forEach((p, i) => {
      const id = `${d.id}#${i}`;
      corpus.push({ id, text: p });
      spans.push({ id, start: at, end: at + p.length });
      at += p.length + PARAGRAPH_SEPARATOR.length;
    });
    bounds.set(d.id, spans);
  }
  const queries: RetrievalQuery[] = [];
  const qrels = new Map<string, Map<string, number>>();
  for (const q of chunked.queries) {
    const gold = q.gold[0]!;
    const paragraph = bounds.get(gold.doc)!.find((s) => gold.start >= s.start && gold.end <= s.end)!;
    queries.push({ id: q.id, text: q.text });
    qrels.set(q.id, new Map([[paragraph.id, 1]]));
  }
  return {
    type: "retrieval",
    name: "XQuADRetrieval",
    split: "test",
    languages: ["eng-Latn"],
    description:
      "XQuAD English (Artetxe et al., 2020): a question's relevant document is the paragraph holding its answer",
    corpus,
    queries,
    qrels,
  };
}
