/**
 * Bulk jobs given bad input: each case is a typed error (stable code, message naming the thing,
 * structured details) or a unit in the failed set, and the rest keeps working. Real
 * redis-server, real worker (in this process), real all-MiniLM-L6-v2.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { main } from "../../src/cli/main.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { isEmbedkitError } from "../../src/errors.js";
import { cancelJob, getJobStatus, retryFailedUnits } from "../../src/jobs/job-status.js";
import { runWorker, type WorkerHandle } from "../../src/jobs/run-worker.js";
import { submitJob, type SubmitJobOptions } from "../../src/jobs/submit-job.js";
import {
  assertSameAsReference,
  readJobOutput,
  startRedis,
  waitForJob,
  writeInputs,
  type TestRedis,
} from "../helpers/jobs.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const MODEL = TEST_MODELS.miniLM;

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on("data", (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on("data", (c: Buffer) => err.push(c));
  const code = await main(argv, {
    stdin: Readable.from([]),
    stdout,
    stderr,
    env: { ...process.env, EMBEDKIT_OFFLINE: "1" },
  });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

describe("bulk jobs: bad input", { timeout: 300_000 }, () => {
  let dir: string;
  let redis: TestRedis;
  let engine: TextEmbedding;
  let worker: WorkerHandle | undefined;
  const logs: string[] = [];

  const base = (): Pick<SubmitJobOptions, "url" | "sink" | "engine" | "model"> => ({
    url: redis.url,
    sink: join(dir, "out"),
    engine,
    model: { model: MODEL, store: { offline: true } },
  });
  const startWorker = async (): Promise<WorkerHandle> =>
    (worker = await runWorker({
      url: redis.url,
      metricsPort: 0,
      lockDurationMs: 10_000,
      model: { store: { offline: true }, intraOpThreads: 1 },
      log: (l) => logs.push(l),
    }));
  const stopWorker = async (): Promise<void> => {
    await worker?.close();
    worker = undefined;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-jobs-bad-"));
    redis = await startRedis(join(dir, "redis"));
    engine = await openTestModel(MODEL);
  });
  after(async () => {
    await stopWorker();
    await redis?.stop();
    await engine?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("unreachable Redis: queue_unreachable naming the URL, after a bounded wait", async () => {
    const url = "redis://127.0.0.1:1"; // nothing listens on port 1
    const t0 = Date.now();
    await assert.rejects(
      submitJob({ ...base(), url, waitMs: 600, inputs: [join(dir, "none.jsonl")] }),
      (e: unknown) =>
        isEmbedkitError(e, "queue_unreachable") &&
        e.message.includes("redis://127.0.0.1:1") &&
        e.details["waitMs"] === 600,
    );
    assert.ok(Date.now() - t0 < 5000, `gave up after ${Date.now() - t0} ms`);
    await assert.rejects(runWorker({ url, waitMs: 300 }), (e: unknown) => isEmbedkitError(e, "queue_unreachable"));
    const r = await cli(["job", "status", "abc", "--redis", url, "--redis-wait-ms", "300"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[queue_unreachable\].*redis:\/\/127\.0\.0\.1:1/);
    await assert.rejects(
      getJobStatus({ url: "http://127.0.0.1:6379", jobId: "x" }),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && e.details["field"] === "redis",
    );
  });

  test("a job id that does not exist: job_not_found for status, retry and cancel", async () => {
    for (const verb of [getJobStatus, retryFailedUnits, cancelJob]) {
      await assert.rejects(
        verb({ url: redis.url, jobId: "0123456789ab" }),
        (e: unknown) => isEmbedkitError(e, "job_not_found") && e.message.includes('"0123456789ab"'),
      );
    }
    const r = await cli(["job", "status", "nosuchjob", "--redis", redis.url]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[job_not_found\]: no job with id "nosuchjob"/);
  });

  test("a missing, unreadable or unsplittable shard at submission: typed error, nothing queued", async () => {
    const client = new Redis(redis.url);
    try {
      const keysBefore = await client.keys("embedkit:job:*");
      await writeInputs(join(dir, "ok.jsonl"), 5);
      const missing = join(dir, "missing.jsonl");
      await assert.rejects(
        submitJob({ ...base(), inputs: [join(dir, "ok.jsonl"), missing] }),
        (e: unknown) =>
          isEmbedkitError(e, "input_file_unreadable") && e.message.includes(missing) && e.details["errno"] === "ENOENT",
      );
      await mkdir(join(dir, "a-folder.jsonl"));
      await assert.rejects(
        submitJob({ ...base(), inputs: [join(dir, "a-folder.jsonl")] }),
        (e: unknown) => isEmbedkitError(e, "input_file_unreadable") && e.message.includes("a-folder.jsonl"),
      );
      await writeFile(join(dir, "array.json"), "[]");
      await assert.rejects(
        submitJob({ ...base(), inputs: [join(dir, "array.json")] }),
        (e: unknown) => isEmbedkitError(e, "invalid_option") && e.message.includes("array.json"),
      );
      await writeFile(join(dir, "a-file"), "");
      await assert.rejects(
        submitJob({ ...base(), sink: join(dir, "a-file", "sub"), inputs: [join(dir, "ok.jsonl")] }),
        (e: unknown) => isEmbedkitError(e, "sink_write_failed") && e.details["errno"] === "ENOTDIR",
      );
      assert.deepEqual(await client.keys("embedkit:job:*"), keysBefore, "no job was recorded");
      assert.equal(await client.zcard("bull:embedkit-units:wait"), 0);
      assert.equal(await client.llen("bull:embedkit-units:wait"), 0);
    } finally {
      client.disconnect();
    }
  });

  test("bad records in the middle: their units fail at once with the position; the rest is done", async () => {
    const inputs = await writeInputs(join(dir, "bad.jsonl"), 100);
    const lines = inputs.map((t) => JSON.stringify(t));
    lines[10] = '{"id": "t0010", "text": '; // not JSON
    lines[70] = JSON.stringify({ id: "t0070", text: "word ".repeat(700) }); // > 512 tokens, --no-truncate
    await writeFile(join(dir, "bad.jsonl"), lines.join("\n") + "\n");
    const job = await submitJob({
      ...base(),
      inputs: [join(dir, "bad.jsonl")],
      model: { model: MODEL, store: { offline: true }, truncate: false },
      unitTokens: 400,
    });
    assert.deepEqual(
      job.badRecords.map((b) => [b.position, b.line]),
      [[10, 11]],
    );
    const w = await startWorker();
    const s = await waitForJob(redis.url, job.jobId);
    const metrics = await (await fetch(w.metricsUrl!)).text();
    await stopWorker();
    assert.match(metrics, new RegExp(`^embedkit_worker_units_total\\{outcome="done"\\} ${job.units - 2}$`, "m"));
    assert.match(metrics, /^embedkit_worker_units_total\{outcome="failed"\} 2$/m);
    assert.match(metrics, /^embedkit_worker_records_total \d+$/m);
    assert.equal(s.state, "done_with_failures");
    assert.equal(s.units.failed, 2);
    assert.equal(s.units.done, job.units - 2);
    const [a, b] = s.failedUnits;
    assert.equal(a!.code, "invalid_input");
    assert.equal(a!.details["position"], 10);
    assert.equal(a!.details["line"], 11);
    assert.match(a!.message, /record at position 10 \(line 11 of .*bad\.jsonl\).*not valid JSON/);
    assert.equal(b!.code, "input_too_long");
    assert.equal(b!.details["position"], 70);
    assert.match(b!.message, /record at position 70/);
    for (const u of [a!, b!]) {
      const tries = logs.filter((l) => l.includes(`unit ${job.jobId}/${u.unit} start`));
      assert.equal(tries.length, 1, "an input error is not retried");
    }
    const files = await readdir(s.output);
    assert.equal(files.filter((f) => f.endsWith(".jsonl")).length, job.units - 2);
    const r = await cli(["job", "status", job.jobId, "--redis", redis.url]);
    assert.match(r.stdout, /done_with_failures/);
    assert.match(r.stdout, /failed +unit \d+: \[invalid_input\] record at position 10/);
  });

  test("a shard gone after submission: the unit is retried, then failed; `retry --failed` finishes it", async () => {
    const inputs = await writeInputs(join(dir, "moved.jsonl"), 60);
    const job = await submitJob({
      ...base(),
      inputs: [join(dir, "moved.jsonl")],
      unitTokens: 400,
      attempts: 2,
      backoffMs: 100,
    });
    await rename(join(dir, "moved.jsonl"), join(dir, "moved.away")); // keeps size and mtime
    await startWorker();
    const failed = await waitForJob(redis.url, job.jobId);
    assert.equal(failed.units.failed, job.units);
    assert.equal(failed.failedUnits[0]!.code, "input_file_unreadable");
    assert.match(failed.failedUnits[0]!.message, /moved\.jsonl/);
    const tries = logs.filter((l) => l.includes(`unit ${job.jobId}/0 start`));
    assert.equal(tries.length, 2, "tried `attempts` times");
    await rename(join(dir, "moved.away"), join(dir, "moved.jsonl"));
    const r = await cli(["job", "retry", job.jobId, "--failed", "--redis", redis.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${job.units} failed units queued again`));
    const done = await waitForJob(redis.url, job.jobId);
    await stopWorker();
    assert.equal(done.state, "done");
    assertSameAsReference(await readJobOutput(done.output), inputs, await engine.embedAll(inputs.map((t) => t.text)));
  });

  test("a sink that refuses writes: the unit fails and is retried; nothing half-written counts as done", async () => {
    const inputs = await writeInputs(join(dir, "sink.jsonl"), 60);
    const job = await submitJob({
      ...base(),
      inputs: [join(dir, "sink.jsonl")],
      unitTokens: 400,
      attempts: 8,
      backoffMs: 300,
    });
    const out = join(dir, "out", job.jobId);
    const manifest = await readFile(join(out, "manifest.json"));
    await rm(out, { recursive: true });
    await writeFile(out, "not a folder"); // every write under it fails with ENOTDIR
    await startWorker();
    const deadline = Date.now() + 60_000;
    while (!logs.some((l) => l.includes(`unit ${job.jobId}/`) && l.includes("will be retried: [sink_write_failed]"))) {
      assert.ok(Date.now() < deadline, `no sink failure logged:\n${logs.join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const during = await getJobStatus({ url: redis.url, jobId: job.jobId });
    assert.equal(during.units.done, 0, "a unit whose write failed is not done");
    assert.equal(during.records.done, 0);
    await rm(out);
    await mkdir(out);
    await writeFile(join(out, "manifest.json"), manifest);
    const done = await waitForJob(redis.url, job.jobId);
    await stopWorker();
    assert.equal(done.state, "done");
    assert.equal(done.records.done, inputs.length);
    assert.ok(!(await readdir(out)).some((f) => f.endsWith(".tmp")), "no temporary file left behind");
    assertSameAsReference(await readJobOutput(out), inputs, await engine.embedAll(inputs.map((t) => t.text)));
  });

  test("cancel: waiting units are removed and the job reads cancelled", async () => {
    await writeInputs(join(dir, "cancel.jsonl"), 60);
    const job = await submitJob({ ...base(), inputs: [join(dir, "cancel.jsonl")], unitTokens: 200 });
    const r = await cli(["job", "cancel", job.jobId, "--redis", redis.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${job.units} waiting units removed`));
    const s = await getJobStatus({ url: redis.url, jobId: job.jobId });
    assert.equal(s.state, "cancelled");
    assert.equal(s.units.done, 0);
  });

  test("chunking and format options: typed errors naming the option, before anything is queued", async () => {
    await writeInputs(join(dir, "opts.jsonl"), 5);
    const client = new Redis(redis.url);
    try {
      const keysBefore = await client.keys("embedkit:job:*");
      const inputs = [join(dir, "opts.jsonl")];
      const refused = async (options: Partial<SubmitJobOptions>, field: string, text: RegExp): Promise<void> =>
        assert.rejects(
          submitJob({ ...base(), inputs, ...options }),
          (e: unknown) => isEmbedkitError(e, "invalid_option") && e.details["field"] === field && text.test(e.message),
        );
      await refused(
        { chunking: { strategy: "early" as "late" } },
        "chunking.strategy",
        /chunking\.strategy must be one of late, naive, got "early"/,
      );
      await refused({ chunking: { strategy: "naive", size: 600 } }, "chunking.size", /at most 254.*got 600/);
      await refused({ chunking: { strategy: "late", size: 64, overlap: 64 } }, "chunking.overlap", /got 64/);
      await refused({ chunking: { strategy: "late" }, promptName: "query" }, "promptName", /passage prompt/);
      await refused({ format: "parquet" as "npy" }, "format", /format must be jsonl or npy, got "parquet"/);
      const argv = ["job", "submit", "--redis", redis.url, "--input", inputs[0]!, "--sink", join(dir, "out")];
      for (const [flags, message] of [
        [["--chunk", "early"], /--chunk must be late or naive, got "early"/],
        [["--chunk-size", "32"], /--chunk-size needs --chunk late\|naive/],
        [["--chunk", "late", "--chunk-size", "ten"], /--chunk-size/],
        [["--format", "csv"], /format must be jsonl or npy, got "csv"/],
      ] as const) {
        const r = await cli([...argv, "-m", MODEL, ...flags]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /\[invalid_option\]/);
        assert.match(r.stderr, message);
      }
      assert.deepEqual(await client.keys("embedkit:job:*"), keysBefore, "no job was recorded");
    } finally {
      client.disconnect();
    }
  });

  test("an npy sink that refuses the matrix: the unit is retried; a lone ids sidecar is not done", async () => {
    const inputs = await writeInputs(join(dir, "npy.jsonl"), 40);
    const job = await submitJob({
      ...base(),
      inputs: [join(dir, "npy.jsonl")],
      format: "npy",
      unitTokens: 400,
      attempts: 8,
      backoffMs: 300,
    });
    const out = join(dir, "out", job.jobId);
    await mkdir(join(out, "unit-000000.npy")); // the rename of unit 0's matrix fails (EISDIR)
    await startWorker();
    const deadline = Date.now() + 60_000;
    while (!logs.some((l) => l.includes(`unit ${job.jobId}/0 will be retried: [sink_write_failed]`))) {
      assert.ok(Date.now() < deadline, `no sink failure logged:\n${logs.join("\n")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const during = await getJobStatus({ url: redis.url, jobId: job.jobId });
    assert.equal(during.failedUnits.length, 0, "a write failure is retried, not failed at once");
    assert.ok((await readdir(out)).includes("unit-000000.ids.jsonl"), "the sidecar was written before the matrix");
    const client = new Redis(redis.url);
    try {
      assert.equal(
        await client.hexists(`embedkit:job:${job.jobId}:done`, "0"),
        0,
        "unit 0 is not done without its matrix",
      );
    } finally {
      client.disconnect();
    }
    await rm(join(out, "unit-000000.npy"), { recursive: true });
    const done = await waitForJob(redis.url, job.jobId);
    await stopWorker();
    assert.equal(done.state, "done");
    assert.equal(done.records.done, inputs.length);
    const files = await readdir(out);
    assert.ok(!files.some((f) => f.endsWith(".tmp")), "no temporary file left behind");
    assert.equal(files.filter((f) => f.endsWith(".npy")).length, job.units);
  });

  test("a chunked job with a document the tokenizer refuses: that unit fails with its position; the rest is done", async () => {
    const inputs = await writeInputs(join(dir, "docs-bad.jsonl"), 30);
    const lines = inputs.map((t) => JSON.stringify(t));
    lines[12] = '{"id": "t0012", "text": "half a pair \\ud800 here"}'; // valid JSON, a lone surrogate
    await writeFile(join(dir, "docs-bad.jsonl"), lines.join("\n") + "\n");
    const job = await submitJob({
      ...base(),
      inputs: [join(dir, "docs-bad.jsonl")],
      chunking: { strategy: "late", size: 8 },
      unitTokens: 150,
    });
    assert.deepEqual(
      job.badRecords.map((b) => [b.position, b.line]),
      [[12, 13]],
    );
    assert.match(job.badRecords[0]!.message, /line 13 of .*docs-bad\.jsonl is not valid UTF-16/);
    await startWorker();
    const s = await waitForJob(redis.url, job.jobId);
    await stopWorker();
    assert.equal(s.state, "done_with_failures");
    assert.equal(s.units.failed, 1);
    assert.equal(s.units.done, job.units - 1);
    const f = s.failedUnits[0]!;
    assert.equal(f.code, "invalid_input");
    assert.equal(f.details["position"], 12);
    assert.equal(f.details["line"], 13);
    assert.match(f.message, /record at position 12 \(line 13 of .*docs-bad\.jsonl\).*not valid UTF-16/);
  });
});
