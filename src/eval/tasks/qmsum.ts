/**
 * L4: the built-in QMSum chunked-retrieval task, read in place from the validation split of the
 * original release in `<dataDir>/qmsum/val/*.json` (35 meetings, 237 specific queries).
 *
 * A meeting becomes one document: its speaker turns, each written as `speaker: content`, joined
 * by "\n". A specific query's `relevant_text_span` lists inclusive [first, last] turn-index ranges
 * (as strings); each becomes a gold span from the first character of the first turn to the end
 * of the last turn. General queries ("summarize the whole meeting") have no spans: every chunk of
 * their meeting would be relevant, so they are left out.
 */
import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import type { ChunkedDocument, ChunkedQuery, ChunkedRetrievalTask, GoldSpan } from "./chunked-retrieval-task.js";
import { readDataFile } from "./read-data-file.js";

interface QmsumMeeting {
  readonly meeting_transcripts: readonly { readonly speaker: string; readonly content: string }[];
  readonly specific_query_list: readonly {
    readonly query: string;
    readonly relevant_text_span: readonly (readonly [string, string])[];
  }[];
}

function invalid(file: string, problem: string): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_TASK, `${file}: ${problem}`, { file });
}

/** The meeting's text and the [start, end) character range of each turn in it. */
export function meetingText(turns: QmsumMeeting["meeting_transcripts"]): { text: string; turns: [number, number][] } {
  const parts: string[] = [];
  const ranges: [number, number][] = [];
  let at = 0;
  for (const t of turns) {
    const line = `${t.speaker}: ${t.content}`;
    ranges.push([at, at + line.length]);
    parts.push(line);
    at += line.length + 1;
  }
  return { text: parts.join("\n"), turns: ranges };
}

export async function loadQmsum(dataDir: string): Promise<ChunkedRetrievalTask> {
  const folder = join(dataDir, "qmsum", "val");
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith(".json")).sort();
  } catch (e) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_TASK,
      `QMSum data (dataDir should be the folder holding qmsum/): ${folder} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      { file: folder },
      { cause: e },
    );
  }
  if (names.length === 0) throw invalid(folder, "holds no .json meeting files");
  const documents: ChunkedDocument[] = [];
  const queries: ChunkedQuery[] = [];
  for (const name of names) {
    const file = join(folder, name);
    const meeting = JSON.parse(await readDataFile(file, "QMSum meeting")) as QmsumMeeting;
    if (!Array.isArray(meeting.meeting_transcripts)) throw invalid(file, "has no meeting_transcripts list");
    const id = basename(name, ".json");
    const { text, turns } = meetingText(meeting.meeting_transcripts);
    documents.push({ id, text });
    (meeting.specific_query_list ?? []).forEach((q, i) => {
      const gold: GoldSpan[] = q.relevant_text_span.map(([a, b]) => {
        const first = Number(a);
        const last = Number(b);
        if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first || last >= turns.length) {
          throw invalid(file, `specific_query_list[${i}] has span [${a}, ${b}] outside the ${turns.length} turns`);
        }
        return { doc: id, start: turns[first]![0], end: turns[last]![1] };
      });
      if (gold.length > 0) queries.push({ id: `${id}/q${i}`, text: q.query, gold });
    });
  }
  return {
    type: "chunked-retrieval",
    name: "QMSumChunked",
    split: "validation",
    languages: ["eng-Latn"],
    description:
      "QMSum (Zhong et al., 2021) meeting transcripts; a chunk is relevant when it overlaps a gold turn span",
    documents,
    queries,
  };
}
