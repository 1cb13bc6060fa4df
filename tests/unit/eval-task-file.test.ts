import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import { resolveTasks } from "../../src/eval/command.js";
import { loadTaskFile, parseTaskDefinition } from "../../src/eval/tasks/task-file.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "embedkit-eval-taskfile-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function taskFile(name: string, def: unknown): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, typeof def === "string" ? def : JSON.stringify(def));
  return p;
}

/** Asserts an INVALID_TASK error whose message matches every pattern. */
async function rejectsWith(p: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isEmbedkitError(e, "invalid_task"), `expected invalid_task, got ${String(e)}`);
    for (const re of patterns) assert.match(e.message, re);
    return true;
  });
}

describe("task file validation", () => {
  it("names the allowed types for an unknown type", () => {
    assert.throws(
      () => parseTaskDefinition({ type: "sts-ish", name: "x" }, "t.json"),
      /t\.json: type must be one of sts, classification, pair-classification, retrieval, reranking, clustering; got "sts-ish"/,
    );
  });

  it("names a missing or empty field", async () => {
    await rejectsWith(
      loadTaskFile(await taskFile("noname.json", { type: "sts", pairs: "p.tsv" })),
      /name must be a string/,
    );
    await rejectsWith(
      loadTaskFile(await taskFile("empty.json", { type: "sts", name: "", pairs: "p.tsv" })),
      /name must not be empty/,
    );
    await rejectsWith(
      loadTaskFile(await taskFile("nodata.json", { type: "classification", name: "C", train: "t.tsv" })),
      /test must be a path to a data file/,
    );
  });

  it("rejects unknown fields (typos)", async () => {
    await rejectsWith(
      loadTaskFile(await taskFile("typo.json", { type: "sts", name: "S", pair: "p.tsv", pairs: "p.tsv" })),
      /Unrecognized key.*pair/,
    );
  });

  it("names the inline item and field that is wrong", async () => {
    const p = await taskFile("inline.json", {
      type: "sts",
      name: "S",
      pairs: [
        { text1: "a", text2: "b", score: 1 },
        { text1: "a", text2: "b", score: "high" },
      ],
    });
    await rejectsWith(loadTaskFile(p), /pairs\[1\]\.score must be a finite number/);
  });

  it("names the data file and line that is wrong", async () => {
    await writeFile(join(dir, "pairs.tsv"), "text1\ttext2\tscore\na\tb\t1\nc\td\tx\n");
    await rejectsWith(
      loadTaskFile(await taskFile("file.json", { type: "sts", name: "S", pairs: "pairs.tsv" })),
      /pairs\.tsv line 3: score must be a finite number/,
    );
    await writeFile(join(dir, "short.tsv"), "text1\ttext2\tscore\na\tb\n");
    await rejectsWith(
      loadTaskFile(await taskFile("short.json", { type: "sts", name: "S", pairs: "short.tsv" })),
      /short\.tsv line 2: expected 3 columns \(text1, text2, score\), found 2/,
    );
    await writeFile(
      join(dir, "pairs.jsonl"),
      '{"text1":"a","text2":"b","label":1}\n{"text1":"a","text2":"b","label":2}\n',
    );
    await rejectsWith(
      loadTaskFile(await taskFile("pc.json", { type: "pair-classification", name: "P", pairs: "pairs.jsonl" })),
      /pairs\.jsonl line 2: label must be 0 or 1/,
    );
  });

  it("reports a missing data file and an unsupported extension", async () => {
    await rejectsWith(
      loadTaskFile(await taskFile("missing.json", { type: "sts", name: "S", pairs: "nope.tsv" })),
      /pairs: .*nope\.tsv does not exist/,
    );
    await rejectsWith(
      loadTaskFile(await taskFile("ext.json", { type: "sts", name: "S", pairs: "pairs.txt" })),
      /unsupported extension ".txt"/,
    );
  });

  it("requires a BEIR folder or all of corpus, queries and qrels for retrieval", async () => {
    await rejectsWith(
      loadTaskFile(await taskFile("r.json", { type: "retrieval", name: "R", corpus: "c.jsonl" })),
      /queries is required when dir/,
    );
    await rejectsWith(
      loadTaskFile(await taskFile("r2.json", { type: "retrieval", name: "R", dir: "beir", corpus: "c.jsonl" })),
      /dir give either dir or corpus\/queries\/qrels, not both/,
    );
  });

  it("rejects a file that is not JSON", async () => {
    await rejectsWith(loadTaskFile(await taskFile("bad.json", "{ type: sts")), /bad\.json is not valid JSON/);
  });

  it("loads every task type from files and inline data", async () => {
    await writeFile(join(dir, "train.csv"), 'text,label\n"hello, world",greet\nbye,leave\n');
    await writeFile(join(dir, "items.jsonl"), '{"text":"a","label":"x","set":1}\n{"text":"b","label":"y","set":2}\n');
    const cls = await loadTaskFile(
      await taskFile("cls.json", {
        type: "classification",
        name: "C",
        train: "train.csv",
        test: [{ text: "hi", label: "greet" }],
        samplesPerLabel: 4,
      }),
    );
    assert.equal(cls.type, "classification");
    if (cls.type === "classification") {
      assert.deepEqual(cls.train[0], { text: "hello, world", label: "greet" });
      assert.equal(cls.samplesPerLabel, 4);
      assert.equal(cls.split, "test");
    }
    const clu = await loadTaskFile(await taskFile("clu.json", { type: "clustering", name: "K", items: "items.jsonl" }));
    assert.equal(clu.type === "clustering" && clu.sets.length, 2);
    const rr = await loadTaskFile(
      await taskFile("rr.json", {
        type: "reranking",
        name: "RR",
        split: "dev",
        samples: [{ query: "q", positive: ["p"], negative: ["n"] }],
      }),
    );
    assert.equal(rr.split, "dev");
    const ret = await loadTaskFile(
      await taskFile("ret.json", {
        type: "retrieval",
        name: "R",
        corpus: [{ id: 1, text: "doc" }],
        queries: [{ id: "q", text: "query" }],
        qrels: [{ queryId: "q", docId: 1, score: 1 }],
      }),
    );
    assert.equal(ret.type === "retrieval" && ret.qrels.get("q")?.get("1"), 1);
  });
});

describe("task names given to the command", () => {
  it("requires dataDir for built-in tasks and names unknown tasks", async () => {
    await assert.rejects(resolveTasks(["all"], undefined), /dataDir is required for the built-in task STSBenchmark/);
    await assert.rejects(resolveTasks(["NoSuchTask"], "/tmp"), /unknown task "NoSuchTask": not a built-in task/);
    await assert.rejects(resolveTasks([], "/tmp"), /no task given/);
  });
  it("reports a data folder that lacks the built-in data", async () => {
    await rejectsWith(resolveTasks(["stsbenchmark"], dir), /stsbenchmark\/sts-test\.csv does not exist/);
  });
});
