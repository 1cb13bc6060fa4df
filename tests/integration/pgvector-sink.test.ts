/**
 * PgVectorSink against real pgvector (PGlite 0.4.6 + pgvector 0.8.1 over the Postgres wire
 * protocol, pglite-socket on loopback) with the real BAAI/bge-small-en-v1.5 (fp32): vectors are
 * stored bit-exact, search order equals brute-force cosine, re-running an ingest changes
 * nothing, chunks carry their offsets, documents are replaced and deleted whole, the HNSW index
 * is built with the options given, an ingest SIGKILLed mid-way leaves whole documents only and its
 * re-run completes them exactly once, and every bad input is a typed error that leaves the sink usable.
 * On the same database, `embedkit index add|search postgres://...` in-process with int8 MiniLM:
 * rows and vectors as ingest() writes them, late chunks as embedChunks gives them, search equal to
 * PgVectorSink.search with the table's model, and the CLI's refusals (unreachable: exit 2).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import { ingest } from "../../src/sinks/ingest.js";
import { PgVectorSink } from "../../src/sinks/postgres/pg-vector-sink.js";
import { REPO } from "../helpers/jobs.js";
import { closedPort } from "../helpers/fake-hub.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { rejects } from "../helpers/typed-errors.js";
import { generatedDocuments, KILL_INGEST_CHUNKING } from "../helpers/pg-ingest-docs.js";
import { startPgvector, type TestPgvector } from "../helpers/pgvector.js";
import { run } from "../helpers/run-cli.js";

const MODEL = TEST_MODELS.bgeSmallEn;
const DIM = 384;

const RECORDS = [
  {
    id: "keys",
    text: "Rotate the API keys every ninety days and revoke the old ones.",
    metadata: { lang: "en", topic: "security" },
  },
  { id: "backup", text: "Backups run nightly and are kept for thirty days.", metadata: { lang: "en", topic: "ops" } },
  {
    id: "deploy",
    text: "Deployments go out on Tuesdays after the release review.",
    metadata: { lang: "en", topic: "ops" },
  },
  { id: "tee", text: "Le thé vert se boit sans sucre.", metadata: { lang: "fr", topic: "food" } },
  { id: 7, text: "Passwords must be at least sixteen characters long.", metadata: { lang: "en", topic: "security" } },
];

const LONG = Array.from(
  { length: 12 },
  (_, i) =>
    `Section ${i + 1}. The service stores its settings in a file that operators edit by hand, and each change is reviewed.`,
).join(" ");

const COUNT = 60;
const TABLE = "killed_ingest";

const parseVector = (s: string): Float32Array => Float32Array.from(JSON.parse(s) as number[]);

const Q = ["-q", "int8"];
const M = ["-m", TEST_MODELS.miniLM, ...Q];
const CLI_DOCS = [
  { id: "keys", text: "Rotate the API keys every ninety days from the security console.", metadata: { lang: "en" } },
  { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en" } },
  { id: "pain", text: "Le pain se fait avec de la farine, de l'eau et du sel.", metadata: { lang: "fr" } },
  { id: 7, text: "Tides rise and fall twice a day along the harbour.", metadata: { lang: "en" } },
];
const CLI_LONG = Array.from({ length: 10 }, (_, i) => `Paragraph ${i} is about subject ${i} and only that.`).join(" ");
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const cliVector = (s: string) => (JSON.parse(s) as number[]).map(Number);

describe("PgVectorSink on real pgvector over the wire protocol", { timeout: 360_000 }, () => {
  let pgv: TestPgvector;
  let model: TextEmbedding;
  let sink: PgVectorSink;

  before(async () => {
    pgv = await startPgvector();
    model = await openTestModel(MODEL);
    sink = await PgVectorSink.open({ url: pgv.url, table: "docs", model: MODEL, dimension: DIM });
  });
  after(async () => {
    await sink?.close();
    await model?.dispose();
    await pgv?.stop();
  });

  test("open installs pgvector, creates the table and its settings row", async () => {
    assert.equal(sink.vectorVersion, "0.8.1");
    const settings = await pgv.query<{ model: string; dimension: number }>(
      "SELECT model, dimension FROM embedkit_sinks WHERE table_name = 'docs'",
    );
    assert.deepEqual(settings, [{ model: MODEL, dimension: DIM }]);
    const cols = await pgv.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'docs' ORDER BY ordinal_position",
    );
    assert.deepEqual(
      cols.map((c) => c.column_name),
      ["id", "doc_id", "chunk_index", "text", "start_offset", "end_offset", "metadata", "content_hash", "embedding"],
    );
    // Opening again with the same settings is fine.
    const again = await PgVectorSink.open({ url: pgv.url, table: "docs", model: MODEL, dimension: DIM });
    await again.close();
  });

  test("ingest stores bit-exact vectors; re-running changes nothing; a changed record is rewritten", async () => {
    const first = await ingest(sink, RECORDS, { model });
    assert.deepEqual(first, { documents: 5, written: 5, unchanged: 0, rows: 5 });
    const expected = await model.passageEmbed(RECORDS.map((r) => r.text));
    const stored = await pgv.query<{
      id: string;
      embedding: string;
      text: string;
      start_offset: number;
      end_offset: number;
    }>("SELECT id, embedding::text AS embedding, text, start_offset, end_offset FROM docs ORDER BY id");
    assert.equal(stored.length, 5);
    for (const row of stored) {
      const i = RECORDS.findIndex((r) => String(r.id) === row.id);
      assert.deepEqual(parseVector(row.embedding), expected[i], `vector of ${row.id}`);
      assert.equal(row.text, RECORDS[i]!.text);
      assert.equal(row.end_offset, RECORDS[i]!.text.length);
    }
    const before = await pgv.query<{ xmin: string }>("SELECT xmin::text FROM docs ORDER BY id");
    const rerun = await ingest(sink, RECORDS, { model });
    assert.deepEqual(rerun, { documents: 5, written: 0, unchanged: 5, rows: 0 });
    assert.deepEqual(await pgv.query("SELECT xmin::text FROM docs ORDER BY id"), before, "no row was touched");

    const changed = RECORDS.map((r) => (r.id === "backup" ? { ...r, text: "Backups run hourly now." } : r));
    assert.deepEqual(await ingest(sink, changed, { model }), { documents: 5, written: 1, unchanged: 4, rows: 1 });
    assert.deepEqual(await sink.count(), { rows: 5, documents: 5 });
    await ingest(sink, RECORDS, { model });
  });

  test("search ranks as brute-force cosine does, with jsonb equality filters", async () => {
    const query = await model.queryEmbed("how often should I rotate my keys?");
    const hits = await sink.search(query, { topK: 5 });
    const docs = await model.passageEmbed(RECORDS.map((r) => r.text));
    const exact = RECORDS.map((r, i) => ({ id: String(r.id), score: cosineSimilarity(query, docs[i]!) })).sort(
      (a, b) => b.score - a.score,
    );
    assert.deepEqual(
      hits.map((h) => h.id),
      exact.map((e) => e.id),
    );
    for (const [i, h] of hits.entries()) assert.ok(Math.abs(h.score - exact[i]!.score) < 1e-5, `score of ${h.id}`);
    assert.equal(hits[0]!.id, "keys");
    assert.deepEqual(hits[0]!.metadata, { lang: "en", topic: "security" });

    const ops = await sink.search(query, { topK: 5, filter: { topic: "ops" } });
    assert.deepEqual(ops.map((h) => h.id).sort(), ["backup", "deploy"]);
    const none = await sink.search(query, { filter: { topic: "x'); DROP TABLE docs; --" } });
    assert.deepEqual(none, []);
    assert.equal((await sink.count()).rows, 5, "a filter value is a parameter, never SQL");
  });

  test("late and naive chunking store chunk rows with offsets; a document is replaced and deleted whole", async () => {
    const chunked = await PgVectorSink.open({ url: pgv.url, table: "chunks", model: MODEL, dimension: DIM });
    try {
      const docs = [{ id: "long", text: LONG, metadata: { kind: "manual" } }, ...RECORDS.slice(0, 2)];
      const chunk = { strategy: "late" as const, by: "tokens" as const, size: 32 };
      const result = await ingest(chunked, docs, { model, chunk });
      const reference: {
        id: string | number;
        chunks: { text: string; start: number; end: number; vector: Float32Array }[];
      }[] = [];
      for await (const d of model.embedChunks(
        docs.map((d) => ({ id: d.id, text: d.text })),
        { chunking: chunk },
      )) {
        reference.push(d);
      }
      const total = reference.reduce((n, d) => n + d.chunks.length, 0);
      assert.ok(reference[0]!.chunks.length > 3, "the long document is split");
      assert.equal(result.rows, total);
      const rows = await pgv.query<{
        id: string;
        doc_id: string;
        chunk_index: number;
        text: string;
        start_offset: number;
        end_offset: number;
        embedding: string;
      }>(
        "SELECT id, doc_id, chunk_index, text, start_offset, end_offset, embedding::text AS embedding FROM chunks ORDER BY doc_id, chunk_index",
      );
      assert.equal(rows.length, total);
      for (const r of rows) {
        const doc = docs.find((d) => d.id === r.doc_id)!;
        const ref = reference.find((d) => d.id === r.doc_id)!.chunks[r.chunk_index]!;
        assert.equal(r.id, `${r.doc_id}#${r.chunk_index}`);
        assert.equal(r.text, doc.text.slice(r.start_offset, r.end_offset));
        assert.deepEqual([r.start_offset, r.end_offset], [ref.start, ref.end]);
        assert.deepEqual(parseVector(r.embedding), ref.vector);
      }
      // The document shrinks to one chunk: its old chunks go in the same transaction.
      await ingest(chunked, [{ id: "long", text: "Short now.", metadata: { kind: "manual" } }], { model, chunk });
      const left = await pgv.query<{ n: number }>("SELECT count(*)::int AS n FROM chunks WHERE doc_id = 'long'");
      assert.deepEqual(left, [{ n: 1 }]);
      assert.equal(await chunked.deleteDocuments(["long", "absent"]), 1);
      assert.deepEqual(await chunked.count(), { rows: total - reference[0]!.chunks.length, documents: 2 });

      // naive chunking of the same model is another setting: the content hash differs, so it is re-embedded.
      const naive = await ingest(chunked, docs.slice(1), { model, chunk: { ...chunk, strategy: "naive" } });
      assert.equal(naive.written, 2);
    } finally {
      await chunked.close();
    }
  });

  test("HNSW index with the options given; search through it still finds the nearest", async () => {
    await sink.createHnswIndex({ m: 8, efConstruction: 32 });
    const idx = await pgv.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'docs_embedding_hnsw'",
    );
    assert.equal(idx.length, 1);
    assert.match(idx[0]!.indexdef, /USING hnsw \(embedding vector_cosine_ops\) WITH \(m='8', ef_construction='32'\)/);
    await sink.createHnswIndex({ m: 8, efConstruction: 32 }); // idempotent
    const query = await model.queryEmbed("when are backups made?");
    const hits = await sink.search(query, { topK: 3, efSearch: 100 });
    assert.equal(hits[0]!.id, "backup");
    await rejects(sink.createHnswIndex({ m: 1 }), "invalid_option", "hnsw.m");
    await rejects(sink.createHnswIndex({ m: 16, efConstruction: 8 }), "invalid_option", "hnsw.efConstruction");
  });

  test("an ingest SIGKILLed mid-way: whole documents only; a re-run completes every document exactly once", async () => {
    const docs = generatedDocuments(COUNT);
    const expected = new Map<string, number>();
    for (const d of docs) expected.set(d.id, (await model.chunk(d.text, KILL_INGEST_CHUNKING)).length);

    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/helpers/pg-ingest-child.ts", pgv.url, TABLE, String(COUNT), MODEL],
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

  test("another model or dimension on an existing table is a typed error", async () => {
    const other = await rejects(
      PgVectorSink.open({ url: pgv.url, table: "docs", model: TEST_MODELS.miniLM, dimension: DIM }),
      "sink_settings_mismatch",
      "model",
    );
    assert.equal(other["stored"], MODEL);
    const dim = await rejects(
      PgVectorSink.open({ url: pgv.url, table: "docs", model: MODEL, dimension: 256 }),
      "sink_settings_mismatch",
      "dimension",
    );
    assert.deepEqual([dim["stored"], dim["given"]], [DIM, 256]);
    const mini = await openTestModel(TEST_MODELS.miniLM);
    try {
      await rejects(ingest(sink, RECORDS, { model: mini }), "sink_settings_mismatch", "model");
    } finally {
      await mini.dispose();
    }
  });

  test("bad rows, vectors, filters and records are typed errors; the sink keeps working", async () => {
    const v = new Float32Array(DIM).fill(0.1);
    await rejects(sink.search(new Float32Array(3)), "invalid_input", "vector");
    await rejects(sink.search(Float32Array.from(v, (x, i) => (i === 5 ? NaN : x))), "invalid_input", "vector[5]");
    await rejects(sink.search(v, { topK: 0 }), "invalid_option", "topK");
    await rejects(sink.search(v, { filter: { lang: { $ne: "en" } } as never }), "invalid_option", "filter.lang");
    await rejects(
      sink.upsert([{ id: "a", docId: "a", chunkIndex: 0, text: "x", embedding: new Float32Array(10) }]),
      "invalid_input",
      "rows[0].embedding",
    );
    await rejects(
      sink.upsert([{ id: "", docId: "a", chunkIndex: 0, text: "x", embedding: v }]),
      "invalid_input",
      "rows[0].id",
    );
    await rejects(ingest(sink, [{ text: "no id" }], { model }), "invalid_input", "records[0].id");
    await rejects(ingest(sink, [{ id: "x", text: 42 }], { model }), "invalid_input", "records[0].text");
    await rejects(
      ingest(sink, [{ id: "x", text: "t", metadata: [1] }], { model }),
      "invalid_input",
      "records[0].metadata",
    );
    assert.equal((await sink.search(v, { topK: 1 })).length, 1, "still usable");
    assert.deepEqual(await sink.count(), { rows: 5, documents: 5 }, "nothing half-written");
  });

  test("bad url and table names are invalid_option naming the field, without the password", async () => {
    for (const url of ["", "mysql://u@h/db", "postgres://", "postgres://u:secret@h:99999/db", "not a url"]) {
      const d = await rejects(
        PgVectorSink.open({ url, table: "t", model: MODEL, dimension: DIM }),
        "invalid_option",
        "url",
      );
      assert.ok(!String(d["message"]).includes("secret"), String(d["message"]));
    }
    for (const table of ["Docs", "1abc", 'a"; DROP TABLE docs; --', "x".repeat(41), "embedkit_sinks"]) {
      await rejects(
        PgVectorSink.open({ url: pgv.url, table, model: MODEL, dimension: DIM }),
        "invalid_option",
        "table",
      );
    }
    await rejects(
      PgVectorSink.open({ url: pgv.url, table: "t", model: MODEL, dimension: 0 }),
      "invalid_option",
      "dimension",
    );
  });

  test("tableSettings reads a table's model and dimension, creating nothing", async () => {
    assert.deepEqual(await PgVectorSink.tableSettings({ url: pgv.url, table: "docs" }), {
      model: MODEL,
      dimension: DIM,
    });
    assert.equal(await PgVectorSink.tableSettings({ url: pgv.url, table: "never_made" }), undefined);
    const [made] = await pgv.query<{ t: string | null }>("SELECT to_regclass('never_made')::text AS t");
    assert.equal(made!.t, null, "no table was created");
    await rejects(PgVectorSink.tableSettings({ url: pgv.url, table: "Bad-Name" }), "invalid_option", "table");
  });

  test("a table of that name that is not the sink's is a database_error with the server's message", async () => {
    await pgv.query("CREATE TABLE users (id integer)");
    const d = await rejects(
      PgVectorSink.open({ url: pgv.url, table: "users", model: MODEL, dimension: DIM }),
      "database_error",
      /relation "users" already exists/,
    );
    assert.equal(d["sqlstate"], "42P07");
    const settings = await pgv.query("SELECT 1 FROM embedkit_sinks WHERE table_name = 'users'");
    assert.deepEqual(settings, [], "no settings row is left behind");
  });

  // The CLI on the same database (one PGlite start per file): int8 MiniLM, tables kb and kb_late.
  describe("embedkit index add / search postgres://", () => {
    let dir: string;
    let model: TextEmbedding;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "embedkit-cli-pg-"));
      await writeFile(join(dir, "docs.jsonl"), jsonl(CLI_DOCS));
      await writeFile(join(dir, "bad-meta.jsonl"), jsonl([CLI_DOCS[0], { id: "x", text: "t", metadata: [1] }]));
      model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
    });
    after(async () => {
      await model.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    test("index add: rows and vectors as ingest() writes them; a re-run changes nothing; search with the table's model", async () => {
      const url = `${pgv.url}?table=kb`;
      let r = await run(["index", "add", url, "--input", join(dir, "docs.jsonl"), "-m", TEST_MODELS.miniLM, ...Q]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /table kb: 4 records, 4 written \(new or changed\), 0 unchanged \(4 rows written\)/);
      assert.doesNotMatch(r.stdout, /postgres:postgres@/, "the password is masked");
      const rows = await pgv.query<{ id: string; doc_id: string; text: string; metadata: unknown; embedding: string }>(
        "SELECT id, doc_id, text, metadata, embedding::text AS embedding FROM kb ORDER BY id",
      );
      assert.deepEqual(
        rows.map((x) => [x.id, x.doc_id, x.metadata]),
        [
          ["7", "7", { lang: "en" }],
          ["cats", "cats", { lang: "en" }],
          ["keys", "keys", { lang: "en" }],
          ["pain", "pain", { lang: "fr" }],
        ],
      );
      // the same batch as ingest() embeds (all four, passage prompt): equal vectors
      const want = await model.passageEmbed(CLI_DOCS.map((d) => d.text));
      for (const row of rows) {
        const i = CLI_DOCS.findIndex((d) => String(d.id) === row.id);
        const got = cliVector(row.embedding);
        const diff = Math.max(...got.map((x, k) => Math.abs(x - want[i]![k]!)));
        assert.ok(diff < 1e-6, `${row.id}: max |diff| ${diff}`);
      }
      const xmin = await pgv.query("SELECT id, xmin::text FROM kb ORDER BY id");
      r = await run(["index", "add", url, "--input", join(dir, "docs.jsonl"), ...Q]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /4 records, 0 written \(new or changed\), 4 unchanged \(0 rows written\)/);
      assert.deepEqual(await pgv.query("SELECT id, xmin::text FROM kb ORDER BY id"), xmin, "no row was rewritten");

      // search: no --model, so the table's (MiniLM); equal to PgVectorSink.search
      const query = "when should I rotate the keys?";
      r = await run(["search", url, query, "--top", "2", "--json", ...Q]);
      assert.equal(r.code, 0, r.stderr);
      const hits = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { rank: number; id: string; score: number; text: string; metadata: unknown });
      const sink = await PgVectorSink.open({ url: pgv.url, table: "kb", model: model.modelId, dimension: model.dim });
      const ref = await sink.search(await model.queryEmbed(query), { topK: 2 });
      await sink.close();
      assert.deepEqual(
        hits.map((h) => [h.rank, h.id, h.text]),
        ref.map((h, i) => [i + 1, h.docId, h.text]),
      );
      assert.equal(hits[0]!.id, "keys");
      hits.forEach((h, i) => assert.ok(Math.abs(h.score - ref[i]!.score) < 1e-6));
      r = await run(["search", url, "bread", "--filter", '{"lang":"fr"}', ...Q]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.stdout
          .trim()
          .split("\n")
          .map((l) => l.split("\t")[0]),
        ["pain"],
      );
    });

    test("--chunk late: one row per chunk, offsets slicing the record, vectors equal to embedChunks", async () => {
      const url = `${pgv.url}?table=kb_late`;
      const r = await run(
        ["index", "add", url, "--chunk", "late", "--chunk-size", "16", "-m", TEST_MODELS.miniLM, ...Q],
        jsonl([{ id: "long", text: CLI_LONG }]),
      );
      assert.equal(r.code, 0, r.stderr);
      const rows = await pgv.query<{
        id: string;
        start_offset: number;
        end_offset: number;
        text: string;
        embedding: string;
      }>("SELECT id, start_offset, end_offset, text, embedding::text AS embedding FROM kb_late ORDER BY chunk_index");
      const want: { start: number; end: number; vector: Float32Array }[] = [];
      for await (const d of model.embedChunks([{ id: "long", text: CLI_LONG }], {
        chunking: { strategy: "late", size: 16 },
      }))
        want.push(...d.chunks);
      assert.ok(rows.length > 2 && rows.length === want.length, `${rows.length} rows, ${want.length} chunks`);
      rows.forEach((row, i) => {
        assert.equal(row.id, `long#${i}`);
        assert.equal(row.text, CLI_LONG.slice(row.start_offset, row.end_offset));
        assert.deepEqual([row.start_offset, row.end_offset], [want[i]!.start, want[i]!.end]);
        const got = cliVector(row.embedding);
        assert.ok(Math.max(...got.map((x, k) => Math.abs(x - want[i]!.vector[k]!))) < 1e-6, `chunk ${i}`);
      });
    });

    test("refusals: unreachable database (exit 2, host and port), another model, bad table, flags that do not apply", async () => {
      const docs = join(dir, "docs.jsonl");
      let r = await run(["index", "add", "postgres://u@127.0.0.1:1/db?table=t", "--input", docs, ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\[database_unreachable\]: the database at 127\.0\.0\.1:1 cannot be reached/);
      r = await run(["search", "postgres://u@127.0.0.1:1/db?table=t", "x", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\[database_unreachable\]: .*127\.0\.0\.1:1/);

      // table docs: made by the outer before() for bge-small-en-v1.5 (this test needs no other test's table)
      r = await run(["index", "add", `${pgv.url}?table=docs`, "--input", docs, "-m", TEST_MODELS.miniLM, ...Q]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /\[sink_settings_mismatch\]: table docs holds vectors of BAAI\/bge-small-en-v1\.5/);
      r = await run(["index", "add", `${pgv.url}?table=Bad-Name`, "--input", docs, ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\[invalid_option\]: table must be a lower-case identifier/);
      r = await run(["index", "add", `${pgv.url}?table=kb`, "--input", docs, "--progress", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--progress is not available with a postgres:\/\/ target/);
      r = await run(["index", "optimize", `${pgv.url}?table=kb`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /a postgres:\/\/ table or a chroma:\/\/ collection works with `index add\|info\|rm` and `search` only/,
      );
      r = await run(["search", `${pgv.url}?table=kb`, "x", "--mode", "hybrid", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /--mode is not available with a postgres:\/\/ target: a pgvector table is searched dense only/,
      );
      r = await run(["search", `${pgv.url}?table=docs`, "x", "--filter", '{"lang":{"$in":["en"]}}']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /filter\.lang must be a string, finite number, boolean or null/);
      r = await run(["index", "add", `${pgv.url}?table=kb_bad`, "--input", join(dir, "bad-meta.jsonl"), ...M]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /\[invalid_input\]: line 2 of .*bad-meta\.jsonl: records\[1\]\.metadata must be a JSON object/,
      );
    });
  });
});

describe("PgVectorSink connection failures", { timeout: 60_000 }, () => {
  test("a closed port is database_unreachable naming host and port", async () => {
    const port = await closedPort();
    const d = await rejects(
      PgVectorSink.open({
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        table: "t",
        model: MODEL,
        dimension: DIM,
        connectTimeoutMs: 2000,
      }),
      "database_unreachable",
      new RegExp(`127\\.0\\.0\\.1:${port}`),
    );
    assert.deepEqual([d["host"], d["port"], d["errno"]], ["127.0.0.1", port, "ECONNREFUSED"]);
  });

  test("a blackholed address gives up after connectTimeoutMs, not later", async () => {
    const started = Date.now();
    const d = await rejects(
      PgVectorSink.open({
        url: "postgres://u:pw@10.255.255.1:5432/db",
        table: "t",
        model: MODEL,
        dimension: DIM,
        connectTimeoutMs: 700,
      }),
      "database_unreachable",
      /10\.255\.255\.1:5432/,
    );
    assert.equal(d["host"], "10.255.255.1");
    // A bound on waiting (the error's contract), not a speed claim: well under 10x the timeout.
    assert.ok(Date.now() - started < 7000, `waited ${Date.now() - started} ms`);
  });

  test("a server that accepts and never answers: database_unreachable after connectTimeoutMs", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = Date.now();
      const d = await rejects(
        PgVectorSink.open({
          url: `postgres://u@127.0.0.1:${port}/db`,
          table: "t",
          model: MODEL,
          dimension: DIM,
          connectTimeoutMs: 500,
        }),
        "database_unreachable",
        /no answer within connectTimeoutMs 500 ms/,
      );
      assert.deepEqual([d["port"], d["connectTimeoutMs"]], [port, 500]);
      const waited = Date.now() - started;
      assert.ok(waited >= 450 && waited < 5000, `waited ${waited} ms`);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });

  test("a server without pgvector is vector_extension_missing", async () => {
    const plain = await startPgvector({ withVector: false });
    try {
      // a database no sink has written to: no settings table, so no settings
      assert.equal(await PgVectorSink.tableSettings({ url: plain.url, table: "t" }), undefined);
      const d = await rejects(
        PgVectorSink.open({ url: plain.url, table: "t", model: MODEL, dimension: DIM }),
        "vector_extension_missing",
        /CREATE EXTENSION vector/,
      );
      assert.ok(String(d["serverMessage"]).length > 0);
    } finally {
      await plain.stop();
    }
  });
});
