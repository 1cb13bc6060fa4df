/**
 * L4: reads a retrieval task in BEIR's folder layout:
 *   corpus.jsonl        one {"_id", "title"?, "text"} per line
 *   queries.jsonl       one {"_id", "text"} per line
 *   qrels/<split>.tsv   header "query-id<TAB>corpus-id<TAB>score", then one judgment per line
 * As BEIR's loader does, only queries with at least one judgment in the split are kept.
 */
import { join } from "node:path";
import type { Qrels } from "../metrics/retrieval-metrics.js";
import { badLine, readDataFile } from "./read-data-file.js";
import type { RetrievalDocument, RetrievalQuery, RetrievalTask } from "./task-types.js";

function parseJsonLines(file: string, text: string, visit: (obj: Record<string, unknown>, line: number) => void): void {
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw badLine(file, i + 1, "not valid JSON");
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj))
      throw badLine(file, i + 1, "expected a JSON object");
    visit(obj as Record<string, unknown>, i + 1);
  });
}

function idField(file: string, line: number, obj: Record<string, unknown>): string {
  const id = obj["_id"];
  if (typeof id === "string" && id !== "") return id;
  if (typeof id === "number") return String(id);
  throw badLine(file, line, `"_id" must be a non-empty string, got ${JSON.stringify(id)}`);
}

function textField(
  file: string,
  line: number,
  obj: Record<string, unknown>,
  key: string,
  optional = false,
): string | undefined {
  const v = obj[key];
  if (typeof v === "string") return v;
  if (optional && (v === undefined || v === null)) return undefined;
  throw badLine(file, line, `"${key}" must be a string, got ${JSON.stringify(v)}`);
}

export async function readBeirCorpus(file: string): Promise<RetrievalDocument[]> {
  const docs: RetrievalDocument[] = [];
  const seen = new Set<string>();
  parseJsonLines(file, await readDataFile(file, "BEIR corpus"), (obj, line) => {
    const id = idField(file, line, obj);
    if (seen.has(id)) throw badLine(file, line, `duplicate document id ${JSON.stringify(id)}`);
    seen.add(id);
    const title = textField(file, line, obj, "title", true);
    const text = textField(file, line, obj, "text") as string;
    docs.push(title === undefined ? { id, text } : { id, title, text });
  });
  return docs;
}

export async function readBeirQueries(file: string): Promise<RetrievalQuery[]> {
  const queries: RetrievalQuery[] = [];
  parseJsonLines(file, await readDataFile(file, "BEIR queries"), (obj, line) => {
    queries.push({ id: idField(file, line, obj), text: textField(file, line, obj, "text") as string });
  });
  return queries;
}

export async function readBeirQrels(file: string): Promise<Qrels> {
  const qrels = new Map<string, Map<string, number>>();
  const lines = (await readDataFile(file, "BEIR qrels")).split("\n");
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    const f = line.split("\t");
    if (i === 0 && f[0] === "query-id") return; // header
    if (f.length < 3) throw badLine(file, i + 1, `expected query-id, corpus-id and score separated by tabs`);
    const score = Number(f[2]);
    if (!Number.isInteger(score)) throw badLine(file, i + 1, `score must be an integer, got ${JSON.stringify(f[2])}`);
    const qid = f[0] as string;
    let judged = qrels.get(qid);
    if (!judged) qrels.set(qid, (judged = new Map()));
    judged.set(f[1] as string, score);
  });
  return qrels;
}

export interface BeirFolderOptions {
  readonly name: string;
  readonly split?: string;
  readonly kValues?: readonly number[];
  readonly ignoreIdenticalIds?: boolean;
}

export async function loadBeirFolder(dir: string, options: BeirFolderOptions): Promise<RetrievalTask> {
  const split = options.split ?? "test";
  const [corpus, allQueries, qrels] = await Promise.all([
    readBeirCorpus(join(dir, "corpus.jsonl")),
    readBeirQueries(join(dir, "queries.jsonl")),
    readBeirQrels(join(dir, "qrels", `${split}.tsv`)),
  ]);
  const queries = allQueries.filter((q) => qrels.has(q.id));
  return {
    type: "retrieval",
    name: options.name,
    split,
    corpus,
    queries,
    qrels,
    ...(options.kValues ? { kValues: options.kValues } : {}),
    ...(options.ignoreIdenticalIds !== undefined ? { ignoreIdenticalIds: options.ignoreIdenticalIds } : {}),
  };
}
