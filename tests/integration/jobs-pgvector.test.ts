/**
 * Bulk jobs into the Postgres sink, under a fault: real redis-server, real worker processes, real
 * pgvector (PGlite 0.4.6 over the wire protocol) and the real all-MiniLM-L6-v2 (fp32). One of
 * three workers is SIGKILLed mid-unit (its open transaction is rolled back by the server); the
 * finished job holds every input record exactly once, with vectors equal to a single-process run.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { isEmbedkitError } from "../../src/errors.js";
import { submitJob } from "../../src/jobs/submit-job.js";
import {
  assertSameAsReference,
  spawnWorker,
  startRedis,
  stopWorker,
  waitForJob,
  writeInputs,
  type TestRedis,
  type WorkerProcess,
} from "../helpers/jobs.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { startPgvector, type TestPgvector } from "../helpers/pgvector.js";

const MODEL = TEST_MODELS.miniLM;

describe("bulk jobs into pgvector", { timeout: 300_000 }, () => {
  let dir: string;
  let redis: TestRedis;
  let pgv: TestPgvector;
  let reference: TextEmbedding;
  let workers: WorkerProcess[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-jobs-pg-"));
    [redis, pgv, reference] = await Promise.all([
      startRedis(join(dir, "redis")),
      startPgvector(),
      openTestModel(MODEL),
    ]);
  });
  after(async () => {
    await Promise.all(workers.map(stopWorker));
    await redis?.stop();
    await pgv?.stop();
    await reference?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("SIGKILL one of three workers mid-unit: every id exactly once, vectors equal to one process", async () => {
    const inputs = await writeInputs(join(dir, "a.jsonl"), 240);
    workers = [spawnWorker(redis.url), spawnWorker(redis.url), spawnWorker(redis.url)];
    await Promise.all(workers.map((w) => w.waitFor(/worker ready/)));
    const sink = `${pgv.url}?table=job_vectors`;
    const job = await submitJob({
      url: redis.url,
      inputs: [join(dir, "a.jsonl")],
      sink,
      model: { model: MODEL, store: { offline: true } },
      unitTokens: 400,
      engine: reference,
    });
    assert.ok(job.units >= 6, `${job.units} units`);
    assert.match(job.manifest, /127\.0\.0\.1:\d+\/postgres table job_vectors$/);
    const victim = workers[0]!;
    const first = await victim.waitFor(/unit \w+\/(\d+) start/);
    await victim.waitFor(new RegExp(`unit \\w+/${first[1]} done`));
    const second = await victim.waitFor(new RegExp(`unit \\w+/(?!${first[1]}\\b)(\\d+) start`));
    victim.proc.kill("SIGKILL");
    await victim.exited;
    const killed = second[1]!;
    assert.ok(
      !victim.lines.some((l) => new RegExp(`unit \\w+/${killed} done`).test(l)),
      "killed before its unit was done",
    );

    const status = await waitForJob(redis.url, job.jobId);
    assert.equal(status.state, "done", JSON.stringify(status));
    assert.equal(status.records.done, inputs.length, "each unit counted once");
    assert.ok(
      workers.slice(1).some((w) => w.lines.some((l) => new RegExp(`unit ${job.jobId}/${killed} done`).test(l))),
      `unit ${killed} was finished by another worker`,
    );

    const rows = await pgv.query<{
      id: string;
      text: string;
      metadata: { position: number; job: string };
      embedding: string;
    }>(
      "SELECT id, text, metadata, embedding::text AS embedding FROM job_vectors ORDER BY (metadata->>'position')::int",
    );
    assert.ok(rows.every((r) => r.metadata.job === job.jobId));
    assert.deepEqual(
      rows.map((r) => r.text),
      inputs.map((t) => t.text),
    );
    assertSameAsReference(
      rows.map((r) => ({ id: r.id, position: r.metadata.position, embedding: JSON.parse(r.embedding) as number[] })),
      inputs,
      await reference.embedAll(inputs.map((t) => t.text)),
    );
    const settings = await pgv.query("SELECT model, dimension FROM embedkit_sinks WHERE table_name = 'job_vectors'");
    assert.deepEqual(settings, [{ model: MODEL, dimension: 384 }]);
  });

  test("a chunked (late) job into pgvector: one row per chunk, id doc#chunk, offsets and vectors as embedChunks", async () => {
    // Runs on the two workers the first test left alive.
    const docs = Array.from({ length: 12 }, (_, i) => ({
      id: `d${i}`,
      text: `Document ${i}. ${"The river runs past the mill and the old bridge. ".repeat(2 + (i % 4))}It ends here.`,
    }));
    await writeFile(join(dir, "c.jsonl"), docs.map((d) => JSON.stringify(d)).join("\n") + "\n");
    const chunking = { strategy: "late", size: 16 } as const;
    const job = await submitJob({
      url: redis.url,
      inputs: [join(dir, "c.jsonl")],
      sink: `${pgv.url}?table=job_chunks`,
      model: { model: MODEL, store: { offline: true } },
      chunking,
      unitTokens: 200,
      engine: reference,
    });
    const status = await waitForJob(redis.url, job.jobId);
    assert.equal(status.state, "done", JSON.stringify(status));
    const rows = await pgv.query<{
      id: string;
      doc_id: string;
      chunk_index: number;
      text: string;
      start_offset: number;
      end_offset: number;
      embedding: string;
    }>(
      "SELECT id, doc_id, chunk_index, text, start_offset, end_offset, embedding::text AS embedding FROM job_chunks ORDER BY doc_id, chunk_index",
    );
    const expected: {
      id: string;
      docId: string;
      index: number;
      text: string;
      start: number;
      end: number;
      vector: Float32Array;
    }[] = [];
    for await (const d of reference.embedChunks(docs, { chunking })) {
      for (const c of d.chunks) expected.push({ id: `${d.id}#${c.index}`, docId: String(d.id), ...c });
    }
    expected.sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : a.index - b.index));
    assert.ok(expected.length > docs.length, `${expected.length} chunks`);
    assert.deepEqual(
      rows.map((r) => [r.id, r.doc_id, r.chunk_index, r.text, r.start_offset, r.end_offset]),
      expected.map((e) => [e.id, e.docId, e.index, e.text, e.start, e.end]),
    );
    for (const [i, r] of rows.entries()) {
      const got = JSON.parse(r.embedding) as number[];
      const want = expected[i]!.vector;
      const diff = Math.max(...got.map((x, k) => Math.abs(x - want[k]!)));
      assert.ok(diff < 1e-5, `${r.id}: max |diff| ${diff}`);
    }
  });

  test("submitting into a table of another model, or an unreachable database, fails before anything is queued", async () => {
    await pgv.query(
      "INSERT INTO embedkit_sinks (table_name, model, dimension) VALUES ('other_model', 'BAAI/bge-small-en-v1.5', 384)",
    );
    const submit = (sink: string) =>
      submitJob({
        url: redis.url,
        inputs: [join(dir, "a.jsonl")],
        sink,
        model: { model: MODEL, store: { offline: true } },
        engine: reference,
      });
    for (const [sink, code] of [
      [`${pgv.url}?table=other_model`, "sink_settings_mismatch"],
      ["postgres://u@127.0.0.1:1/db", "database_unreachable"],
      [`${pgv.url}?table=Bad-Name`, "invalid_option"],
    ] as const) {
      await assert.rejects(submit(sink), (e) => isEmbedkitError(e) && e.code === code, sink);
    }
  });
});
