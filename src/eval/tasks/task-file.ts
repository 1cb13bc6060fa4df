/**
 * L4: loads a user task file (see task-file-schema.ts for the format) into an EvalTask. Every error
 * is an INVALID_TASK EmbedkitError whose message names the task file or data file, the field
 * (as a path like `pairs[3].score`) or the line, and what was wrong.
 */
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import { loadBeirFolder, readBeirCorpus, readBeirQrels, readBeirQueries } from "./beir-folder.js";
import { readDataFile } from "./read-data-file.js";
import { readRows } from "./read-rows.js";
import {
  ITEM_SCHEMAS,
  TASK_DEFINITION_SCHEMAS,
  TASK_TYPES,
  type DataSource,
  type TaskDefinition,
} from "./task-file-schema.js";
import type { ClusteringSet, EvalTask } from "./task-types.js";

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out;
}

function invalid(message: string, details: Record<string, unknown>): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_TASK, message, details);
}

/** Checks a parsed task file against the schema. `file` is only used in messages. */
export function parseTaskDefinition(value: unknown, file = "task file"): TaskDefinition {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`${file}: expected a JSON object describing one task`, { file });
  }
  const type = (value as Record<string, unknown>)["type"];
  if (typeof type !== "string" || !(TASK_TYPES as readonly string[]).includes(type)) {
    throw invalid(`${file}: type must be one of ${TASK_TYPES.join(", ")}; got ${JSON.stringify(type)}`, {
      file,
      field: "type",
      value: type,
      allowed: TASK_TYPES,
    });
  }
  const schema = TASK_DEFINITION_SCHEMAS[type as keyof typeof TASK_DEFINITION_SCHEMAS];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const field = formatPath(issue.path);
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : "";
    throw invalid(`${file}: ${field === "" ? "" : `${field} `}${issue.message}${more}`, {
      file,
      field,
      issues: parsed.error.issues,
    });
  }
  return parsed.data as TaskDefinition;
}

/** Validates the items of one data field, from a file or inline. */
async function loadItems<S extends z.ZodType>(
  src: DataSource,
  field: string,
  schema: S,
  baseDir: string,
  file: string,
): Promise<z.infer<S>[]> {
  const rows =
    typeof src === "string"
      ? (await readRows(resolve(baseDir, src), `${file}: ${field}`)).map((r) => ({
          value: r.value,
          where: `${resolve(baseDir, src)} line ${r.line}`,
        }))
      : src.map((value, i) => ({ value, where: `${file}: ${field}[${i}]` }));
  if (rows.length === 0) throw invalid(`${file}: ${field} has no items`, { file, field });
  const inline = typeof src !== "string";
  return rows.map(({ value, where }) => {
    const r = schema.safeParse(value);
    if (r.success) return r.data as z.infer<S>;
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    const path = formatPath(issue.path);
    // Inline: "task.json: pairs[1].score must be ..."; file: "pairs.tsv line 3: score must be ...".
    const at = path === "" ? `${where}:` : inline ? `${where}.${path}` : `${where}: ${path}`;
    throw invalid(`${at} ${issue.message}`, { file, field, path });
  });
}

async function buildTask(def: TaskDefinition, baseDir: string, file: string): Promise<EvalTask> {
  const common = {
    name: def.name,
    split: def.split ?? "test",
    ...(def.description ? { description: def.description } : {}),
  };
  switch (def.type) {
    case "sts":
      return {
        type: "sts",
        ...common,
        pairs: await loadItems(def.pairs, "pairs", ITEM_SCHEMAS.stsPair, baseDir, file),
        ...(def.scoreRange ? { scoreRange: def.scoreRange } : {}),
      };
    case "classification":
      return {
        type: "classification",
        ...common,
        train: await loadItems(def.train, "train", ITEM_SCHEMAS.labeledText, baseDir, file),
        test: await loadItems(def.test, "test", ITEM_SCHEMAS.labeledText, baseDir, file),
        ...(def.nExperiments !== undefined ? { nExperiments: def.nExperiments } : {}),
        ...(def.samplesPerLabel !== undefined ? { samplesPerLabel: def.samplesPerLabel } : {}),
      };
    case "pair-classification":
      return {
        type: "pair-classification",
        ...common,
        pairs: (await loadItems(def.pairs, "pairs", ITEM_SCHEMAS.labeledPair, baseDir, file)).map((p) => ({
          text1: p.text1,
          text2: p.text2,
          label: p.label as 0 | 1,
        })),
      };
    case "retrieval":
      return buildRetrieval(def, common, baseDir, file);
    case "reranking":
      return {
        type: "reranking",
        ...common,
        samples: await loadItems(def.samples, "samples", ITEM_SCHEMAS.rerankingSample, baseDir, file),
      };
    case "clustering": {
      const items = await loadItems(def.items, "items", ITEM_SCHEMAS.clusteringItem, baseDir, file);
      const groups = new Map<string, { texts: string[]; labels: string[] }>();
      for (const it of items) {
        const key = it.set ?? "";
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { texts: [], labels: [] }));
        g.texts.push(it.text);
        g.labels.push(it.label);
      }
      const sets: ClusteringSet[] = [...groups.values()];
      return { type: "clustering", ...common, sets };
    }
  }
}

async function buildRetrieval(
  def: Extract<TaskDefinition, { type: "retrieval" }>,
  common: { name: string; split: string },
  baseDir: string,
  file: string,
): Promise<EvalTask> {
  const extra = {
    ...(def.kValues ? { kValues: def.kValues } : {}),
    ...(def.ignoreIdenticalIds !== undefined ? { ignoreIdenticalIds: def.ignoreIdenticalIds } : {}),
  };
  if (def.dir !== undefined) {
    const task = await loadBeirFolder(resolve(baseDir, def.dir), { ...common, ...extra });
    return { ...task, ...(def.description ? { description: def.description } : {}) };
  }
  const src = { corpus: def.corpus, queries: def.queries, qrels: def.qrels } as Record<string, DataSource>;
  const corpus =
    typeof src["corpus"] === "string"
      ? await readBeirCorpus(resolve(baseDir, src["corpus"]))
      : (await loadItems(src["corpus"] as DataSource, "corpus", ITEM_SCHEMAS.document, baseDir, file)).map((d) =>
          d.title === undefined ? { id: d.id, text: d.text } : { id: d.id, title: d.title, text: d.text },
        );
  const queries =
    typeof src["queries"] === "string"
      ? await readBeirQueries(resolve(baseDir, src["queries"]))
      : await loadItems(src["queries"] as DataSource, "queries", ITEM_SCHEMAS.query, baseDir, file);
  let qrels: Map<string, Map<string, number>>;
  if (typeof src["qrels"] === "string") {
    qrels = (await readBeirQrels(resolve(baseDir, src["qrels"]))) as Map<string, Map<string, number>>;
  } else {
    qrels = new Map();
    for (const j of await loadItems(src["qrels"] as DataSource, "qrels", ITEM_SCHEMAS.qrel, baseDir, file)) {
      let m = qrels.get(j.queryId);
      if (!m) qrels.set(j.queryId, (m = new Map()));
      m.set(j.docId, j.score);
    }
  }
  return {
    type: "retrieval",
    ...common,
    corpus,
    queries: queries.filter((q) => qrels.has(q.id)),
    qrels,
    ...extra,
  };
}

/** Reads, checks and loads a task file and the data files it names. */
export async function loadTaskFile(path: string): Promise<EvalTask> {
  const file = resolve(path);
  const text = await readDataFile(file, "task file");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(`${file} is not valid JSON: ${(e as Error).message}`, { file });
  }
  return buildTask(parseTaskDefinition(json, file), dirname(file), file);
}
