/**
 * L4: the built-in XQuAD (English) chunked-retrieval task, read in place from
 * `<dataDir>/xquad/xquad.en.json` (SQuAD v1.1 format: 48 articles, 240 paragraphs, 1,190
 * questions).
 *
 * An article becomes one document: its paragraphs joined by "\n\n". A question's gold span is
 * its first answer's character range (answer_start and the answer's length, shifted by the
 * paragraph's position in the article), so a chunk is relevant when it holds the answer.
 */
import { join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import type { ChunkedDocument, ChunkedQuery, ChunkedRetrievalTask } from "./chunked-retrieval-task.js";
import { readDataFile } from "./read-data-file.js";

interface SquadFile {
  readonly data: readonly {
    readonly title: string;
    readonly paragraphs: readonly {
      readonly context: string;
      readonly qas: readonly {
        readonly id: string;
        readonly question: string;
        readonly answers: readonly { readonly answer_start: number; readonly text: string }[];
      }[];
    }[];
  }[];
}

export const PARAGRAPH_SEPARATOR = "\n\n";

export async function loadXquad(dataDir: string): Promise<ChunkedRetrievalTask> {
  const file = join(dataDir, "xquad", "xquad.en.json");
  const squad = JSON.parse(
    await readDataFile(file, "XQuAD data (dataDir should be the folder holding xquad/)"),
  ) as SquadFile;
  if (!Array.isArray(squad.data)) {
    throw new EmbedkitError(ERROR_CODES.INVALID_TASK, `${file}: has no "data" list (SQuAD v1.1 format)`, { file });
  }
  const documents: ChunkedDocument[] = [];
  const queries: ChunkedQuery[] = [];
  for (const article of squad.data) {
    let at = 0;
    const parts: string[] = [];
    for (const p of article.paragraphs) {
      if (parts.length > 0) at += PARAGRAPH_SEPARATOR.length;
      for (const qa of p.qas) {
        const a = qa.answers[0];
        if (!a) continue;
        if (p.context.slice(a.answer_start, a.answer_start + a.text.length) !== a.text) {
          throw new EmbedkitError(
            ERROR_CODES.INVALID_TASK,
            `${file}: question ${qa.id}: answer_start ${a.answer_start} does not point at its answer text`,
            { file, question: qa.id },
          );
        }
        queries.push({
          id: qa.id,
          text: qa.question,
          gold: [{ doc: article.title, start: at + a.answer_start, end: at + a.answer_start + a.text.length }],
        });
      }
      parts.push(p.context);
      at += p.context.length;
    }
    documents.push({ id: article.title, text: parts.join(PARAGRAPH_SEPARATOR) });
  }
  return {
    type: "chunked-retrieval",
    name: "XQuADChunked",
    split: "test",
    languages: ["eng-Latn"],
    description: "XQuAD English (Artetxe et al., 2020) articles; a chunk is relevant when it holds the answer span",
    documents,
    queries,
  };
}
