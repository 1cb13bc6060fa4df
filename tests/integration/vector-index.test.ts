/**
 * VectorIndex on real LanceDB files and real models: add/search/delete/info, upsert by content
 * hash (a re-run changes nothing), late chunking offsets and vectors, metadata filters (with an
 * injection attempt), the query prompt, and the typed errors of bad records and mismatched opens.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { VectorIndex } from "../../src/index/vector-index.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { openTestCrossEncoder } from "../helpers/cross-encoder.js";

const DOCS = [
  {
    id: "keys",
    text: "Rotate the API keys every ninety days from the security console.",
    metadata: { lang: "en", year: 2024 },
  },
  { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en", year: 2023 } },
  { id: "pain", text: "Le pain se fait avec de la farine, de l'eau et du sel.", metadata: { lang: "fr", year: 2024 } },
  { id: "quote", text: "O'Brien's notes on the harbour tides.", metadata: { lang: "en' OR '1'='1", year: 2022 } },
];

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out.push(`${p}:${(await stat(p)).size}`);
    }
  }
  return out.sort();
}

function rejectsWith(code: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

describe("VectorIndex", () => {
  let root: string;
  let minilm: TextEmbedding;
  let e5: TextEmbedding;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "embedkit-vindex-"));
    minilm = await openTestModel(TEST_MODELS.miniLM); // fp32: int8 (dynamic quantization) depends on the batch
    e5 = await openTestModel(TEST_MODELS.e5Small, { quantization: "int8" });
  });
  after(async () => {
    await minilm.dispose();
    await e5.dispose();
    await rm(root, { recursive: true, force: true });
  });

  test("add, search, re-run changes nothing, update replaces, delete, info", async () => {
    const dir = join(root, "basic");
    const index = await VectorIndex.open(dir, { engine: minilm });
    assert.deepEqual(await index.add(DOCS), { added: 4, updated: 0, unchanged: 0, chunks: 4 });
    const hits = await index.search("how often should I rotate keys?", { topK: 2 });
    assert.equal(hits.length, 2);
    assert.equal(hits[0]!.id, "keys");
    assert.equal(hits[0]!.text, DOCS[0]!.text);
    assert.deepEqual([hits[0]!.start, hits[0]!.end], [0, DOCS[0]!.text.length]);
    assert.deepEqual(hits[0]!.metadata, DOCS[0]!.metadata);
    // the score is the cosine of the query's and the passage's own embeddings
    const q = await minilm.queryEmbed("how often should I rotate keys?");
    const p = await minilm.passageEmbed(DOCS[0]!.text);
    assert.ok(Math.abs(hits[0]!.score - dot(q, p)) < 1e-5, `${hits[0]!.score} vs ${dot(q, p)}`);
    assert.ok(hits[0]!.score >= hits[1]!.score);

    const before = await files(dir);
    assert.deepEqual(await index.add(DOCS), { added: 0, updated: 0, unchanged: 4, chunks: 0 });
    assert.deepEqual(await files(dir), before, "a re-run wrote nothing");

    const changed = { ...DOCS[1]!, text: "Dogs love long walks in the park." };
    assert.deepEqual(await index.add([changed, DOCS[0]]), { added: 0, updated: 1, unchanged: 1, chunks: 1 });
    const [row] = await index.chunksOf(["cats"]);
    assert.equal(row!.text, changed.text);
    assert.ok(Math.abs(dot(row!.vector, await minilm.passageEmbed(changed.text)) - 1) < 1e-5);

    assert.deepEqual(await index.delete(["pain", "nope"]), { deleted: 1 });
    const info = await index.info();
    assert.equal(info.model, TEST_MODELS.miniLM);
    assert.equal(info.dimension, 384);
    assert.equal(info.records, 3);
    assert.equal(info.chunks, 3);
    assert.ok(info.bytesOnDisk > 0);
    assert.deepEqual(info.metadataFields, { lang: "string", year: "number" });
    // the same facts read from the folder alone, without a model
    assert.deepEqual(await VectorIndex.inspect(index.path), info);
    await assert.rejects(
      VectorIndex.inspect(join(root, "no-index-here")),
      rejectsWith("invalid_option", /holds no vector index/),
    );
    await index.close();
    await assert.rejects(index.search("x"), rejectsWith("disposed"));
  });

  test("metadata filters: equality, $in, quotes kept literal, injection matches nothing", async () => {
    const index = await VectorIndex.open(join(root, "filters"), { engine: minilm });
    await index.add(DOCS);
    const ids = async (filter: Record<string, unknown>) =>
      (await index.search("notes", { topK: 10, filter: filter as never })).map((h) => h.id).sort();
    assert.deepEqual(await ids({ lang: "fr" }), ["pain"]);
    assert.deepEqual(await ids({ lang: "en", year: 2024 }), ["keys"]);
    assert.deepEqual(await ids({ year: { $in: [2023, 2022] } }), ["cats", "quote"]);
    assert.deepEqual(await ids({ lang: "en' OR '1'='1" }), ["quote"], "the quote is a literal character");
    assert.deepEqual(await ids({ lang: "x' OR '1'='1" }), [], "an injection attempt matches nothing");
    assert.deepEqual(await ids({ lang: "en\\' OR 1=1 --" }), []);
    await assert.rejects(
      index.search("notes", { filter: { colour: "red" } }),
      rejectsWith("unknown_filter_field", /colour/),
    );
    await assert.rejects(
      index.search("notes", { filter: { year: "2024" } as never }),
      rejectsWith("invalid_option", /filter\.year must be a number/),
    );
    await assert.rejects(
      index.search("notes", { filter: { year: { $in: [] } } }),
      rejectsWith("invalid_option", /filter\.year\.\$in/),
    );
    await assert.rejects(index.search("notes", { topK: 0 }), rejectsWith("invalid_option", /topK/));
    await assert.rejects(index.search("  "), rejectsWith("invalid_input", /query/));
    await index.close();
  });

  test("embedQuery: the caller's query vector is searched, after the options are checked; a wrong length is typed", async () => {
    const index = await VectorIndex.open(join(root, "embed-query"), { engine: minilm });
    await index.add(DOCS);
    const asked: string[] = [];
    const embedQuery = async (q: string) => {
      asked.push(q);
      return minilm.queryEmbed(q);
    };
    const own = await index.search("cats at dusk", { topK: 3 });
    assert.deepEqual(await index.search("cats at dusk", { topK: 3, embedQuery }), own);
    assert.deepEqual(asked, ["cats at dusk"]);
    // another vector gives other hits: the one given is the one searched
    const other = await index.search("cats at dusk", { topK: 1, embedQuery: () => minilm.queryEmbed("bread flour") });
    assert.equal(other[0]!.id, "pain");
    await assert.rejects(index.search("x", { topK: 0, embedQuery }), rejectsWith("invalid_option", /topK/));
    await assert.rejects(
      index.search("x", { filter: { colour: "red" }, embedQuery }),
      rejectsWith("unknown_filter_field"),
    );
    assert.deepEqual(asked, ["cats at dusk"], "bad options fail before the query is embedded");
    await assert.rejects(
      index.search("x", { embedQuery: async () => new Float32Array(8) }),
      rejectsWith("index_dimension_mismatch", /stores 384-dimensional vectors; embedQuery gave 8/),
    );
    await index.close();
  });

  test("bad records: typed error naming the record; the records before it are kept", async () => {
    const index = await VectorIndex.open(join(root, "bad"), { engine: minilm });
    const bad = [DOCS[0], DOCS[1], { text: "no id here" }, DOCS[2]];
    await assert.rejects(index.add(bad), rejectsWith("invalid_input", /records\[2\]\.id/));
    assert.equal((await index.info()).records, 2);
    await assert.rejects(index.add([{ id: "x" }]), rejectsWith("invalid_input", /records\[0\]\.text must be a string/));
    await assert.rejects(index.add([{ id: "x", text: "  " }]), rejectsWith("invalid_input", /records\[0\]\.text/));
    await assert.rejects(
      index.add([{ id: "x", text: "t", metadata: { year: "new" } }]),
      rejectsWith("invalid_input", /records\[0\]\.metadata\.year must be a number/),
    );
    await assert.rejects(
      index.add([{ id: "x", text: "t", metadata: { "a b": 1 } }]),
      rejectsWith("invalid_input", /records\[0\]\.metadata field names/),
    );
    await assert.rejects(
      index.add([{ id: "x", text: "t", metadata: { tags: ["a"] } }]),
      rejectsWith("invalid_input", /metadata\.tags must be a string, a finite number or a boolean/),
    );
    assert.equal((await index.info()).records, 2);
    await index.close();
  });

  test("reopening with another model, dimension or chunking is a typed error", async () => {
    const dir = join(root, "mismatch");
    const index = await VectorIndex.open(dir, { engine: minilm });
    await index.add(DOCS.slice(0, 1));
    await index.close();
    await assert.rejects(
      VectorIndex.open(dir, { engine: e5 }),
      rejectsWith("index_model_mismatch", /all-MiniLM-L6-v2/),
    );
    await assert.rejects(
      VectorIndex.open(dir, { model: TEST_MODELS.bgeSmallEn }),
      rejectsWith("index_model_mismatch", /bge-small-en-v1\.5/),
    );
    await assert.rejects(
      VectorIndex.open(dir, { engine: minilm, dimensions: 128 }),
      rejectsWith("index_dimension_mismatch", /384/),
    );
    await assert.rejects(
      VectorIndex.open(dir, { engine: minilm, chunking: { strategy: "late" } }),
      rejectsWith("invalid_option", /chunking/),
    );
    await assert.rejects(VectorIndex.open(join(root, "none-yet")), rejectsWith("invalid_option", /model is required/));
    const again = await VectorIndex.open(dir, { engine: minilm });
    assert.equal((await again.info()).records, 1);
    await again.close();
  });

  test("late chunking: offsets slice the text, vectors equal embedChunks', replaced whole on update", async () => {
    const long = Array.from(
      { length: 12 },
      (_, i) => `Sentence ${i} talks about topic number ${i} in some detail. It adds a second clause.`,
    ).join(" ");
    const index = await VectorIndex.open(join(root, "late"), {
      engine: minilm,
      chunking: { strategy: "late", size: 32 },
    });
    const r = await index.add([{ id: "long", text: long }]);
    assert.ok(r.chunks > 3, `chunks: ${r.chunks}`);
    const rows = await index.chunksOf(["long"]);
    assert.equal(rows.length, r.chunks);
    const ref: Float32Array[] = [];
    for await (const d of minilm.embedChunks([{ id: "long", text: long }], {
      chunking: { strategy: "late", size: 32 },
    }))
      ref.push(...d.chunks.map((c) => c.vector));
    rows.forEach((row, i) => {
      assert.equal(row.chunkIndex, i);
      assert.equal(row.text, long.slice(row.start, row.end));
      assert.ok(dot(row.vector, ref[i]!) > 0.99999);
    });
    await index.add([{ id: "long", text: "Now it is short." }]);
    const after = await index.chunksOf(["long"]);
    assert.deepEqual(
      after.map((x) => x.text),
      ["Now it is short."],
    );
    await index.close();
  });

  test("queries are embedded with the model's query prompt (E5 'query: ')", async () => {
    const index = await VectorIndex.open(join(root, "e5"), { engine: e5 });
    await index.add(DOCS);
    const [hit] = await index.search("rotate keys", { topK: 1 });
    const [row] = await index.chunksOf([hit!.id]);
    const withPrompt = await e5.queryEmbed("rotate keys");
    const without = (await e5.embedAll(["rotate keys"]))[0]!;
    assert.ok(Math.abs(hit!.score - dot(withPrompt, row!.vector)) < 1e-5);
    assert.ok(Math.abs(hit!.score - dot(without, row!.vector)) > 1e-3, "the prompt changed the query vector");
    assert.equal(index.settings.prompts.query, "query: ");
    await index.close();
  });

  test("rerank: the dense top N reordered by the cross-encoder's scores", async () => {
    const ce = await openTestCrossEncoder();
    try {
      const index = await VectorIndex.open(join(root, "rerank"), { engine: minilm });
      await index.add(DOCS);
      const query = "cats hunting in the evening";
      const dense = await index.search(query, { topK: 3 });
      const hits = await index.search(query, { topK: 2, rerank: { model: ce, topN: 3 } });
      const ref = await ce.rerank(
        query,
        dense.map((h) => h.text),
        { topK: 2 },
      );
      assert.deepEqual(
        hits.map((h) => [h.id, h.score, h.denseScore]),
        ref.map((r) => [dense[r.index]!.id, r.score, dense[r.index]!.score]),
      );
      await assert.rejects(
        index.search(query, { rerank: { model: ce, topN: 0 } }),
        rejectsWith("invalid_option", /rerank\.topN/),
      );
      await index.close();
    } finally {
      await ce.dispose();
    }
  });
});
