/**
 * An ingest into real pgvector (PGlite over the wire protocol) SIGKILLed half-way: the table holds
 * whole documents only (every stored document has all its chunks, 0..n-1), and re-running the
 * ingest writes exactly the missing documents, after which every document is there exactly once.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { ingest } from "../../src/sinks/ingest.js";
import { PgVectorSink } from "../../src/sinks/postgres/pg-vector-sink.js";
import { REPO } from "../helpers/jobs.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { generatedDocuments, KILL_INGEST_CHUNKING } from "../helpers/pg-ingest-docs.js";
import { startPgvector, type TestPgvector } from "../helpers/pgvector.js";

const COUNT = 150;
const TABLE = "killed_ingest";

describe("an ingest killed mid-way", { timeout: 240_000 }, () => {
  let pgv: TestPgvector;
  let model: TextEmbedding;

  before(async () => {
    [pgv, model] = await Promise.all([startPgvector(), openTestModel(TEST_MODELS.miniLM)]);
  });
  after(async () => {
    await model?.dispose();
    await pgv?.stop();
  });

  test("SIGKILL during ingest: whole documents only; a re-run completes every document exactly once", async () => {
    const docs = generatedDocuments(COUNT);
    const expected = new Map<string, number>();
    for (const d of docs) expected.set(d.id, (await model.chunk(d.text, KILL_INGEST_CHUNKING)).length);

    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/helpers/pg-ingest-child.ts", pgv.url, TABLE, String(COUNT)],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    const exited = new Promise((r) => child.once("exit", r));

    // Watch through the wire protocol (a transaction in flight is invisible until committed).
    const deadline = Date.now() + 150_000;
    let watcher: PgVectorSink | undefined;
    for (;;) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `the child got no rows in: ${output}`);
      if (!watcher && output.includes("ingesting")) {
        watcher = await PgVectorSink.open({ url: pgv.url, table: TABLE, model: model.modelId, dimension: model.dim });
      }
      if (watcher && (await watcher.count()).documents >= 12) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    await exited;
    assert.ok(!output.includes("finished"), "killed before the end");

    const sink = watcher!;
    // Through the wire protocol first: it waits for the server to roll the killed transaction back.
    await sink.count();
    const rows = await pgv.query<{ doc_id: string; n: number; indexes: number[] }>(
      `SELECT doc_id, count(*)::int AS n, array_agg(chunk_index ORDER BY chunk_index) AS indexes FROM ${TABLE} GROUP BY doc_id`,
    );
    assert.ok(rows.length >= 12 && rows.length < COUNT, `${rows.length} documents stored after the kill`);
    for (const r of rows) {
      const n = expected.get(r.doc_id)!;
      assert.equal(r.n, n, `document ${r.doc_id} holds all its ${n} chunks`);
      assert.deepEqual(
        r.indexes,
        Array.from({ length: n }, (_, i) => i),
      );
    }

    const rerun = await ingest(sink, docs, { model, chunk: KILL_INGEST_CHUNKING, batchDocuments: 16 });
    assert.equal(rerun.unchanged, rows.length, "the documents already stored are not embedded again");
    assert.equal(rerun.written, COUNT - rows.length);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    assert.deepEqual(await sink.count(), { rows: total, documents: COUNT });
    const dupes = await pgv.query(`SELECT doc_id, chunk_index FROM ${TABLE} GROUP BY 1, 2 HAVING count(*) > 1`);
    assert.deepEqual(dupes, []);
    await sink.close();
  });
});
