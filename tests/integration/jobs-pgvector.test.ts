/**
 * Bulk jobs into the Postgres sink, under a fault: real redis-server, real worker processes, real
 * pgvector (PGlite 0.4.6 over the wire protocol) and the real all-MiniLM-L6-v2 (fp32). One of
 * three workers is SIGKILLed mid-unit (its open transaction is rolled back by the server); the
 * finished job holds every input record exactly once, with vectors equal to a single-process run.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
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
