/**
 * L4: the schema of a user task file (JSON), checked with zod. A task file names its type, its
 * name, optionally its split (default "test"), and its data, each data field being either a path
 * to a data file (relative to the task file; .jsonl, .json, .tsv or .csv with a header row) or an
 * inline array of items:
 *
 *   { "type": "sts", "name": "MySTS", "pairs": "pairs.tsv", "scoreRange": [0, 5] }
 *       pairs: { text1, text2, score }
 *   { "type": "classification", "name": "MyIntents", "train": "train.csv", "test": "test.csv",
 *     "nExperiments": 10, "samplesPerLabel": 8 }
 *       train/test: { text, label }
 *   { "type": "pair-classification", "name": "MyDuplicates", "pairs": "pairs.jsonl" }
 *       pairs: { text1, text2, label: 0 | 1 }
 *   { "type": "retrieval", "name": "MySearch", "dir": "beir-folder", "split": "test" }
 *       or "corpus", "queries", "qrels" given one by one: as files in BEIR's formats
 *       (corpus.jsonl {_id, title?, text}, queries.jsonl {_id, text}, qrels .tsv with header
 *       query-id, corpus-id, score) or inline ({id, title?, text}, {id, text},
 *       {queryId, docId, score}); optional "kValues" and "ignoreIdenticalIds"
 *   { "type": "reranking", "name": "MyRerank", "samples": "samples.jsonl" }
 *       samples: { query, positive: [..], negative: [..] }
 *   { "type": "clustering", "name": "MyClusters", "items": "items.tsv" }
 *       items: { text, label, set? } (items sharing a "set" are clustered together)
 */
import { z } from "zod";

export const TASK_TYPES = [
  "sts",
  "classification",
  "pair-classification",
  "retrieval",
  "reranking",
  "clustering",
] as const;

const source = z.union([z.string().min(1), z.array(z.unknown()).min(1)], {
  error: "must be a path to a data file (string) or a non-empty array of items",
});
export type DataSource = z.infer<typeof source>;

const positiveInt = z
  .number({ error: "must be a positive integer" })
  .int("must be an integer")
  .min(1, "must be at least 1");

const base = {
  name: z.string({ error: "must be a string" }).min(1, "must not be empty"),
  split: z.string({ error: "must be a string" }).min(1, "must not be empty").optional(),
  description: z.string({ error: "must be a string" }).optional(),
};

export const TASK_DEFINITION_SCHEMAS = {
  sts: z
    .object({
      type: z.literal("sts"),
      ...base,
      pairs: source,
      scoreRange: z.tuple([z.number(), z.number()], { error: "must be [min, max]" }).optional(),
    })
    .strict(),
  classification: z
    .object({
      type: z.literal("classification"),
      ...base,
      train: source,
      test: source,
      nExperiments: positiveInt.optional(),
      samplesPerLabel: positiveInt.optional(),
    })
    .strict(),
  "pair-classification": z.object({ type: z.literal("pair-classification"), ...base, pairs: source }).strict(),
  retrieval: z
    .object({
      type: z.literal("retrieval"),
      ...base,
      dir: z.string({ error: "must be a path to a BEIR folder" }).min(1, "must not be empty").optional(),
      corpus: source.optional(),
      queries: source.optional(),
      qrels: source.optional(),
      kValues: z.array(positiveInt, { error: "must be an array of positive integers" }).min(1).optional(),
      ignoreIdenticalIds: z.boolean({ error: "must be true or false" }).optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      const parts = [v.corpus, v.queries, v.qrels].filter((p) => p !== undefined).length;
      if (v.dir !== undefined && parts > 0) {
        ctx.addIssue({ code: "custom", path: ["dir"], message: "give either dir or corpus/queries/qrels, not both" });
      } else if (v.dir === undefined && parts < 3) {
        for (const key of ["corpus", "queries", "qrels"] as const) {
          if (v[key] === undefined) {
            ctx.addIssue({ code: "custom", path: [key], message: "is required when dir (a BEIR folder) is not given" });
          }
        }
      }
    }),
  reranking: z.object({ type: z.literal("reranking"), ...base, samples: source }).strict(),
  clustering: z.object({ type: z.literal("clustering"), ...base, items: source }).strict(),
} as const satisfies Record<(typeof TASK_TYPES)[number], z.ZodType>;

export type TaskDefinition = {
  [K in keyof typeof TASK_DEFINITION_SCHEMAS]: z.infer<(typeof TASK_DEFINITION_SCHEMAS)[K]>;
}[keyof typeof TASK_DEFINITION_SCHEMAS];

// Item schemas. Values read from .tsv/.csv files are strings, so numbers are accepted as text.
const toNumber = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v);
const text = z.string({ error: "must be a string" });
const id = z
  .union([z.string().min(1), z.number()], { error: "must be a non-empty string or a number" })
  .transform(String);
const label = z
  .union([z.string().min(1), z.number()], { error: "must be a non-empty string or a number" })
  .transform(String);

export const ITEM_SCHEMAS = {
  stsPair: z.object({
    text1: text,
    text2: text,
    score: z.preprocess(toNumber, z.number({ error: "must be a finite number" })),
  }),
  labeledText: z.object({ text, label }),
  labeledPair: z.object({
    text1: text,
    text2: text,
    label: z.preprocess(toNumber, z.union([z.literal(0), z.literal(1)], { error: "must be 0 or 1" })),
  }),
  document: z.object({ id, title: text.optional(), text }),
  query: z.object({ id, text }),
  qrel: z.object({
    queryId: id,
    docId: id,
    score: z.preprocess(toNumber, z.number({ error: "must be an integer" }).int("must be an integer")),
  }),
  rerankingSample: z.object({
    query: text,
    positive: z.array(text, { error: "must be an array of strings" }),
    negative: z.array(text, { error: "must be an array of strings" }),
  }),
  clusteringItem: z.object({ text, label, set: z.union([z.string(), z.number()]).transform(String).optional() }),
} as const;
