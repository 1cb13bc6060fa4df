/**
 * The vector index's ANN index, compaction and binary precision, on real LanceDB files in temp
 * folders: through the store adapter with seeded synthetic vectors (enough rows to train IVF_PQ
 * in well under a second), and through VectorIndex with the int8 MiniLM model on a few records.
 *
 * - ANN built, then searched at high nprobes / ef / refine factor: the exact top-10, per kind;
 * - chunks written after the build are found, and reported as not covered until optimize;
 * - compaction keeps every record exactly once and leaves fewer version files;
 * - binary + rescoring gives quantizedSearch's hits in quantizedSearch's order (rescored
 *   against the bits), the exact cosine order of the same candidates (rescored against float32),
 *   and the Hamming order without rescoring; ties at the candidate cut are kept by id;
 * - bad options are typed errors naming the field, the limit and the value.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { quantizeEmbeddings } from "../../src/pooling/quantize.js";
import { quantizedSearch } from "../../src/search/quantized-search.js";
import { searchChunks, type ChunkSearch } from "../../src/index/chunk-search.js";
import { annInfo, optimizeIndex } from "../../src/index/optimize-index.js";
import type { ChunkRow, ChunkStore } from "../../src/index/store/chunk-store.js";
import { openLanceStore } from "../../src/index/store/lance-store.js";
import { VectorIndex } from "../../src/index/vector-index.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const DIM = 64;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` unit vectors around 20 random centres (seeded). */
function clustered(n: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: DIM }, () => r() - 0.5));
  return Array.from({ length: n }, (_, i) => {
    const c = centres[i % centres.length]!;
    const v = Float32Array.from(c, (x) => x + 0.35 * (r() - 0.5));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function chunkRows(vectors: readonly Float32Array[], from = 0): ChunkRow[] {
  return vectors.map((vector, i) => ({
    docId: `d${String(from + i).padStart(5, "0")}`,
    chunkIndex: 0,
    text: `row ${from + i}`,
    start: 0,
    end: 0,
    hash: `h${from + i}`,
    metadata: {},
    vector,
  }));
}

async function put(store: ChunkStore, rows: readonly ChunkRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 400) {
    const part = rows.slice(i, i + 400);
    await store.replaceDocs(
      part.map((r) => r.docId),
      part,
    );
  }
}

function search(over: Partial<ChunkSearch> & Pick<ChunkSearch, "limit">): ChunkSearch {
  return {
    where: [],
    precision: "float32",
    ann: undefined,
    tuning: {},
    exact: false,
    rescore: 4,
    rescoreWith: "float32",
    ...over,
  };
}

function rejectsWith(code: string, field?: string, re?: RegExp) {
  return (e: unknown) => {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.equal(e.details["field"], field, e.message);
    if (re) assert.match(e.message, re);
    return true;
  };
}

async function versionFiles(dir: string): Promise<number> {
  return (await readdir(join(dir, "chunks.lance", "_versions"))).length;
}

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), "embedkit-ann-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("ANN index through the store adapter (synthetic vectors)", () => {
  const docs = clustered(1200, 7);
  const queries = clustered(12, 99);

  for (const [type, tuning] of [
    ["ivf_hnsw_sq", { ef: 1200, refineFactor: 50 }],
    ["ivf_pq", { nprobes: 35, refineFactor: 50 }],
    ["ivf_flat", { nprobes: 35 }],
  ] as const) {
    test(`${type}: built over 1,200 rows, searched at high knobs, gives the exact top-10`, async () => {
      const dir = join(root, `store-${type}`);
      const store = await openLanceStore(dir, { dim: DIM });
      try {
        await put(store, chunkRows(docs));
        const r = await optimizeIndex(dir, store, { ann: { type } });
        assert.equal(r.ann?.type, type);
        assert.equal(r.ann?.indexedChunks, 1200);
        assert.equal(r.ann?.unindexedChunks, 0);
        const ann = (await annInfo(dir, store)) ?? undefined;
        assert.equal(ann?.partitions, type === "ivf_hnsw_sq" ? 1 : 35); // sqrt(1200) rounded
        let approximateDiffers = false;
        for (const q of queries) {
          const exact = await searchChunks(store, q, search({ limit: 10, exact: true }));
          const found = await searchChunks(store, q, search({ limit: 10, ann, tuning }));
          assert.deepEqual(
            found.map((h) => h.docId),
            exact.map((h) => h.docId),
          );
          const cheap = await searchChunks(
            store,
            q,
            search({ limit: 10, ann, tuning: { nprobes: 1, ef: 10, refineFactor: 1 } }),
          );
          if (cheap.map((h) => h.docId).join() !== exact.map((h) => h.docId).join()) approximateDiffers = true;
        }
        // the knobs reach the index: at one probe (IVF) or ef 10 (HNSW) some top-10 is not the exact one
        if (type !== "ivf_hnsw_sq") assert.ok(approximateDiffers, "nprobes 1 changed no result: is the ANN used?");
      } finally {
        store.close();
      }
    });
  }

  test("rows written after the build are found, reported unindexed, and covered after compaction", async () => {
    const dir = join(root, "store-late-rows");
    const store = await openLanceStore(dir, { dim: DIM });
    try {
      await put(store, chunkRows(docs));
      await optimizeIndex(dir, store, { ann: { type: "ivf_pq" } });
      const ann = (await annInfo(dir, store)) ?? undefined;
      // new rows: copies of the queries, so each is its query's nearest chunk
      await put(store, chunkRows(queries, 50_000));
      assert.deepEqual(
        { ...(await annInfo(dir, store)), partitions: 0 },
        { type: "ivf_pq", partitions: 0, indexedChunks: 1200, unindexedChunks: 12 },
      );
      for (const [i, q] of queries.entries()) {
        const [top] = await searchChunks(store, q, search({ limit: 10, ann, tuning: { nprobes: 1 } }));
        assert.equal(top?.docId, `d${50_000 + i}`);
        assert.ok(Math.abs(top!.score - 1) < 1e-5, `score ${top!.score}`);
      }
      const r = await optimizeIndex(dir, store, {});
      assert.equal(r.ann?.indexedChunks, 1212);
      assert.equal(r.ann?.unindexedChunks, 0);
    } finally {
      store.close();
    }
  });

  test("compaction keeps every record exactly once and removes old versions", async () => {
    const dir = join(root, "store-compact");
    const store = await openLanceStore(dir, { dim: DIM });
    try {
      const rows = chunkRows(docs.slice(0, 300));
      for (let i = 0; i < rows.length; i += 30) {
        const part = rows.slice(i, i + 30);
        await store.replaceDocs(
          part.map((r) => r.docId),
          part,
        );
      }
      // replace 50 records (new vectors), delete 20
      const changed = chunkRows(docs.slice(600, 650)).map((r, i) => ({ ...r, docId: rows[i]!.docId, hash: "new" }));
      await store.replaceDocs(
        changed.map((r) => r.docId),
        changed,
      );
      await store.deleteDocs(rows.slice(280).map((r) => r.docId));
      const before = await versionFiles(dir);
      const r = await store.compact();
      const afterCompact = await versionFiles(dir);
      assert.ok(afterCompact < before, `version files ${before} -> ${afterCompact}`);
      assert.ok(r.versionsRemoved > 0 && r.filesRemoved > 0, JSON.stringify(r));
      assert.equal(await store.countChunks(), 280);
      const all = await store.readDocs(rows.map((x) => x.docId));
      assert.deepEqual(
        all.map((x) => x.docId),
        rows.slice(0, 280).map((x) => x.docId),
      );
      assert.deepEqual(
        all.slice(0, 50).map((x) => [x.hash, Array.from(x.vector)]),
        changed.map((x) => [x.hash, Array.from(x.vector)]),
      );
    } finally {
      store.close();
    }
  });

  test("binary: Hamming first pass then rescoring equals quantizedSearch (same ids, same order)", async () => {
    const dir = join(root, "store-binary");
    const store = await openLanceStore(dir, { dim: DIM, binary: true });
    try {
      const rows = chunkRows(docs.slice(0, 500));
      await put(store, rows);
      // quantizedSearch over the rows in (record id, chunk index) order: its row number breaks ties
      const corpus = { precision: "binary" as const, dim: DIM, rows: quantizeEmbeddings(docs.slice(0, 500), "binary") };
      const idOf = (i: number | string) => rows[i as number]!.docId;
      let tiesAtCut = 0;
      for (const q of queries) {
        const bits = await searchChunks(store, q, search({ limit: 10, precision: "binary", rescoreWith: "bits" }));
        const want = quantizedSearch({ query: q, corpus, topK: 10, rescoreMultiplier: 4 });
        assert.deepEqual(
          bits.map((h) => [h.docId, h.score]),
          want.map((h) => [idOf(h.id), h.score]),
        );
        const first = quantizedSearch({ query: q, corpus, topK: 40, rescore: false });
        if (first[39]!.score === quantizedSearch({ query: q, corpus, topK: 41, rescore: false })[40]!.score)
          tiesAtCut++;
        const plain = await searchChunks(store, q, search({ limit: 10, precision: "binary", rescore: false }));
        assert.deepEqual(
          plain.map((h) => h.docId),
          first.slice(0, 10).map((h) => idOf(h.id)),
        );
        // rescored against the float32 vectors: the 40 Hamming candidates in exact cosine order
        const float = await searchChunks(store, q, search({ limit: 10, precision: "binary" }));
        const cos = (v: Float32Array) => v.reduce((s, x, j) => s + x * q[j]!, 0);
        const byCosine = first
          .map((h) => ({ id: idOf(h.id), score: cos(docs[h.id as number]!) }))
          .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
        assert.deepEqual(
          float.map((h) => h.docId),
          byCosine.slice(0, 10).map((h) => h.id),
        );
      }
      assert.ok(tiesAtCut > 0, "no query had Hamming ties at the 40th candidate: the tie path went untested");
    } finally {
      store.close();
    }
  });
});

describe("VectorIndex: optimize, ANN search options, binary precision (int8 MiniLM)", () => {
  let model: TextEmbedding;
  const texts = [
    "Rotate the API keys every ninety days from the security console.",
    "Cats sleep for most of the day and hunt at dusk.",
    "Bread is made from flour, water, salt and yeast.",
    "The harbour tides are highest at the new moon.",
    "A kettle boils water faster than a saucepan.",
    "Backups are copied to a second region every night.",
    "The museum opens at nine and closes at five.",
    "Tomatoes need sun and regular watering.",
    "The train to the airport leaves every fifteen minutes.",
    "Passwords must be at least twelve characters long.",
    "Owls hunt at night and sleep during the day.",
    "The library lends books for three weeks.",
  ];
  const records = texts.map((text, i) => ({ id: `r${i}`, text }));
  before(async () => {
    model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
  });
  after(async () => {
    await model.dispose();
  });

  test("optimize builds the ANN index; info reports it; later records are found; exact agrees", async () => {
    const dir = join(root, "vi-ann");
    const index = await VectorIndex.open(dir, { engine: model });
    try {
      await index.add(records.slice(0, 10));
      assert.equal((await index.info()).ann, null);
      const r = await index.optimize({ ann: { type: "ivf_hnsw_sq" } });
      assert.deepEqual(r.ann, { type: "ivf_hnsw_sq", partitions: 1, indexedChunks: 10, unindexedChunks: 0 });
      const q = "how often should keys be rotated?";
      const ann = await index.search(q, { topK: 3 });
      const exact = await index.search(q, { topK: 3, exact: true });
      assert.equal(ann[0]?.id, "r0");
      assert.deepEqual(
        ann.map((h) => h.id),
        exact.map((h) => h.id),
      );
      await index.add(records.slice(10));
      const info = await index.info();
      assert.deepEqual(info.ann, { type: "ivf_hnsw_sq", partitions: 1, indexedChunks: 10, unindexedChunks: 2 });
      assert.equal(info.precision, "float32");
      assert.equal((await index.search("which birds hunt at night?", { topK: 1 }))[0]?.id, "r10");
      const again = await index.optimize();
      assert.equal(again.ann?.unindexedChunks, 0);
      assert.equal(again.ann?.indexedChunks, 12);
    } finally {
      await index.close();
    }
  });

  test("binary precision: search equals quantizedSearch over the stored vectors; reopen checks precision", async () => {
    const dir = join(root, "vi-binary");
    const index = await VectorIndex.open(dir, { engine: model, precision: "binary" });
    try {
      await index.add(records);
      const stored = await index.chunksOf(records.map((r) => r.id)); // by id then chunk: quantizedSearch's row order
      const corpus = {
        precision: "binary" as const,
        dim: model.dim,
        rows: quantizeEmbeddings(
          stored.map((c) => c.vector),
          "binary",
        ),
      };
      for (const q of ["which birds hunt at night?", "how long can I borrow a book?"]) {
        const hits = await index.search(q, { topK: 3, rescore: 2, rescoreWith: "bits" });
        const want = quantizedSearch({ query: await model.queryEmbed(q), corpus, topK: 3, rescoreMultiplier: 2 });
        assert.deepEqual(
          hits.map((h) => [h.id, h.score]),
          want.map((h) => [stored[h.id as number]!.docId, h.score]),
        );
      }
      assert.equal((await index.info()).precision, "binary");
    } finally {
      await index.close();
    }
    await assert.rejects(
      VectorIndex.open(dir, { engine: model, precision: "float32" }),
      rejectsWith("index_precision_mismatch", "precision", /built with precision binary; precision float32/),
    );
    const reopened = await VectorIndex.open(dir, { engine: model });
    assert.equal((await reopened.info()).precision, "binary");
    await reopened.close();
  });

  test("bad options are typed errors naming the field, the limit and the value", async () => {
    const dir = join(root, "vi-bad");
    const index = await VectorIndex.open(dir, { engine: model });
    try {
      await index.add(records.slice(0, 4));
      const q = "keys";
      await assert.rejects(
        index.search(q, { nprobes: 0 }),
        rejectsWith("invalid_option", "nprobes", /from 1 to 65536, got 0/),
      );
      await assert.rejects(index.search(q, { ef: 2.5 }), rejectsWith("invalid_option", "ef", /got 2\.5/));
      await assert.rejects(
        index.search(q, { refineFactor: 5000 }),
        rejectsWith("invalid_option", "refineFactor", /1 to 1000/),
      );
      await assert.rejects(
        index.search(q, { exact: "yes" as unknown as boolean }),
        rejectsWith("invalid_option", "exact", /true or false/),
      );
      await assert.rejects(index.search(q, { rescore: 4 }), rejectsWith("invalid_option", "rescore", /binary index/));
      await assert.rejects(
        index.optimize({ ann: { type: "hnsw" as "ivf_pq" } }),
        rejectsWith("invalid_option", "ann.type", /one of ivf_hnsw_sq, ivf_pq, ivf_flat, got "hnsw"/),
      );
      await assert.rejects(
        index.optimize({ ann: { type: "ivf_pq", subVectors: 5 } }),
        rejectsWith("invalid_option", "ann.subVectors", /divide the dimension 384/),
      );
      await assert.rejects(
        index.optimize({ ann: { type: "ivf_flat", m: 8 } }),
        rejectsWith("invalid_option", "ann.m", /does not apply to ivf_flat/),
      );
      await assert.rejects(
        index.optimize({ ann: { type: "ivf_pq" } }),
        rejectsWith("invalid_option", "ann", /needs at least 256 chunks to train; the index holds 4/),
      );
      assert.equal((await index.info()).ann, null); // nothing was built
      await index.optimize({ ann: {} });
      assert.equal((await index.info()).ann?.type, "ivf_hnsw_sq");
      await assert.rejects(
        index.search(q, { topK: 3, ef: 5 }),
        rejectsWith("invalid_option", "ef", /at least topK × refineFactor \(3 × 4 = 12\), got 5/),
      );
      assert.equal((await index.search(q, { topK: 3, ef: 12 })).length, 3);
    } finally {
      await index.close();
    }
    await assert.rejects(
      VectorIndex.open(join(root, "vi-bad-2"), { engine: model, precision: "int8" as "binary" }),
      rejectsWith("invalid_option", "precision", /one of float32, binary, got "int8"/),
    );
    await assert.rejects(
      VectorIndex.open(dir, { engine: model, precision: "binary" }),
      rejectsWith("index_precision_mismatch", "precision"),
    );
  });
});
