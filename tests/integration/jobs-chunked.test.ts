/**
 * Chunked bulk jobs and .npy shards, on a real redis-server with real worker processes and the
 * real all-MiniLM-L6-v2 (fp32). The reference is a single-process `embedkit embed --chunk` run
 * on the same documents: the job must hold every (id, chunk) exactly once, in order, with the
 * same offsets and texts and vectors within 1e-5, also after a worker is SIGKILLed mid-unit.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { parseNpy } from "../../src/jobs/npy-shard.js";
import { submitJob } from "../../src/jobs/submit-job.js";
import {
  assertSameAsReference,
  spawnCli,
  spawnWorker,
  startRedis,
  stopWorker,
  waitForJob,
  writeInputs,
  type TestRedis,
  type WorkerProcess,
} from "../helpers/jobs.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { run } from "../helpers/run-cli.js";

const MODEL = TEST_MODELS.miniLM;
const CHUNK = ["--chunk", "late", "--chunk-size", "32"];

interface ChunkLine {
  readonly id: unknown;
  readonly chunk: number;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly embedding: number[];
}

const WORDS = ["river", "market", "quantum", "garden", "engine", "violin", "harbor", "pepper", "glacier", "ledger"];

/** `n` documents of 3 to 10 sentences (several 32-token chunks each), ids `d000...`. */
async function writeDocuments(path: string, n: number): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const sentences: string[] = [];
    for (let s = 0; s < 3 + (i % 8); s++) {
      const w = (k: number): string => WORDS[(i * 7 + s * 5 + k * 3) % WORDS.length]!;
      sentences.push(`In part ${s} of note ${i} the ${w(1)} met the ${w(2)} beside a ${w(3)} and a ${w(4)}.`);
    }
    lines.push(JSON.stringify({ id: `d${String(i).padStart(3, "0")}`, text: sentences.join(" ") }));
  }
  await writeFile(path, lines.join("\n") + "\n");
}

const parseLines = (text: string): ChunkLine[] =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as ChunkLine);

interface Manifest {
  format: string;
  chunking?: { strategy: string; size?: number };
  units: { unit: number; file: string; ids?: string; first: number; records: number; rows?: number }[];
}

/** A job's rows in manifest order, from its JSON-lines or its .npy + ids files; exactly the manifest's files. */
async function readRows(dir: string): Promise<{ manifest: Manifest; rows: ChunkLine[] }> {
  const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
  const expected = manifest.units.flatMap((u) => (u.ids ? [u.file, u.ids] : [u.file])).sort();
  const files = (await readdir(dir)).filter((f) => f !== "manifest.json").sort();
  assert.deepEqual(files, expected, "the folder holds exactly the manifest's unit files");
  const rows: ChunkLine[] = [];
  for (const u of manifest.units) {
    if (manifest.format === "npy") {
      const m = parseNpy(await readFile(join(dir, u.file)), u.file);
      const ids = parseLines(await readFile(join(dir, u.ids!), "utf8"));
      assert.equal(m.rows, ids.length, `${u.file} has one row per line of ${u.ids}`);
      if (u.rows !== undefined) assert.equal(m.rows, u.rows);
      ids.forEach((l, i) => {
        assert.equal("embedding" in l, false, "the ids sidecar holds no vectors");
        rows.push({ ...l, embedding: Array.from(m.data.subarray(i * m.dim, (i + 1) * m.dim)) });
      });
    } else {
      rows.push(...parseLines(await readFile(join(dir, u.file), "utf8")));
    }
  }
  return { manifest, rows };
}

/** Every reference chunk exactly once, in order, same fields, vectors within 1e-5. */
function assertSameChunks(rows: ChunkLine[], reference: ChunkLine[]): void {
  const key = (r: ChunkLine): string => `${String(r.id)}#${r.chunk}`;
  assert.equal(new Set(rows.map(key)).size, rows.length, "no (id, chunk) twice");
  assert.deepEqual(
    rows.map((r) => ({ id: r.id, chunk: r.chunk, start: r.start, end: r.end, text: r.text })),
    reference.map((r) => ({ id: r.id, chunk: r.chunk, start: r.start, end: r.end, text: r.text })),
    "the same chunks in the same order",
  );
  let worst = 0;
  rows.forEach((r, i) => {
    const ref = reference[i]!.embedding;
    assert.equal(r.embedding.length, ref.length);
    for (let k = 0; k < ref.length; k++) worst = Math.max(worst, Math.abs(r.embedding[k]! - ref[k]!));
  });
  assert.ok(worst < 1e-5, `max |difference| to the single-process embed --chunk run is ${worst}`);
}

describe("chunked bulk jobs and .npy shards", { timeout: 400_000 }, () => {
  let dir: string;
  let redis: TestRedis;
  let docs: string;
  let reference: ChunkLine[];
  let workers: WorkerProcess[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-jobs-chunked-"));
    redis = await startRedis(join(dir, "redis"));
    docs = join(dir, "docs.jsonl");
    await writeDocuments(docs, 72);
    const ref = join(dir, "reference.jsonl");
    const r = await run(["embed", "--input", docs, "-o", ref, "-m", MODEL, ...CHUNK]);
    assert.equal(r.code, 0, r.stderr);
    reference = parseLines(await readFile(ref, "utf8"));
    assert.ok(reference.length >= 72 * 2, `${reference.length} chunks: documents of several chunks`);
    workers = [spawnWorker(redis.url), spawnWorker(redis.url), spawnWorker(redis.url)];
    await Promise.all(workers.map((w) => w.waitFor(/worker ready/)));
  });
  after(async () => {
    await Promise.all(workers.map(stopWorker));
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("SIGKILL one of three workers mid-unit of a chunked job: every (id, chunk) once, as embed --chunk", async () => {
    const job = await submitJob({
      url: redis.url,
      inputs: [docs],
      sink: join(dir, "out"),
      model: { model: MODEL, store: { offline: true } },
      chunking: { strategy: "late", size: 32 },
      unitTokens: 600,
    });
    assert.ok(job.units >= 9, `${job.units} units`);
    const victim = workers[0]!;
    const started = await victim.waitFor(new RegExp(`unit ${job.jobId}/(\\d+) start`));
    await victim.waitFor(new RegExp(`unit ${job.jobId}/${started[1]} done`));
    const second = await victim.waitFor(new RegExp(`unit ${job.jobId}/(?!${started[1]}\\b)(\\d+) start`));
    victim.proc.kill("SIGKILL");
    await victim.exited;
    const killedUnit = second[1]!;
    assert.ok(
      !victim.lines.some((l) => l.includes(`unit ${job.jobId}/${killedUnit} done`)),
      "the victim died before finishing its unit",
    );
    const status = await waitForJob(redis.url, job.jobId);
    assert.equal(status.state, "done", JSON.stringify(status));
    assert.equal(status.records.done, 72, "each document counted once");
    assert.deepEqual(status.chunking, { strategy: "late", size: 32 }, "the chunking settings are in the job spec");
    assert.ok(
      workers.slice(1).some((w) => w.lines.some((l) => l.includes(`unit ${job.jobId}/${killedUnit} done`))),
      `unit ${killedUnit} was finished by another worker`,
    );
    const { manifest, rows } = await readRows(status.output);
    assert.equal(manifest.format, "jsonl");
    assert.deepEqual(manifest.chunking, { strategy: "late", size: 32 });
    assert.deepEqual(Object.keys(rows[0]!), ["id", "chunk", "start", "end", "text", "embedding"]);
    assertSameChunks(rows, reference);
  });

  test("job submit --chunk late --format npy: .npy shards + ids sidecars read back equal the JSON lines", async () => {
    const submitter = spawnCli([
      "job",
      "submit",
      "--redis",
      redis.url,
      "--input",
      docs,
      "--sink",
      join(dir, "out"),
      "-m",
      MODEL,
      "--unit-tokens",
      "600",
      "--format",
      "npy",
      ...CHUNK,
    ]);
    const printed = await submitter.waitFor(/^job ([0-9a-f]+)$/);
    assert.equal(await submitter.exited, 0);
    const status = await waitForJob(redis.url, printed[1]!);
    assert.equal(status.state, "done", JSON.stringify(status));
    assert.equal(status.format, "npy");
    const { manifest, rows } = await readRows(status.output);
    assert.equal(manifest.format, "npy");
    assert.ok(manifest.units.every((u) => u.file.endsWith(".npy") && u.ids!.endsWith(".ids.jsonl")));
    assertSameChunks(rows, reference);
    const shown = spawnCli(["job", "status", printed[1]!, "--redis", redis.url]);
    assert.equal(await shown.exited, 0);
    assert.ok(
      shown.lines.some((l) => /read .*manifest\.json lists each unit's \.npy/.test(l)),
      shown.lines.join("\n"),
    );
    assert.ok(
      shown.lines.includes("  chunking late, by sentences, size 32, overlap 0; one row per chunk"),
      shown.lines.join("\n"),
    );
  });

  test("an unchunked job as .npy: rows in input order, equal to a single-process run", async () => {
    const inputs = await writeInputs(join(dir, "plain.jsonl"), 90);
    let engine: TextEmbedding | undefined;
    try {
      engine = await openTestModel(MODEL);
      const job = await submitJob({
        url: redis.url,
        inputs: [join(dir, "plain.jsonl")],
        sink: join(dir, "out"),
        model: { model: MODEL, store: { offline: true } },
        engine,
        format: "npy",
        unitTokens: 400,
      });
      const status = await waitForJob(redis.url, job.jobId);
      assert.equal(status.state, "done", JSON.stringify(status));
      const { manifest, rows } = await readRows(status.output);
      assert.ok(manifest.units.length >= 3, `${manifest.units.length} units`);
      assert.ok(manifest.units.every((u) => u.rows === u.records));
      const lines = rows.map((r) => r as unknown as { id: unknown; position: number; embedding: number[] });
      assertSameAsReference(lines, inputs, await engine.embedAll(inputs.map((t) => t.text)));
    } finally {
      await engine?.dispose();
    }
  });

  test("naive chunking with --dimensions as .npy: (rows, 128) shards equal embed --chunk naive --dimensions 128", async () => {
    const few = join(dir, "few.jsonl");
    await writeDocuments(few, 12);
    const flags = ["--chunk", "naive", "--chunk-size", "24", "--dimensions", "128"];
    const ref = join(dir, "few-reference.jsonl");
    const r = await run(["embed", "--input", few, "-o", ref, "-m", MODEL, ...flags]);
    assert.equal(r.code, 0, r.stderr);
    const naive = parseLines(await readFile(ref, "utf8"));
    assert.equal(naive[0]!.embedding.length, 128);
    const submitter = spawnCli([
      ...["job", "submit", "--redis", redis.url, "--input", few, "--sink", join(dir, "out"), "-m", MODEL],
      ...["--unit-tokens", "300", "--format", "npy", ...flags],
    ]);
    const printed = await submitter.waitFor(/^job ([0-9a-f]+)$/);
    assert.equal(await submitter.exited, 0);
    const status = await waitForJob(redis.url, printed[1]!);
    assert.equal(status.state, "done", JSON.stringify(status));
    assert.deepEqual(status.chunking, { strategy: "naive", size: 24 });
    const { manifest, rows } = await readRows(status.output);
    assert.ok(manifest.units.length >= 2, `${manifest.units.length} units`);
    const first = parseNpy(await readFile(join(status.output, manifest.units[0]!.file)));
    assert.equal(first.dim, 128);
    assertSameChunks(rows, naive);
  });
});
