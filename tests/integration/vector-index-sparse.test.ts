/**
 * VectorIndex with sparse vectors, on real LanceDB files, the real MiniLM int8 model and the real
 * splade-tiny model: BM25 top-k equals brute-force Bm25Index scoring over the stored chunks (also
 * after an update and a delete change N, df and avgdl), hybrid equals fuse() of the dense and
 * sparse lists, filters apply to both lists before they are cut, SPLADE scores equal dot products
 * of SparseTextEmbedding's vectors, each chunk's sparse vector is in its row, hybrid searches
 * during an ingest see whole records, and every bad option is a typed error naming it.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { VectorIndex } from "../../src/index/vector-index.js";
import type { IndexHit, SearchOptions } from "../../src/index/vector-index-options.js";
import { termCountVector } from "../../src/index/sparse-encoder.js";
import { fuse } from "../../src/search/fuse.js";
import { Bm25Analyzer } from "../../src/sparse/bm25-analyzer.js";
import { Bm25Index } from "../../src/sparse/bm25-index.js";
import { sparseDot } from "../../src/sparse/sparse-vector.js";
import { SparseTextEmbedding } from "../../src/sparse/sparse-text-embedding.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { openTestCrossEncoder } from "../helpers/cross-encoder.js";

const CHUNKING = { strategy: "naive", by: "sentences", size: 20 } as const;

const DOCS = [
  {
    id: "keys",
    text: "Rotate the API keys every ninety days. The security console lists every key and its age. Old keys are revoked after rotation.",
    metadata: { lang: "en", team: "sec" },
  },
  {
    id: "tokens",
    text: "Access tokens expire after one hour. Refresh tokens rotate on every use.",
    metadata: { lang: "en", team: "sec" },
  },
  { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en", team: "pets" } },
  {
    id: "dogs",
    text: "Dogs love long walks in the park. A dog needs a walk every day, and some dogs need two.",
    metadata: { lang: "en", team: "pets" },
  },
  {
    id: "pain",
    text: "Le pain se fait avec de la farine, de l'eau et du sel. La clé du pain est le temps.",
    metadata: { lang: "fr", team: "food" },
  },
  {
    id: "cles",
    text: "Changez les clés API tous les trois mois. La console de sécurité montre chaque clé.",
    metadata: { lang: "fr", team: "sec" },
  },
  { id: "tides", text: "Tides rise and fall twice a day along the harbour.", metadata: { lang: "en", team: "sea" } },
  {
    id: "keyboard",
    text: "A mechanical keyboard has a switch under every key. Keys wear out after years of use.",
    metadata: { lang: "en", team: "hw" },
  },
];

const QUERIES = ["how often should I rotate the API keys?", "dog walks every day", "clé de sécurité", "key use"];

function rejectsWith(code: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

const key = (h: { id: string; chunkIndex: number }) => `${h.chunkIndex}:${h.id}`;

/**
 * Brute force: every stored chunk of `ids` into the existing Bm25Index, in (id, chunk) order
 * (so the corpus statistics are the whole index's), all scored; then those passing `keep`, best k.
 */
async function bruteBm25(
  index: VectorIndex,
  ids: readonly string[],
  query: string,
  k: number,
  keep: (id: string) => boolean = () => true,
) {
  const rows = await index.chunksOf(ids);
  const bm25 = new Bm25Index();
  bm25.add(rows.map((r) => ({ id: `${r.chunkIndex}:${r.docId}`, text: r.text })));
  return bm25
    .search(query, { topK: rows.length })
    .filter((h) => keep(String(h.id).slice(String(h.id).indexOf(":") + 1)))
    .slice(0, k)
    .map((h) => ({ key: String(h.id), score: h.score }));
}

function assertSameHits(got: readonly IndexHit[], want: readonly { key: string; score: number }[], what: string) {
  assert.deepEqual(
    got.map(key),
    want.map((w) => w.key),
    `${what}: same chunks, same order`,
  );
  got.forEach((h, i) =>
    assert.ok(Math.abs(h.score - want[i]!.score) < 1e-5, `${what}: ${h.score} vs ${want[i]!.score}`),
  );
}

describe("VectorIndex sparse and hybrid", () => {
  let root: string;
  let minilm: TextEmbedding;
  let bm25: VectorIndex;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "embedkit-vindex-sparse-"));
    minilm = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
    bm25 = await VectorIndex.open(join(root, "bm25"), { engine: minilm, chunking: CHUNKING, sparse: "bm25" });
    await bm25.add(DOCS);
  });
  after(async () => {
    await bm25.close();
    await minilm.dispose();
    await rm(root, { recursive: true, force: true });
  });

  test("BM25 top-k equals brute-force Bm25Index over the stored chunks, before and after an update and a delete", async () => {
    assert.equal(bm25.settings.sparse, "bm25");
    const ids = DOCS.map((d) => d.id);
    assert.ok((await bm25.info()).chunks > DOCS.length, "records were split into several chunks");
    // each row holds its chunk's term ids and counts, written with the dense vector
    const analyzer = new Bm25Analyzer();
    for (const row of await bm25.chunksOf(ids)) {
      assert.deepEqual(row.sparse, termCountVector(analyzer.analyze(row.text)), `${row.docId}#${row.chunkIndex}`);
    }
    const before = new Map<string, IndexHit[]>();
    for (const q of QUERIES) {
      const hits = await bm25.search(q, { mode: "sparse", topK: 5 });
      assert.ok(hits.length > 0, q);
      assertSameHits(hits, await bruteBm25(bm25, ids, q, 5), q);
      before.set(q, hits);
      const row = (await bm25.chunksOf([hits[0]!.id])).find((r) => r.chunkIndex === hits[0]!.chunkIndex)!;
      assert.equal(hits[0]!.text, row.text);
      assert.deepEqual([hits[0]!.start, hits[0]!.end, hits[0]!.metadata], [row.start, row.end, row.metadata]);
    }

    // an update (longer text: avgdl and df change) and a delete (N and df change)
    const longer = { ...DOCS[3]!, text: `${DOCS[3]!.text} Keys to the kennel hang by the door; rotate the walkers.` };
    try {
      await bm25.add([longer]);
      await bm25.delete(["tokens"]);
      const now = ids.filter((id) => id !== "tokens");
      for (const q of QUERIES) {
        const hits = await bm25.search(q, { mode: "sparse", topK: 5 });
        assertSameHits(hits, await bruteBm25(bm25, now, q, 5), `${q} (after update and delete)`);
        assert.ok(!hits.some((h) => h.id === "tokens"), "the deleted record is gone");
      }
      const q = QUERIES[0]!;
      const same = (await bm25.search(q, { mode: "sparse", topK: 5 })).find((h) => h.id === "keys")!;
      const old = before.get(q)!.find((h) => h.id === "keys" && h.chunkIndex === same.chunkIndex)!;
      assert.ok(Math.abs(same.score - old.score) > 1e-4, "an untouched chunk's score moved with the corpus statistics");
    } finally {
      await bm25.add([DOCS[3]!, DOCS[1]!]); // back to DOCS for the other tests
    }
  });

  test("hybrid equals fuse() of the dense and sparse lists (rrf, weighted); default mode and hybrid: true", async () => {
    for (const q of QUERIES) {
      const dense = await bm25.search(q, { mode: "dense", topK: 6 });
      const sparse = await bm25.search(q, { mode: "sparse", topK: 6 });
      for (const fusion of ["rrf", "weighted"] as const) {
        const hits = await bm25.search(q, { mode: "hybrid", fusion, candidates: 6, topK: 4 });
        const want = fuse(
          [dense.map((h) => ({ id: key(h), score: h.score })), sparse.map((h) => ({ id: key(h), score: h.score }))],
          { method: fusion, topK: 4 },
        );
        assert.deepEqual(
          hits.map(key),
          want.map((w) => w.id),
          `${q} ${fusion}`,
        );
        hits.forEach((h, i) => {
          assert.ok(Math.abs(h.score - want[i]!.score) < 1e-9, `${q} ${fusion}: fused score`);
          const d = dense.find((x) => key(x) === key(h));
          const s = sparse.find((x) => key(x) === key(h));
          assert.equal(h.denseScore, d?.score, "denseScore: the cosine when in the dense list");
          assert.equal(h.sparseScore, s?.score, "sparseScore: the BM25 score when in the sparse list");
        });
      }
      const rrf = await bm25.search(q, { mode: "hybrid", candidates: 6, topK: 4 });
      assert.deepEqual(await bm25.search(q, { hybrid: true, candidates: 6, topK: 4 }), rrf, "hybrid: true");
      assert.deepEqual(
        await bm25.search(q, { candidates: 6, topK: 4 }),
        rrf,
        "hybrid is the default on a sparse index",
      );
    }
  });

  test("rerank comes after fusion: the fused top N reordered by the cross-encoder, first-stage scores kept", async () => {
    const ce = await openTestCrossEncoder();
    try {
      const q = QUERIES[1]!;
      for (const mode of ["hybrid", "sparse"] as const) {
        const first = await bm25.search(q, { mode, topK: 4 });
        const hits = await bm25.search(q, { mode, topK: 2, rerank: { model: ce, topN: 4 } });
        const ref = await ce.rerank(
          q,
          first.map((h) => h.text),
          { topK: 2 },
        );
        const scoreOf = (h: IndexHit) => (mode === "sparse" ? { sparseScore: h.score } : {});
        assert.deepEqual(
          hits,
          ref.map((r) => ({ ...first[r.index]!, score: r.score, ...scoreOf(first[r.index]!) })),
          mode,
        );
      }
    } finally {
      await ce.dispose();
    }
  });

  test("filters apply to both lists before they are cut", async () => {
    const ids = DOCS.map((d) => d.id);
    const lang = new Map(DOCS.map((d) => [d.id, d.metadata.lang]));
    const team = new Map(DOCS.map((d) => [d.id, d.metadata.team]));
    for (const q of QUERIES) {
      // statistics stay the whole index's: a filter selects chunks, it does not change their scores
      const fr = await bm25.search(q, { mode: "sparse", topK: 3, filter: { lang: "fr" } });
      assert.ok(fr.every((h) => h.metadata["lang"] === "fr"));
      assertSameHits(fr, await bruteBm25(bm25, ids, q, 3, (id) => lang.get(id) === "fr"), `${q} fr`);
      const filter = { team: { $in: ["sec", "hw"] } };
      const keep = (id: string) => ["sec", "hw"].includes(team.get(id)!);
      const sparse = await bm25.search(q, { mode: "sparse", topK: 3, filter });
      assertSameHits(sparse, await bruteBm25(bm25, ids, q, 3, keep), `${q} $in`);
      const dense = await bm25.search(q, { mode: "dense", topK: 3, filter });
      assert.ok(dense.every((h) => keep(h.id)));
      const hybrid = await bm25.search(q, { mode: "hybrid", candidates: 3, topK: 5, filter });
      const want = fuse(
        [dense.map((h) => ({ id: key(h), score: h.score })), sparse.map((h) => ({ id: key(h), score: h.score }))],
        { topK: 5 },
      );
      assert.deepEqual(
        hybrid.map(key),
        want.map((w) => w.id),
        `${q} hybrid filtered`,
      );
    }
  });

  test("SPLADE (splade-tiny): sparse scores equal dot products of SparseTextEmbedding's vectors", async () => {
    const splade = await SparseTextEmbedding.create({ model: "embedkit-test/splade-tiny", store: { offline: true } });
    try {
      const index = await VectorIndex.open(join(root, "splade"), {
        engine: minilm,
        chunking: CHUNKING,
        sparseEngine: splade,
      });
      await index.add(DOCS);
      assert.equal(index.settings.sparse, "embedkit-test/splade-tiny");
      const rows = await index.chunksOf(DOCS.map((d) => d.id));
      const docVectors = await splade.passageEmbed(rows.map((r) => r.text));
      rows.forEach((r, i) => assert.deepEqual(r.sparse, docVectors[i], "the stored vector is the model's"));
      for (const q of QUERIES) {
        const qv = await splade.queryEmbed(q);
        const want = rows
          .map((r, i) => ({ key: `${r.chunkIndex}:${r.docId}`, score: sparseDot(qv, docVectors[i]!) }))
          .filter((w) => w.score !== 0)
          .sort((a, b) => b.score - a.score)
          .slice(0, 4);
        assertSameHits(await index.search(q, { mode: "sparse", topK: 4 }), want, `splade ${q}`);
      }
      await index.close();
      // reopened without `sparse`, the index loads its own SPLADE model from its settings
      const again = await VectorIndex.open(join(root, "splade"), { engine: minilm, store: { offline: true } });
      assert.equal((await again.info()).sparse, "embedkit-test/splade-tiny");
      assert.equal((await again.search(QUERIES[0]!, { mode: "sparse", topK: 1 })).length, 1);
      await again.close();
    } finally {
      await splade.dispose();
    }
  });

  test("hybrid searches during an ingest that replaces records see each record wholly old or wholly new", async () => {
    const rec = (i: number, v: string) => ({
      id: `r${i}`,
      text: Array.from({ length: v === "a" ? 2 : 4 }, (_, k) => `Record ${i} item ${k} (${v}) rotates keys.`).join(" "),
      metadata: { v },
    });
    const index = await VectorIndex.open(join(root, "concurrent"), {
      engine: minilm,
      chunking: { strategy: "naive", by: "sentences", size: 10 },
      sparse: "bm25",
    });
    const N = 12;
    await index.add(
      Array.from({ length: N }, (_, i) => rec(i, "a")),
      { batchSize: 6 },
    );
    const chunksOf = async (v: string) => {
      let n = 0;
      for await (const d of minilm.embedChunks([rec(0, v)], {
        chunking: { strategy: "naive", by: "sentences", size: 10 },
      }))
        n += d.chunks.length;
      return n;
    };
    const want = { a: await chunksOf("a"), b: await chunksOf("b") };
    let ingesting = true;
    const ingest = index
      .add(
        Array.from({ length: N }, (_, i) => rec(i, "b")),
        { batchSize: 1 },
      )
      .finally(() => (ingesting = false));
    let searches = 0;
    let mixed = false;
    try {
      while (ingesting || searches === 0) {
        const hits = await index.search("item rotates keys", { mode: "hybrid", topK: 1000, candidates: 1000 });
        searches++;
        const byDoc = new Map<string, IndexHit[]>();
        for (const h of hits) byDoc.set(h.id, [...(byDoc.get(h.id) ?? []), h]);
        assert.equal(byDoc.size, N, "every record is always present");
        const versions = new Set<string>();
        for (const [id, chunks] of byDoc) {
          const v = new Set(chunks.map((c) => c.metadata["v"] as string));
          assert.equal(v.size, 1, `${id}: chunks of one version only`);
          const version = [...v][0] as "a" | "b";
          versions.add(version);
          assert.equal(chunks.length, want[version], `${id} (${version}): all its chunks`);
          assert.ok(
            chunks.every((c) => c.denseScore !== undefined),
            "every chunk is in the dense list (candidates > chunks)",
          );
        }
        if (versions.size === 2) mixed = true;
      }
    } finally {
      await ingest.catch(() => undefined);
    }
    assert.equal((await ingest).updated, N);
    assert.ok(searches > 1 && mixed, `searches saw the ingest half-way (${searches} searches)`);
    await index.close();
  });

  test("bad options: typed errors naming mode, hybrid, fusion, candidates, sparse", async () => {
    const dense = await VectorIndex.open(join(root, "dense"), { engine: minilm });
    await dense.add(DOCS.slice(0, 2));
    await assert.rejects(
      dense.search("keys", { mode: "sparse" }),
      rejectsWith("invalid_option", /mode "sparse" needs sparse vectors.*sparse: "bm25".*--sparse bm25/),
    );
    await assert.rejects(dense.search("keys", { hybrid: true }), rejectsWith("invalid_option", /mode "hybrid"/));
    assert.equal((await dense.search("keys", { mode: "dense", topK: 1 })).length, 1);
    await dense.close();
    const bad: [SearchOptions, RegExp][] = [
      [{ mode: "fuzzy" as never }, /^mode must be one of dense, sparse, hybrid, got "fuzzy"/],
      [{ hybrid: "yes" as never }, /^hybrid must be a boolean/],
      [{ hybrid: true, mode: "sparse" }, /^hybrid true asks for mode "hybrid", but mode is "sparse"/],
      [{ fusion: "max" as never }, /^fusion must be one of rrf, weighted, got "max"/],
      [{ mode: "sparse", fusion: "rrf" }, /^fusion applies to mode "hybrid" only/],
      [{ mode: "dense", candidates: 5 }, /^candidates applies to mode "hybrid" only/],
      [{ candidates: 0 }, /^candidates must be an integer from 1 to 10000, got 0/],
    ];
    for (const [options, re] of bad)
      await assert.rejects(bm25.search("keys", options), rejectsWith("invalid_option", re));
    const dir = join(root, "bm25");
    await assert.rejects(
      VectorIndex.open(dir, { engine: minilm, sparse: "embedkit-test/splade-tiny" }),
      rejectsWith("invalid_option", /sparse "embedkit-test\/splade-tiny" differs from the index's "bm25"/),
    );
    await assert.rejects(
      VectorIndex.open(join(root, "dense"), { engine: minilm, sparse: "bm25" }),
      rejectsWith("invalid_option", /sparse "bm25" differs from the index's "none"/),
    );
    for (const value of [TEST_MODELS.bgeSmallEn, "", 3]) {
      await assert.rejects(
        VectorIndex.open(join(root, "never"), { engine: minilm, sparse: value as never }),
        rejectsWith("invalid_option", /^sparse must be "none", "bm25", or a SPLADE model id or folder/),
      );
    }
    const same = await VectorIndex.open(dir, { engine: minilm, sparse: "Qdrant/bm25" }); // an alias of bm25
    assert.equal(same.settings.sparse, "bm25");
    await same.close();
  });
});
