/**
 * `embedkit index info|rm postgres://...` and `embedkit search postgres://... --rerank`, in-process
 * against real pgvector (PGlite + pgvector over the wire protocol, tests/helpers/pgvector.ts) with
 * int8 MiniLM and the test cross-encoder: info reports what the catalogue says (settings row,
 * counts, HNSW index and its options, pg_total_relation_size) without loading a model; rm deletes
 * whole documents and counts the ids that were not there; rerank equals the cross-encoder's order
 * of the table's pgvector top N, through the folder search's own rerank step.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { PgVectorSink } from "../../src/sinks/postgres/pg-vector-sink.js";
import { openTestCrossEncoder, TEST_CROSS_ENCODER } from "../helpers/cross-encoder.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { startPgvector, type TestPgvector } from "../helpers/pgvector.js";
import { run } from "../helpers/run-cli.js";

const Q = ["-q", "int8"];
const DOCS = [
  { id: "keys", text: "Rotate the API keys every ninety days from the security console.", metadata: { lang: "en" } },
  { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en" } },
  { id: "pain", text: "Le pain se fait avec de la farine, de l'eau et du sel.", metadata: { lang: "fr" } },
  { id: "tides", text: "Tides rise and fall twice a day along the harbour.", metadata: { lang: "en" } },
  { id: "owls", text: "Owls hunt mice at night in the fields.", metadata: { lang: "en" } },
];
const LONG = Array.from({ length: 10 }, (_, i) => `Paragraph ${i} is about subject ${i} and only that.`).join(" ");
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

interface InfoJson {
  path: string;
  table: string;
  model: string;
  dimension: number;
  records: number;
  chunks: number;
  hnsw: { name: string; m: number; efConstruction: number } | null;
  bytesOnDisk: number;
}

describe("embedkit index info|rm and search --rerank on postgres://", { timeout: 240_000 }, () => {
  let pgv: TestPgvector;
  let dir: string;
  let emptyCache: string;
  let model: TextEmbedding;
  const url = (table: string) => `${pgv.url}?table=${table}`;

  before(async () => {
    pgv = await startPgvector();
    dir = await mkdtemp(join(tmpdir(), "embedkit-pg-cli-"));
    emptyCache = await mkdtemp(join(tmpdir(), "embedkit-empty-cache-"));
    await writeFile(join(dir, "docs.jsonl"), jsonl(DOCS));
    await writeFile(join(dir, "long.jsonl"), jsonl([{ id: "long", text: LONG }, DOCS[0]]));
    model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
    for (const [table, input, extra] of [
      ["kb", "docs.jsonl", []],
      ["kb_late", "long.jsonl", ["--chunk", "late", "--chunk-size", "16"]],
    ] as const) {
      const r = await run([
        "index",
        "add",
        url(table),
        "--input",
        join(dir, input),
        "-m",
        TEST_MODELS.miniLM,
        ...Q,
        ...extra,
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    await model?.dispose();
    await pgv?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(emptyCache, { recursive: true, force: true });
  });

  test("index info: model, counts, HNSW index and pg_total_relation_size as the catalogue says; no model loaded", async () => {
    // an empty cache, offline: loading any model would fail, so a passing info loaded none
    const noModel = ["--cache-dir", emptyCache, "--offline"];
    let r = await run(["index", "info", url("kb_late"), "--json", ...noModel]);
    assert.equal(r.code, 0, r.stderr);
    let info = JSON.parse(r.stdout) as InfoJson;
    const [late] = await pgv.query<{ rows: number; docs: number; bytes: string }>(
      "SELECT count(*)::int AS rows, count(DISTINCT doc_id)::int AS docs, pg_total_relation_size('kb_late')::text AS bytes FROM kb_late",
    );
    assert.ok(late!.rows > late!.docs, `late chunking gave ${late!.rows} rows for ${late!.docs} records`);
    assert.deepEqual(info, {
      path: `postgres://postgres:***@127.0.0.1:${pgv.port}/postgres table kb_late`,
      table: "kb_late",
      model: TEST_MODELS.miniLM,
      dimension: 384,
      records: 2,
      chunks: late!.rows,
      hnsw: null,
      bytesOnDisk: Number(late!.bytes),
    });
    assert.ok(info.bytesOnDisk > 0);

    // an HNSW index built with options: info names it with them, and the size grows by the index
    const sink = await PgVectorSink.open({ url: pgv.url, table: "kb", model: TEST_MODELS.miniLM, dimension: 384 });
    const before = (JSON.parse((await run(["index", "info", url("kb"), "--json", ...noModel])).stdout) as InfoJson)
      .bytesOnDisk;
    await sink.createHnswIndex({ m: 8, efConstruction: 32 });
    await sink.close();
    r = await run(["index", "info", url("kb"), "--json", ...noModel]);
    assert.equal(r.code, 0, r.stderr);
    info = JSON.parse(r.stdout) as InfoJson;
    assert.deepEqual(info.hnsw, { name: "kb_embedding_hnsw", m: 8, efConstruction: 32 });
    assert.deepEqual([info.records, info.chunks], [5, 5]);
    const [kbSize] = await pgv.query<{ bytes: string; index: string }>(
      "SELECT pg_total_relation_size('kb')::text AS bytes, pg_relation_size('kb_embedding_hnsw')::text AS index",
    );
    assert.equal(info.bytesOnDisk, Number(kbSize!.bytes));
    assert.equal(info.bytesOnDisk - before, Number(kbSize!.index), "the HNSW index's pages are counted");

    // text form, password masked
    r = await run(["index", "info", url("kb"), ...noModel]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^path: +postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres table kb$/m);
    assert.match(r.stdout, /^model: +sentence-transformers\/all-MiniLM-L6-v2 \(384 dimensions\)$/m);
    assert.match(r.stdout, /^records: +5$/m);
    assert.match(r.stdout, /^chunks: +5 \(rows\)$/m);
    assert.match(r.stdout, /^hnsw: +kb_embedding_hnsw \(m 8, ef_construction 32\)$/m);
    assert.match(r.stdout, new RegExp(`^size: .*\\(${info.bytesOnDisk} bytes: pg_total_relation_size`, "m"));

    // a table that was never made: exit 2, nothing created
    r = await run(["index", "info", url("never_made"), ...noModel]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /\[invalid_option\]: .*table never_made holds no embedkit table \(create one with `embedkit index add/,
    );
    assert.deepEqual(await pgv.query("SELECT to_regclass('never_made') AS t"), [{ t: null }]);
    r = await run(["index", "info", url("Bad-Name")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\[invalid_option\]: table must be a lower-case identifier/);
    r = await run(["index", "info", "postgres://u@127.0.0.1:1/db?table=t"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\[database_unreachable\]: the database at 127\.0\.0\.1:1 cannot be reached/);
  });

  test("index rm: whole documents go, the ids not there are counted (exit 1); no model loaded", async () => {
    const noModel = ["--cache-dir", emptyCache, "--offline"];
    const rows = async () =>
      (
        await pgv.query<{ doc_id: string; n: number }>(
          "SELECT doc_id, count(*)::int AS n FROM kb_late GROUP BY doc_id ORDER BY doc_id",
        )
      ).map((r) => [r.doc_id, r.n]);
    const longRows = (await rows()).find(([d]) => d === "long")?.[1] as number;
    assert.ok(longRows > 1, `long has ${longRows} rows`);
    let r = await run(["index", "rm", url("kb_late"), "--id", "long", "--id", "absent", "--id", "long", ...noModel]);
    assert.equal(r.code, 1, "an id that was not there fails the command");
    assert.match(r.stdout, new RegExp(`table kb_late: removed 1 of 2 records \\(${longRows} rows\\); 1 not there\\n$`));
    assert.deepEqual(await rows(), [["keys", 1]], "every chunk row of long went, keys stayed");
    r = await run(["index", "rm", url("kb_late"), "--id", "keys", ...noModel]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /removed 1 of 1 records \(1 rows\); 0 not there/);
    assert.deepEqual(await rows(), []);
    const info = JSON.parse((await run(["index", "info", url("kb_late"), "--json"])).stdout) as InfoJson;
    assert.deepEqual([info.records, info.chunks], [0, 0]);

    r = await run(["index", "rm", url("kb_late")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--id is required/);
    r = await run(["index", "rm", url("never_made"), "--id", "x"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /table never_made holds no embedkit table/);
    assert.deepEqual(await pgv.query("SELECT to_regclass('never_made') AS t"), [{ t: null }], "nothing was created");
    r = await run(["index", "rm", "postgres://u@127.0.0.1:1/db?table=t", "--id", "x"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\[database_unreachable\]/);
    r = await run(["index", "optimize", url("kb")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /a postgres:\/\/ table or a chroma:\/\/ collection works with `index add\|info\|rm` and `search` only/,
    );
  });

  test("search --rerank: the table's pgvector top N reordered by the cross-encoder, cosine kept as dense_score", async () => {
    const ce = await openTestCrossEncoder();
    const sink = await PgVectorSink.open({ url: pgv.url, table: "kb", model: TEST_MODELS.miniLM, dimension: 384 });
    try {
      const query = "which animals hunt in the dark?";
      const qv = await model.queryEmbed(query);
      for (const [top, rerankTop] of [
        [2, 3],
        [3, undefined], // default depth max(top, 20): all five rows
      ] as const) {
        const depth = rerankTop ?? 20;
        const dense = await sink.search(qv, { topK: depth });
        const ranked = await ce.rerank(
          query,
          dense.map((h) => h.text),
          { topK: top },
        );
        const r = await run([
          "search",
          url("kb"),
          query,
          "--json",
          "--top",
          String(top),
          "--rerank",
          "--rerank-model",
          TEST_CROSS_ENCODER,
          ...(rerankTop !== undefined ? ["--rerank-top", String(rerankTop)] : []),
          ...Q,
        ]);
        assert.equal(r.code, 0, r.stderr);
        const hits = r.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { rank: number; id: string; score: number; dense_score: number; text: string });
        const label = `top ${top}, rerank-top ${rerankTop}`;
        assert.deepEqual(
          hits.map((h) => [h.rank, h.id, h.text]),
          ranked.map((x, i) => [i + 1, dense[x.index]!.docId, dense[x.index]!.text]),
          label,
        );
        hits.forEach((h, i) => {
          assert.ok(Math.abs(h.score - ranked[i]!.score) < 1e-5, `${label}: score ${h.score} vs ${ranked[i]!.score}`);
          const cos = dense[ranked[i]!.index]!.score;
          assert.ok(Math.abs(h.dense_score - cos) < 1e-6, `${label}: dense_score ${h.dense_score} vs ${cos}`);
        });
        assert.ok(
          hits.every((h) => dense.some((d) => d.docId === h.id)),
          `${label}: only the table's top ${depth} are reranked`,
        );
      }
      // the reranked order is not the cosine order here, so the cross-encoder did the ordering
      const all = await sink.search(qv, { topK: 5 });
      const ce5 = await ce.rerank(
        query,
        all.map((h) => h.text),
      );
      assert.notDeepEqual(
        ce5.map((x) => x.index),
        [0, 1, 2, 3, 4],
        "the query's cosine and cross-encoder orders differ",
      );
    } finally {
      await sink.close();
      await ce.dispose();
    }

    let r = await run(["search", url("kb"), "x", "--rerank", "--rerank-top", "0", ...Q]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\[invalid_option\]: rerank\.topN must be .*0.*\(set by --rerank-top\)/);
    r = await run(["search", url("kb"), "x", "--rerank", "--rerank-top", "many", ...Q]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--rerank-top must be an integer, got "many"/);
    // --ef is pgvector's hnsw.ef_search for the query: the same hits as without it here (a small
    // table), and an out-of-range value is a typed error naming the flag.
    const plain = await run(["search", url("kb"), "backups", "--json", "--top", "3", ...Q]);
    assert.equal(plain.code, 0, plain.stderr);
    r = await run(["search", url("kb"), "backups", "--json", "--top", "3", "--ef", "64", ...Q]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, plain.stdout);
    r = await run(["search", url("kb"), "backups", "--ef", "1001", ...Q]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\[invalid_option\]: efSearch must be .*1000.*1001.*--ef/);
    for (const flags of [
      ["--exact"],
      ["--nprobes", "5"],
      ["--refine-factor", "2"],
      ["--rescore", "4"],
      ["--rescore-with", "bits"],
    ]) {
      r = await run(["search", url("kb"), "x", ...flags, ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `\\[invalid_option\\]: ${flags[0]} is not available with a postgres:// target: it tunes a folder index's`,
        ),
      );
    }
    for (const flags of [["--mode", "sparse"], ["--hybrid"], ["--fusion", "rrf"], ["--candidates", "5"]]) {
      r = await run(["search", url("kb"), "x", "--rerank", ...flags, ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `\\[invalid_option\\]: ${flags[0]} is not available with a postgres:// target: a pgvector table is searched dense only`,
        ),
      );
    }
  });
});
