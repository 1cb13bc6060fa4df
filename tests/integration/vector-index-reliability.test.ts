/**
 * VectorIndex under faults and concurrency, on real processes and files: an `embedkit index add`
 * child killed with SIGKILL mid-ingest leaves an index that opens and holds whole records only;
 * re-running the ingest completes it with every record exactly once and the right vectors.
 * Searches running while an ingest replaces records see each record either wholly old or wholly new.
 * An index open in this process sees what another process commits to its folder (records, a new
 * metadata field, deletes), unless opened with `readConsistencyInterval: null`.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { VectorIndex } from "../../src/index/vector-index.js";
import { spawnCli } from "../helpers/jobs.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const CHUNKING = { strategy: "late", by: "sentences", size: 12 } as const;

/** Record i: a few sentences (several chunks each), varied so vectors differ. */
function record(i: number, version = "a"): { id: string; text: string; metadata: { v: string } } {
  const n = 2 + (i % 3) + (version === "b" ? 2 : 0);
  const text = Array.from(
    { length: n },
    (_, k) => `Record ${i} (${version}) sentence ${k} mentions item ${(i * 7 + k) % 50}.`,
  ).join(" ");
  return { id: `r${i}`, text, metadata: { v: version } };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe("VectorIndex reliability", () => {
  let root: string;
  let model: TextEmbedding;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "embedkit-vindex-rel-"));
    model = await openTestModel(TEST_MODELS.miniLM);
  });
  after(async () => {
    await model.dispose();
    await rm(root, { recursive: true, force: true });
  });

  /** The chunk count each record has, from embedChunks itself. */
  async function expectedChunks(records: { id: string; text: string }[]): Promise<Map<string, Float32Array[]>> {
    const out = new Map<string, Float32Array[]>();
    for await (const d of model.embedChunks(records, { chunking: CHUNKING }))
      out.set(
        String(d.id),
        d.chunks.map((c) => c.vector),
      );
    return out;
  }

  test("SIGKILL mid-ingest: whole records only; a re-run completes it, each record once, right vectors", async () => {
    const N = 80;
    const records = Array.from({ length: N }, (_, i) => record(i));
    const input = join(root, "docs.jsonl");
    await writeFile(input, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const dir = join(root, "killed");
    const args = [
      "index",
      "add",
      dir,
      "--input",
      input,
      "-m",
      TEST_MODELS.miniLM,
      "--chunk",
      "late",
      "--chunk-by",
      "sentences",
      "--chunk-size",
      "12",
      "--batch-size",
      "2",
      "--progress",
      "--threads",
      "1",
    ];
    const child = spawnCli(args);
    await child.waitFor(/^committed: ([1-9]\d) records/, 120_000);
    child.proc.kill("SIGKILL");
    assert.equal(await child.exited, null, "killed by the signal");

    const expected = await expectedChunks(records);
    const index = await VectorIndex.open(dir, { engine: model });
    const info = await index.info();
    assert.ok(info.records > 0 && info.records < N, `killed mid-way: ${info.records} of ${N} records stored`);
    const present = await index.chunksOf(records.map((r) => r.id));
    const byDoc = groupBy(present, (c) => c.docId);
    assert.equal(byDoc.size, info.records);
    for (const [id, chunks] of byDoc) {
      assert.deepEqual(
        chunks.map((c) => c.chunkIndex),
        expected.get(id)!.map((_, k) => k),
        `${id} is whole`,
      );
    }
    await index.close();

    const rerun = spawnCli(args.filter((a) => a !== "--progress"));
    assert.equal(await rerun.exited, 0, rerun.lines.join("\n"));
    assert.match(rerun.lines.join("\n"), new RegExp(`${N - info.records} added, 0 updated, ${info.records} unchanged`));

    const done = await VectorIndex.open(dir, { engine: model });
    const all = await done.chunksOf(records.map((r) => r.id));
    const total = [...expected.values()].reduce((s, v) => s + v.length, 0);
    assert.equal(all.length, total, "every chunk exactly once");
    assert.equal(new Set(all.map((c) => `${c.docId}#${c.chunkIndex}`)).size, total);
    assert.equal((await done.info()).records, N);
    for (const c of all) {
      const ref = expected.get(c.docId)![c.chunkIndex]!;
      assert.ok(dot(c.vector, ref) > 0.9999, `${c.docId}#${c.chunkIndex}: cosine ${dot(c.vector, ref)}`);
      assert.equal(c.text, records[Number(c.docId.slice(1))]!.text.slice(c.start, c.end));
    }
    await done.close();
  });

  test("searches during an ingest that replaces records see each record wholly old or wholly new", async () => {
    const N = 24;
    const a = Array.from({ length: N }, (_, i) => record(i, "a"));
    const b = Array.from({ length: N }, (_, i) => record(i, "b"));
    const expectA = await expectedChunks(a);
    const expectB = await expectedChunks(b);
    const index = await VectorIndex.open(join(root, "concurrent"), { engine: model, chunking: CHUNKING });
    await index.add(a, { batchSize: 4 });
    let ingesting = true;
    const ingest = index.add(b, { batchSize: 2 }).finally(() => (ingesting = false));
    let searches = 0;
    let sawMixedVersions = false;
    try {
      while (ingesting || searches === 0) {
        const hits = await index.search("item 7", { topK: 1000 });
        searches++;
        const byDoc = groupBy(hits, (h) => h.id);
        assert.equal(byDoc.size, N, "every record is always present");
        const versions = new Set<string>();
        for (const [id, chunks] of byDoc) {
          const v = new Set(chunks.map((c) => c.metadata["v"]));
          assert.equal(v.size, 1, `${id}: chunks of one version only`);
          const version = [...v][0] as string;
          versions.add(version);
          const want = (version === "a" ? expectA : expectB).get(id)!.length;
          assert.equal(chunks.length, want, `${id} (${version}): all ${want} chunks`);
        }
        if (versions.size === 2) sawMixedVersions = true;
      }
    } finally {
      await ingest.catch(() => undefined);
    }
    assert.deepEqual(await ingest, {
      added: 0,
      updated: N,
      unchanged: 0,
      chunks: [...expectB.values()].reduce((s, v) => s + v.length, 0),
    });
    assert.ok(searches > 1, `searches ran during the ingest (${searches})`);
    assert.ok(sawMixedVersions, "some search saw the ingest half-way (old and new records side by side)");
    await index.close();
  });

  test("an open index sees another process's commits: new records, a new metadata field, deletes", async () => {
    const dir = join(root, "shared-folder");
    const first = Array.from({ length: 4 }, (_, i) => ({ id: `p${i}`, text: `Plain record ${i} about gardens.` }));
    const index = await VectorIndex.open(dir, { engine: model });
    await index.add(first);
    const pinned = await VectorIndex.open(dir, { engine: model, readConsistencyInterval: null });
    assert.equal((await pinned.search("gardens", { topK: 10 })).length, 4);
    const input = join(root, "more.jsonl");
    const more = [
      { id: "k1", text: "How to rotate the vault keys every month.", metadata: { lang: "en" } },
      { id: "k2", text: "Comment faire tourner les clés du coffre.", metadata: { lang: "fr" } },
    ];
    await writeFile(input, more.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const add = spawnCli(["index", "add", dir, "--input", input, "--threads", "1"]);
    assert.equal(await add.exited, 0, add.lines.join("\n"));

    const hits = await index.search("rotate the keys", { topK: 10 });
    assert.deepEqual(new Set(hits.map((h) => h.id)), new Set(["p0", "p1", "p2", "p3", "k1", "k2"]));
    assert.equal(hits[0]!.id, "k1");
    const en = await index.search("rotate the keys", { topK: 10, filter: { lang: "fr" } });
    assert.deepEqual(
      en.map((h) => h.id),
      ["k2"],
      "a filter on the field the other process added",
    );
    assert.equal((await index.info()).records, 6);
    // The same commits are invisible to an index opened without consistency checks.
    assert.equal((await pinned.search("rotate the keys", { topK: 10 })).length, 4);
    await assert.rejects(pinned.search("keys", { filter: { lang: "en" } }), { code: "unknown_filter_field" });

    const rm = spawnCli(["index", "rm", dir, "--id", "k1", "--id", "p0"]);
    assert.equal(await rm.exited, 0, rm.lines.join("\n"));
    const after = await index.search("rotate the keys", { topK: 10 });
    assert.deepEqual(new Set(after.map((h) => h.id)), new Set(["p1", "p2", "p3", "k2"]));
    await pinned.close();
    await index.close();
  });

  test("readConsistencyInterval: a number of seconds from 0 to 86400, or null", async () => {
    for (const bad of [-1, Number.NaN, 86_401, "1", true]) {
      await assert.rejects(
        VectorIndex.open(join(root, "bad-interval"), { engine: model, readConsistencyInterval: bad as number }),
        (e: { code?: string; details?: { field?: string } }) =>
          e.code === "invalid_option" && e.details?.field === "readConsistencyInterval",
        String(bad),
      );
    }
  });
});
