/**
 * Bulk jobs under faults, on a real redis-server (private port, own data dir, AOF on) with real
 * worker processes and the real all-MiniLM-L6-v2 (fp32). Each time the finished job must hold
 * every input record's vector exactly once, in input order, equal to a single-process run.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { submitJob } from "../../src/jobs/submit-job.js";
import {
  assertSameAsReference,
  readJobOutput,
  spawnCli,
  spawnWorker,
  startRedis,
  stopWorker,
  waitForJob,
  writeInputs,
  type InputText,
  type TestRedis,
  type WorkerProcess,
} from "../helpers/jobs.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const MODEL = TEST_MODELS.miniLM;
const UNIT_TOKENS = "400"; // ~30 short records per unit

describe("bulk jobs survive faults", { timeout: 400_000 }, () => {
  let dir: string;
  let redis: TestRedis;
  let reference: TextEmbedding;
  let workers: WorkerProcess[] = [];

  async function referenceVectors(inputs: InputText[]): Promise<Float32Array[]> {
    return reference.embedAll(inputs.map((t) => t.text));
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-jobs-faults-"));
    redis = await startRedis(join(dir, "redis"));
    reference = await openTestModel(MODEL);
  });
  after(async () => {
    await Promise.all(workers.map(stopWorker));
    await redis?.stop();
    await reference?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("SIGKILL one of three workers mid-unit: its unit is taken over after the lock expires", async () => {
    const inputs = await writeInputs(join(dir, "a.jsonl"), 360);
    workers = [spawnWorker(redis.url), spawnWorker(redis.url), spawnWorker(redis.url)];
    await Promise.all(workers.map((w) => w.waitFor(/worker ready/)));
    const job = await submitJob({
      url: redis.url,
      inputs: [join(dir, "a.jsonl")],
      sink: join(dir, "out"),
      model: { model: MODEL, store: { offline: true } },
      unitTokens: Number(UNIT_TOKENS),
      engine: reference,
    });
    assert.ok(job.units >= 9, `${job.units} units`);
    const victim = workers[0]!;
    // Kill it while it computes its second unit (the first one includes the model load).
    const started = await victim.waitFor(/unit \w+\/(\d+) start/);
    await victim.waitFor(new RegExp(`unit \\w+/${started[1]} done`));
    const second = await victim.waitFor(new RegExp(`unit \\w+/(?!${started[1]}\\b)(\\d+) start`));
    victim.proc.kill("SIGKILL");
    await victim.exited;
    const killedUnit = second[1]!;
    assert.ok(
      !victim.lines.some((l) => new RegExp(`unit \\w+/${killedUnit} done`).test(l)),
      "the victim died before finishing its unit",
    );
    const status = await waitForJob(redis.url, job.jobId);
    assert.equal(status.state, "done", JSON.stringify(status));
    assert.equal(status.units.done, job.units);
    assert.equal(status.records.done, inputs.length, "each unit counted once");
    const takenOver = workers
      .slice(1)
      .some((w) => w.lines.some((l) => new RegExp(`unit ${job.jobId}/${killedUnit} done`).test(l)));
    assert.ok(takenOver, `unit ${killedUnit} was finished by another worker`);
    assertSameAsReference(await readJobOutput(status.output), inputs, await referenceVectors(inputs));
  });

  test("Redis killed and restarted mid-job (AOF on): the job finishes from the replayed state", async () => {
    const inputs = await writeInputs(join(dir, "b.jsonl"), 300, 1000);
    const job = await submitJob({
      url: redis.url,
      inputs: [join(dir, "b.jsonl")],
      sink: join(dir, "out"),
      model: { model: MODEL, store: { offline: true } },
      unitTokens: Number(UNIT_TOKENS),
      engine: reference,
    });
    await waitForJob(redis.url, job.jobId, (s) => s.units.done >= 2);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1500)); // workers see the outage, their commands wait
    await redis.start();
    const status = await waitForJob(redis.url, job.jobId);
    assert.equal(status.state, "done", JSON.stringify(status));
    assert.equal(status.records.done, inputs.length);
    assertSameAsReference(await readJobOutput(status.output), inputs, await referenceVectors(inputs));
  });

  test("the submitting process killed right after submission: the workers finish the job", async () => {
    const inputs = await writeInputs(join(dir, "c.jsonl"), 300, 2000);
    const submitter = spawnCli([
      "job",
      "submit",
      "--redis",
      redis.url,
      "--input",
      join(dir, "c.jsonl"),
      "--sink",
      join(dir, "out"),
      "-m",
      MODEL,
      "--unit-tokens",
      UNIT_TOKENS,
    ]);
    const printed = await submitter.waitFor(/^job ([0-9a-f]+)$/);
    submitter.proc.kill("SIGKILL");
    await submitter.exited;
    const status = await waitForJob(redis.url, printed[1]!);
    assert.equal(status.state, "done", JSON.stringify(status));
    assertSameAsReference(await readJobOutput(status.output), inputs, await referenceVectors(inputs));
  });

  test("SIGTERM drains: the running unit is finished and written, then the worker exits 0", async () => {
    const live = workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
    assert.ok(live.length >= 1);
    const inputs = await writeInputs(join(dir, "d.jsonl"), 150, 3000);
    const job = await submitJob({
      url: redis.url,
      inputs: [join(dir, "d.jsonl")],
      sink: join(dir, "out"),
      model: { model: MODEL, store: { offline: true } },
      unitTokens: Number(UNIT_TOKENS),
      engine: reference,
    });
    const w = live[0]!;
    const started = await w.waitFor(new RegExp(`unit ${job.jobId}/(\\d+) start`));
    w.proc.kill("SIGTERM");
    assert.equal(await w.exited, 0);
    assert.ok(
      w.lines.some((l) => new RegExp(`unit ${job.jobId}/${started[1]} done`).test(l)),
      "the unit running at SIGTERM was finished",
    );
    const after = w.lines.slice(w.lines.findIndex((l) => /SIGTERM received/.test(l)));
    assert.ok(!after.some((l) => / start \(/.test(l)), "no unit started after SIGTERM");
    const status = await waitForJob(redis.url, job.jobId);
    assert.equal(status.state, "done");
    assertSameAsReference(await readJobOutput(status.output), inputs, await referenceVectors(inputs));
  });
});
