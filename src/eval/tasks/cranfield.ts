/**
 * L4: the built-in Cranfield task (1,400 aeronautics abstracts, 225 queries, graded judgments),
 * read in place from the SMART distribution in `<dataDir>/cranfield/`:
 *   cran.all.1400  records ".I <id>" then fields ".T" title, ".A" authors, ".B" source, ".W" text
 *   cran.qry       records ".I <number>" then ".W" text; numbers run 001..365 with gaps
 *   cranqrel       "<query> <doc> <code>" per line; <query> is the query's position (1..225)
 *                  in cran.qry, not its .I number
 * Codes (see the folder's PROVENANCE.md): 1 complete answer, 2 high, 3 useful, 4 minimum
 * interest, -1 no interest. Gains are 5 - code for 1..4 (4, 3, 2, 1) and 0 for -1, so nDCG
 * rewards the most relevant documents most. Documents are searched as title + " " + text
 * (the .W text itself begins with the title, as distributed).
 */
import { join } from "node:path";
import { badLine, readDataFile } from "./read-data-file.js";
import type { RetrievalDocument, RetrievalQuery, RetrievalTask } from "./task-types.js";

interface SmartRecord {
  readonly id: string;
  readonly line: number;
  readonly fields: Readonly<Record<string, string>>;
}

/** Splits a SMART-format file into records of ".X" fields, lines joined with spaces. */
function parseSmart(file: string, text: string): SmartRecord[] {
  const records: SmartRecord[] = [];
  let current: { id: string; line: number; fields: Record<string, string[]> } | undefined;
  let field: string | undefined;
  text.split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const marker = /^\.([A-Z])(?:\s+(.*))?$/.exec(line);
    if (marker) {
      if (marker[1] === "I") {
        const id = (marker[2] ?? "").trim();
        if (id === "") throw badLine(file, i + 1, '".I" without an id');
        if (current) records.push(finish(current));
        current = { id, line: i + 1, fields: {} };
        field = undefined;
        return;
      }
      if (!current) throw badLine(file, i + 1, `field .${marker[1]} before the first ".I"`);
      field = marker[1]!;
      current.fields[field] ??= [];
      if (marker[2]) current.fields[field]!.push(marker[2]);
      return;
    }
    if (line.trim() === "") return;
    if (!current || field === undefined) throw badLine(file, i + 1, 'text outside a field (expected ".I" first)');
    current.fields[field]!.push(line.trim());
  });
  if (current) records.push(finish(current));
  return records;
}

function finish(r: { id: string; line: number; fields: Record<string, string[]> }): SmartRecord {
  const fields: Record<string, string> = {};
  for (const [k, lines] of Object.entries(r.fields)) fields[k] = lines.join(" ").trim();
  return { id: r.id, line: r.line, fields };
}

/** Gain of a Cranfield relevance code: 5 - code for 1..4, 0 for -1 (no interest). */
export function cranfieldGain(code: number): number | undefined {
  if (code === -1) return 0;
  if (Number.isInteger(code) && code >= 1 && code <= 4) return 5 - code;
  return undefined;
}

export async function loadCranfield(dataDir: string): Promise<RetrievalTask> {
  const dir = join(dataDir, "cranfield");
  const what = "Cranfield data (dataDir should be the folder holding cranfield/)";
  const [docsFile, qryFile, qrelFile] = ["cran.all.1400", "cran.qry", "cranqrel"].map((f) => join(dir, f)) as [
    string,
    string,
    string,
  ];
  const [docsText, qryText, qrelText] = await Promise.all([
    readDataFile(docsFile, what),
    readDataFile(qryFile, what),
    readDataFile(qrelFile, what),
  ]);
  const corpus: RetrievalDocument[] = parseSmart(docsFile, docsText).map((r) => ({
    id: r.id,
    title: r.fields["T"] ?? "",
    text: r.fields["W"] ?? "",
  }));
  // Queries are judged by their position in cran.qry (1..225), which becomes their id.
  const queries: RetrievalQuery[] = parseSmart(qryFile, qryText).map((r, i) => {
    const text = r.fields["W"];
    if (text === undefined) throw badLine(qryFile, r.line, `query .I ${r.id} has no .W text`);
    return { id: String(i + 1), text };
  });
  const docIds = new Set(corpus.map((d) => d.id));
  const qrels = new Map<string, Map<string, number>>();
  qrelText.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const f = line.split(/\s+/);
    if (f.length < 3) throw badLine(qrelFile, i + 1, "expected query, document and code separated by spaces");
    const [qid, did, codeText] = f as [string, string, string];
    const gain = cranfieldGain(Number(codeText));
    if (gain === undefined) throw badLine(qrelFile, i + 1, `code must be 1, 2, 3, 4 or -1, got ${codeText}`);
    if (!docIds.has(did)) throw badLine(qrelFile, i + 1, `document ${did} is not in cran.all.1400`);
    let judged = qrels.get(qid);
    if (!judged) qrels.set(qid, (judged = new Map()));
    judged.set(did, gain);
  });
  return {
    type: "retrieval",
    name: "Cranfield",
    split: "test",
    description: "Cranfield 1400: aeronautics abstracts, graded judgments (gain 5 - code)",
    languages: ["eng-Latn"],
    corpus,
    queries: queries.filter((q) => qrels.has(q.id)),
    qrels,
  };
}
