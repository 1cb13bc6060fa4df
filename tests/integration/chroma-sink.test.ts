/**
 * ChromaSink against a real Chroma server (chromadb 1.5.9's own server, started by the test on a
 * free loopback port with a temp dir) with the real int8 MiniLM: the collection records the model
 * and dimension, stored vectors equal the model's (within 1e-6), re-running an ingest writes nothing, a changed
 * or incomplete document is rewritten whole, search equals exact cosine top-k with `where`
 * equality filters, and every bad input, another model and an unreachable server are typed errors.
 * On the same server, `embedkit index add|search chroma://...` in-process: the rows ingest()
 * writes, a re-run writing nothing, search equal to ChromaSink.search with the collection's model,
 * and the CLI's refusals (unreachable: exit 2).
 */
import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import { ChromaSink } from "../../src/sinks/chroma/chroma-sink.js";
import { ingest } from "../../src/sinks/ingest.js";
import { CHROMA_VERSION, startChroma, type TestChroma } from "../helpers/chroma.js";
import { closedPort } from "../helpers/fake-hub.js";
import { openTestCrossEncoder, TEST_CROSS_ENCODER } from "../helpers/cross-encoder.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { rejects } from "../helpers/typed-errors.js";
import { run } from "../helpers/run-cli.js";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MODEL = TEST_MODELS.miniLM;
const DIM = 384;
const NS = "/tenants/default_tenant/databases/default_database";

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
    metadata: { lang: "en", topic: "ops", weekly: true },
  },
  { id: "tee", text: "Le thé vert se boit sans sucre.", metadata: { lang: "fr", topic: "food" } },
  { id: 7, text: "Passwords must be at least sixteen characters long.", metadata: { lang: "en", topic: "security" } },
];

const LONG = Array.from(
  { length: 8 },
  (_, i) => `Section ${i + 1}. The service keeps its settings in a file that operators edit by hand.`,
).join(" ");

/** Chroma keeps cosine-space vectors re-normalized, so a unit vector comes back within an ulp or so, not bit-equal. */
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

interface GetResult {
  ids: string[];
  documents: string[] | null;
  embeddings: number[][] | null;
  metadatas: Record<string, unknown>[] | null;
}

describe(`ChromaSink on a real Chroma ${CHROMA_VERSION} server`, { timeout: 120_000 }, () => {
  let chroma: TestChroma;
  let model: TextEmbedding;
  let sink: ChromaSink;
  const collectionId = async (name: string) =>
    (await chroma.api<{ id: string }>("GET", `${NS}/collections/${name}`)).id;
  const get = async (name: string, body: unknown) =>
    chroma.api<GetResult>("POST", `${NS}/collections/${await collectionId(name)}/get`, body);

  before(async () => {
    [chroma, model] = await Promise.all([startChroma(), openTestModel(MODEL, { quantization: "int8" })]);
    sink = await ChromaSink.open({ url: chroma.url, collection: "docs", model: MODEL, dimension: DIM });
  });
  after(async () => {
    await sink?.close();
    await model?.dispose();
    await chroma?.stop();
  });

  test("open creates a cosine collection holding the model id and dimension; reopening is fine", async () => {
    const c = await chroma.api<{ metadata: Record<string, unknown>; configuration_json: { hnsw: { space: string } } }>(
      "GET",
      `${NS}/collections/docs`,
    );
    assert.deepEqual(c.metadata, { "hnsw:space": "cosine", "embedkit:model": MODEL, "embedkit:dimension": DIM });
    assert.equal(c.configuration_json.hnsw.space, "cosine");
    const again = await ChromaSink.open({ url: chroma.url, collection: "docs", model: MODEL, dimension: DIM });
    assert.equal(again.place.name, "docs");
    assert.deepEqual(await ChromaSink.collectionSettings({ url: chroma.url, collection: "docs" }), {
      model: MODEL,
      dimension: DIM,
    });
    assert.equal(await ChromaSink.collectionSettings({ url: chroma.url, collection: "not-there" }), undefined);
  });

  test("ingest stores the model's vectors; a re-run writes nothing; a changed record is rewritten", async () => {
    assert.deepEqual(await ingest(sink, RECORDS, { model }), { documents: 5, written: 5, unchanged: 0, rows: 5 });
    const expected = await model.passageEmbed(RECORDS.map((r) => r.text));
    const stored = await get("docs", { include: ["embeddings", "documents", "metadatas"] });
    assert.equal(stored.ids.length, 5);
    stored.ids.forEach((id, k) => {
      const i = RECORDS.findIndex((r) => String(r.id) === id);
      assert.ok(maxDiff(stored.embeddings![k]!, expected[i]!) < 1e-6, `vector of ${id}`);
      assert.equal(stored.documents![k], RECORDS[i]!.text);
      assert.equal(stored.metadatas![k]!["embedkit:end"], RECORDS[i]!.text.length);
      assert.equal(stored.metadatas![k]!["lang"], RECORDS[i]!.metadata.lang);
    });
    // Mark a stored row behind the sink's back: a re-run that rewrote it would erase the mark.
    await chroma.api("POST", `${NS}/collections/${await collectionId("docs")}/update`, {
      ids: ["keys"],
      documents: ["MARK"],
    });
    assert.deepEqual(await ingest(sink, RECORDS, { model }), { documents: 5, written: 0, unchanged: 5, rows: 0 });
    assert.deepEqual((await get("docs", { ids: ["keys"], include: ["documents"] })).documents, ["MARK"]);

    const changed = RECORDS.map((r) => (r.id === "backup" ? { ...r, text: "Backups run hourly now." } : r));
    assert.deepEqual(await ingest(sink, changed, { model }), { documents: 5, written: 1, unchanged: 4, rows: 1 });
    assert.deepEqual(await sink.count(), { rows: 5, documents: 5 });
    // Restore: "keys" via its hash changing (other metadata), "backup" via its text.
    const restored = RECORDS.map((r) => (r.id === "keys" ? { ...r, metadata: { ...r.metadata, v: 2 } } : r));
    assert.equal((await ingest(sink, restored, { model })).written, 2);
    assert.deepEqual((await get("docs", { ids: ["keys"], include: ["documents"] })).documents, [RECORDS[0]!.text]);
  });

  test("search equals exact cosine top-k over the same vectors, with where-equality filters", async () => {
    const query = await model.queryEmbed("how often should I rotate my keys?");
    // Exact cosine over the vectors the collection holds (int8 vectors depend on their batch).
    const stored = await get("docs", { include: ["embeddings"] });
    const exact = stored.ids
      .map((id, k) => ({ id, score: cosineSimilarity(query, Float32Array.from(stored.embeddings![k]!)) }))
      .sort((a, b) => b.score - a.score);
    assert.equal(exact.length, 5);
    const hits = await sink.search(query, { topK: 5 });
    assert.deepEqual(
      hits.map((h) => h.id),
      exact.map((e) => e.id),
    );
    hits.forEach((h, i) => assert.ok(Math.abs(h.score - exact[i]!.score) < 1e-5, `score of ${h.id}`));
    assert.equal(hits[0]!.id, "keys");
    assert.deepEqual(hits[0]!.metadata, { lang: "en", topic: "security", v: 2 });
    assert.deepEqual([hits[0]!.docId, hits[0]!.chunkIndex, hits[0]!.start], ["keys", 0, 0]);
    const top2 = await sink.search(query, { topK: 2 });
    assert.deepEqual(
      top2.map((h) => h.id),
      exact.slice(0, 2).map((e) => e.id),
    );

    const ops = await sink.search(query, { topK: 5, filter: { topic: "ops" } });
    assert.deepEqual(
      ops.map((h) => h.id),
      exact.filter((e) => ["backup", "deploy"].includes(e.id)).map((e) => e.id),
    );
    assert.deepEqual(
      (await sink.search(query, { filter: { topic: "ops", weekly: true } })).map((h) => h.id),
      ["deploy"],
    );
    assert.deepEqual(await sink.search(query, { filter: { topic: "x'); DROP --" } }), []);
  });

  test("chunked ingest writes doc#i rows with offsets; a document is replaced and deleted whole", async () => {
    const chunked = await ChromaSink.open({ url: chroma.url, collection: "chunks", model: MODEL, dimension: DIM });
    const chunk = { strategy: "late" as const, by: "tokens" as const, size: 24 };
    const docs = [{ id: "long", text: LONG }, RECORDS[0]!];
    const r = await ingest(chunked, docs, { model, chunk });
    const want: { text: string; start: number; end: number; vector: Float32Array }[] = [];
    // the same call ingest() makes (int8 vectors depend on the batch they are computed in)
    for await (const d of model.embedChunks(
      docs.map((d) => ({ id: d.id, text: d.text })),
      { chunking: chunk },
    ))
      if (d.id === "long") want.push(...d.chunks);
    assert.ok(want.length > 3, "the long document is split");
    assert.equal(r.rows, want.length + 1);
    const rows = await get("chunks", {
      where: { "embedkit:doc_id": "long" },
      include: ["embeddings", "documents", "metadatas"],
    });
    const order = rows.ids
      .map((id, k) => ({ id, k }))
      .sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
    assert.deepEqual(
      order.map((o) => o.id),
      want.map((_, i) => `long#${i}`),
    );
    for (const { id, k } of order) {
      const i = Number(id.split("#")[1]);
      const m = rows.metadatas![k]!;
      assert.deepEqual(
        [m["embedkit:start"], m["embedkit:end"], m["embedkit:rows"]],
        [want[i]!.start, want[i]!.end, want.length],
      );
      assert.equal(rows.documents![k], LONG.slice(want[i]!.start, want[i]!.end));
      assert.ok(maxDiff(rows.embeddings![k]!, want[i]!.vector) < 1e-6, `vector of ${id}`);
    }

    // A document left incomplete (as by a killed ingest: one chunk row gone) has no hash and is rewritten.
    await chroma.api("POST", `${NS}/collections/${await collectionId("chunks")}/delete`, { ids: ["long#1"] });
    assert.deepEqual([...(await chunked.documentHashes(["long", "keys"])).keys()], ["keys"]);
    assert.deepEqual(await ingest(chunked, docs, { model, chunk }), {
      documents: 2,
      written: 1,
      unchanged: 1,
      rows: want.length,
    });
    assert.deepEqual(await chunked.count(), { rows: want.length + 1, documents: 2 });

    // Shorter text: fewer chunks, and none of the old ones is left.
    const short = [{ id: "long", text: "Only one short section now." }, RECORDS[0]!];
    assert.equal((await ingest(chunked, short, { model, chunk })).rows, 1);
    assert.deepEqual((await get("chunks", { where: { "embedkit:doc_id": "long" } })).ids, ["long#0"]);
    assert.equal(await chunked.deleteDocuments(["long", "missing"]), 1);
    assert.deepEqual(await chunked.count(), { rows: 1, documents: 1 });
  });

  test("another model or dimension, or a collection the sink did not make, is sink_settings_mismatch", async () => {
    const other = await rejects(
      ChromaSink.open({ url: chroma.url, collection: "docs", model: TEST_MODELS.bgeSmallEn, dimension: DIM }),
      "sink_settings_mismatch",
      "model",
    );
    assert.deepEqual([other["stored"], other["given"], other["collection"]], [MODEL, TEST_MODELS.bgeSmallEn, "docs"]);
    assert.match(String(other["message"]), /collection docs holds vectors of sentence-transformers\/all-MiniLM-L6-v2/);
    const dim = await rejects(
      ChromaSink.open({ url: chroma.url, collection: "docs", model: MODEL, dimension: 256 }),
      "sink_settings_mismatch",
      "dimension",
    );
    assert.deepEqual([dim["stored"], dim["given"]], [DIM, 256]);

    const foreign = await ChromaSink.open({
      url: chroma.url,
      collection: "foreign-model",
      model: "other/model",
      dimension: DIM,
    });
    const viaIngest = await rejects(ingest(foreign, RECORDS, { model }), "sink_settings_mismatch", "model");
    assert.deepEqual(
      [viaIngest["collection"], viaIngest["stored"], viaIngest["given"]],
      ["foreign-model", "other/model", MODEL],
    );

    await chroma.api("POST", `${NS}/collections`, { name: "not-ours", metadata: { owner: "someone" } });
    await rejects(
      ChromaSink.open({ url: chroma.url, collection: "not-ours", model: MODEL, dimension: DIM }),
      "sink_settings_mismatch",
      /not-ours exists but was not created by this sink/,
    );
    const c = await chroma.api<{ metadata: unknown }>("GET", `${NS}/collections/not-ours`);
    assert.deepEqual(c.metadata, { owner: "someone" }, "left as it was");
  });

  test("bad records, rows, vectors, filters and options are typed errors; nothing is written", async () => {
    const before = await sink.count();
    await rejects(ingest(sink, [{ text: "no id" }], { model }), "invalid_input", "records[0].id");
    await rejects(ingest(sink, [RECORDS[0], { id: "x" }], { model }), "invalid_input", "records[1].text");
    await rejects(
      ingest(sink, [{ id: "n", text: "t", metadata: { a: { b: 1 } } }], { model }),
      "invalid_input",
      "documents[0].rows[0].metadata.a",
    );
    await rejects(
      ingest(sink, [{ id: "n", text: "t", metadata: { a: null } }], { model }),
      "invalid_input",
      "documents[0].rows[0].metadata.a",
    );
    await rejects(
      ingest(sink, [{ id: "n", text: "t", metadata: { "embedkit:doc_id": "evil" } }], { model }),
      "invalid_input",
      "documents[0].rows[0].metadata.embedkit:doc_id",
    );
    const v = new Float32Array(DIM).fill(0.1);
    const row = { id: "r", docId: "r", chunkIndex: 0, text: "t", embedding: v };
    await rejects(sink.upsert([{ ...row, embedding: new Float32Array(3) }]), "invalid_input", "rows[0].embedding");
    await rejects(sink.upsert([{ ...row, id: "" }]), "invalid_input", "rows[0].id");
    await rejects(
      sink.replaceDocuments([{ docId: "a", rows: [{ ...row, docId: "b" }] }]),
      "invalid_input",
      "documents[0].rows[0].docId",
    );
    await rejects(sink.search(new Float32Array(3)), "invalid_input", "vector");
    await rejects(sink.search(Float32Array.from(v, (x, i) => (i === 5 ? NaN : x))), "invalid_input", "vector[5]");
    await rejects(sink.search(v, { topK: 0 }), "invalid_option", "topK");
    await rejects(sink.search(v, { topK: 10_001 }), "invalid_option", "topK");
    await rejects(sink.search(v, { efSearch: 64 }), "invalid_option", "efSearch"); // a collection setting in Chroma
    await rejects(sink.search(v, { filter: { lang: null } }), "invalid_option", "filter.lang");
    await rejects(sink.search(v, { filter: { lang: { $ne: "en" } } as never }), "invalid_option", "filter.lang");
    await rejects(sink.search(v, { filter: { "embedkit:hash": "x" } }), "invalid_option", "filter.embedkit:hash");
    assert.deepEqual(await sink.count(), before, "nothing of the refused calls was written");

    const open = (o: Partial<Parameters<typeof ChromaSink.open>[0]>) =>
      ChromaSink.open({ url: chroma.url, collection: "docs", model: MODEL, dimension: DIM, ...o });
    const name = await rejects(open({ collection: "ab" }), "invalid_option", "collection");
    assert.equal(name["limit"], 512);
    await rejects(open({ collection: "bad name!" }), "invalid_option", "collection");
    await rejects(open({ collection: "-dash" }), "invalid_option", "collection");
    await rejects(open({ url: "postgres://127.0.0.1:5432/db" }), "invalid_option", "url");
    await rejects(open({ url: `${chroma.url}/api/v2` }), "invalid_option", "url");
    await rejects(open({ dimension: 0 }), "invalid_option", "dimension");
    await rejects(open({ model: "" }), "invalid_option", "model");
    await rejects(open({ batchRows: 100_000 }), "invalid_option", "batchRows");
    await rejects(open({ tenant: "no_such_tenant" }), "database_error", /refused creating or getting collection docs/);
  });
  describe("embedkit index add | search chroma://host:port/COLLECTION", () => {
    let dir: string;
    const Q = ["-q", "int8"];
    const CLI_DOCS = [
      {
        id: "keys",
        text: "Rotate the API keys every ninety days from the security console.",
        metadata: { lang: "en" },
      },
      { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en" } },
      { id: "pain", text: "Le pain se fait avec de la farine, de l'eau et du sel.", metadata: { lang: "fr" } },
      { id: 7, text: "Tides rise and fall twice a day along the harbour.", metadata: { lang: "en" } },
    ];
    const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "embedkit-chroma-cli-"));
      await writeFile(join(dir, "docs.jsonl"), jsonl(CLI_DOCS));
      await writeFile(join(dir, "bad-meta.jsonl"), jsonl([CLI_DOCS[0], { id: "x", text: "t", metadata: [1] }]));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test("index add writes what ingest() writes; a re-run writes nothing; search equals ChromaSink.search", async () => {
      const url = `chroma://127.0.0.1:${chroma.port}/kb-cli`;
      let r = await run(["index", "add", url, "--input", join(dir, "docs.jsonl"), "-m", MODEL, ...Q]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        `chroma://127.0.0.1:${chroma.port} collection kb-cli: 4 records, 4 written (new or changed), 0 unchanged (4 rows written)\n`,
      );
      const stored = await get("kb-cli", { include: ["embeddings", "metadatas"] });
      assert.deepEqual([...stored.ids].sort(), ["7", "cats", "keys", "pain"]);
      const expected = await model.passageEmbed(CLI_DOCS.map((d) => d.text));
      stored.ids.forEach((id, k) => {
        const i = CLI_DOCS.findIndex((d) => String(d.id) === id);
        assert.ok(maxDiff(stored.embeddings![k]!, expected[i]!) < 1e-6, `vector of ${id}`);
      });
      // again, no --model: the collection's
      r = await run(["index", "add", url, "--input", join(dir, "docs.jsonl"), ...Q]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /4 records, 0 written \(new or changed\), 4 unchanged \(0 rows written\)/);

      const query = "when should I rotate the keys?";
      r = await run(["search", url, query, "--top", "2", "--json", ...Q]);
      assert.equal(r.code, 0, r.stderr);
      const hits = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { rank: number; id: string; score: number; text: string; metadata: unknown });
      const kb = await ChromaSink.open({ url: chroma.url, collection: "kb-cli", model: MODEL, dimension: DIM });
      const ref = await kb.search(await model.queryEmbed(query), { topK: 2 });
      assert.deepEqual(
        hits.map((h) => [h.rank, h.id, h.text, h.metadata]),
        ref.map((h, i) => [i + 1, h.docId, h.text, h.metadata]),
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

    test("index info and rm read the collection's settings, no model loaded; search --rerank reorders the collection's top N", async () => {
      const url = `chroma://127.0.0.1:${chroma.port}/kb-ops`;
      const display = `chroma://127.0.0.1:${chroma.port} collection kb-ops`;
      const noModel = ["--cache-dir", join(dir, "no-models"), "--offline"];
      let r = await run(["index", "add", url, "--input", join(dir, "docs.jsonl"), "-m", MODEL, ...Q]);
      assert.equal(r.code, 0, r.stderr);
      r = await run(["index", "info", url, "--json", ...noModel]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { path: display, model: MODEL, dimension: DIM, records: 4, chunks: 4 });
      r = await run(["index", "info", url, ...noModel]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /records: +4\n/);

      const ce = await openTestCrossEncoder();
      const kb = await ChromaSink.open({ url: chroma.url, collection: "kb-ops", model: MODEL, dimension: DIM });
      try {
        const query = "when should I rotate the keys?";
        const dense = await kb.search(await model.queryEmbed(query), { topK: 3 });
        const ranked = await ce.rerank(
          query,
          dense.map((h) => h.text),
          { topK: 2 },
        );
        r = await run(
          ["search", url, query, "--json", "--top", "2", "--rerank", "--rerank-top", "3"].concat(
            ["--rerank-model", TEST_CROSS_ENCODER],
            Q,
          ),
        );
        assert.equal(r.code, 0, r.stderr);
        const hits = r.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { id: string; score: number; dense_score: number });
        assert.deepEqual(
          hits.map((h) => h.id),
          ranked.map((x) => dense[x.index]!.docId),
        );
        hits.forEach((h, i) => {
          assert.ok(Math.abs(h.score - ranked[i]!.score) < 1e-5, `score ${h.score} vs ${ranked[i]!.score}`);
          assert.ok(Math.abs(h.dense_score - dense[ranked[i]!.index]!.score) < 1e-6, "dense_score is the cosine");
        });
      } finally {
        await kb.close();
        await ce.dispose();
      }

      r = await run(["index", "rm", url, "--id", "keys", "--id", "absent", ...noModel]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, `${display}: removed 1 of 2 records (1 rows); 1 not there\n`);
      r = await run(["index", "info", url, "--json", ...noModel]);
      assert.equal((JSON.parse(r.stdout) as { records: number }).records, 3);
      r = await run(["index", "rm", url, "--id", "cats", ...noModel]);
      assert.equal(r.code, 0, r.stderr);
      for (const verb of [["info"], ["rm", "--id", "x"]]) {
        r = await run(["index", verb[0]!, `chroma://127.0.0.1:${chroma.port}/kb-none`, ...verb.slice(1), ...noModel]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /collection kb-none holds no embedkit collection \(create one with `embedkit index add/);
      }
      const names = (await chroma.api<{ name: string }[]>("GET", `${NS}/collections`)).map((c) => c.name);
      assert.ok(names.includes("kb-ops") && !names.includes("kb-none"), `info and rm create nothing: ${names}`);
    });

    test("refusals: unreachable server (exit 2, host and port), another model, bad URL or collection, flags that do not apply", async () => {
      const docs = join(dir, "docs.jsonl");
      const base = `chroma://127.0.0.1:${chroma.port}`;
      const closed = await closedPort();
      let r = await run(["index", "add", `chroma://127.0.0.1:${closed}/kb-x`, "--input", docs, ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`\\[database_unreachable\\]: the Chroma server at 127\\.0\\.0\\.1:${closed} cannot be reached`),
      );
      r = await run(["search", `chroma://127.0.0.1:${closed}/kb-x`, "x", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`\\[database_unreachable\\]: .*127\\.0\\.0\\.1:${closed}`));
      // fetch never connects to the Fetch standard's "bad ports": said so, not "unreachable"
      r = await run(["search", "chroma://127.0.0.1:1/kb-x", "x", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /\[invalid_option\]: url http:\/\/127\.0\.0\.1:1: port 1 is one Node's fetch never connects to/,
      );
      // collection docs: made by the outer before() for MiniLM; -m bge-small is another model
      r = await run(["index", "add", `${base}/docs`, "--input", docs, "-m", TEST_MODELS.bgeSmallEn, ...Q]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /\[sink_settings_mismatch\]: collection docs holds vectors of sentence-transformers\/all-MiniLM-L6-v2/,
      );
      r = await run(["index", "add", `${base}/x`, "--input", docs, ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\[invalid_option\]: collection must be 3\.\.512 characters/);
      r = await run(["index", "add", `${base}/`, "--input", docs, ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /\[invalid_option\]: url must be a chroma:\/\/host:port\/COLLECTION URL; it names no collection/,
      );
      r = await run(["index", "add", `${base}/kb-cli`, "--input", docs, "--progress", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--progress is not available with a chroma:\/\/ target/);
      r = await run(["index", "add", `${base}/kb-cli`, "--input", docs, "--sparse", "bm25", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /--sparse is not available with a chroma:\/\/ target: the Chroma sink stores dense vectors only/,
      );
      r = await run(["index", "optimize", `${base}/kb-cli`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /a postgres:\/\/ table or a chroma:\/\/ collection works with `index add\|info\|rm`/);
      r = await run(["search", `${base}/kb-cli`, "x", "--ef", "64", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--ef is not available with a chroma:\/\/ target/);
      r = await run(["search", `${base}/kb-cli`, "x", "--mode", "hybrid", ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /--mode is not available with a chroma:\/\/ target: a Chroma collection is searched dense only/,
      );
      r = await run(["search", `${base}/kb-cli`, "x", "--filter", '{"lang":{"$in":["en"]}}', ...Q]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /filter\.lang must be a string, finite number, boolean or null/);
      r = await run(["index", "add", `${base}/kb-bad`, "--input", join(dir, "bad-meta.jsonl"), "-m", MODEL, ...Q]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /\[invalid_input\]: line 2 of .*bad-meta\.jsonl: records\[1\]\.metadata must be a JSON object/,
      );
    });
  });
});

describe("ChromaSink connection failures", { timeout: 30_000 }, () => {
  test("a closed port is database_unreachable naming host and port", async () => {
    const port = await closedPort();
    const d = await rejects(
      ChromaSink.open({ url: `http://127.0.0.1:${port}`, collection: "kb1", model: MODEL, dimension: DIM }),
      "database_unreachable",
      new RegExp(`the Chroma server at 127\\.0\\.0\\.1:${port} cannot be reached`),
    );
    assert.deepEqual([d["host"], d["port"], d["errno"]], ["127.0.0.1", port, "ECONNREFUSED"]);
  });

  test("a server that accepts and never answers: database_unreachable after connectTimeoutMs", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = Date.now();
      const d = await rejects(
        ChromaSink.open({
          url: `http://127.0.0.1:${port}`,
          collection: "kb1",
          model: MODEL,
          dimension: DIM,
          connectTimeoutMs: 500,
        }),
        "database_unreachable",
        /no answer within 500 ms/,
      );
      assert.deepEqual([d["port"], d["errno"]], [port, "timeout"]);
      // A bound on waiting (the error's contract), not a speed claim.
      assert.ok(Date.now() - started < 5000, `waited ${Date.now() - started} ms`);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });
});
