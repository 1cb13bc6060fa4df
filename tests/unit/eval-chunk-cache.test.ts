/**
 * The eval's chunk cache (src/eval/chunk-cache.ts): a document's chunks come back as stored
 * (ranges and float32 vectors), another configuration is another shard, a record cut short by a
 * crash is dropped on load while the records before it stay, and a later record for the same
 * text wins.
 */
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ChunkShard, type ChunkShardKey } from "../../src/eval/chunk-cache.js";

const key: ChunkShardKey = {
  modelId: "m/x",
  quantization: "int8",
  variant: "chunking=late-tokens-64",
  chunking: { chunking: { strategy: "late", by: "tokens", size: 64 } },
};
const chunks = (seed: number) => [
  { start: 0, end: 10, vector: Float32Array.from([seed, 0.5, -0.25]) },
  { start: 10, end: 23, vector: Float32Array.from([1 / 3, seed * 2, 1e-7]) },
];

test("chunks round-trip through the file; other configurations are other shards", async () => {
  const dir = await mkdtemp(join(tmpdir(), "embedkit-chunk-cache-"));
  try {
    const a = await ChunkShard.open(dir, key);
    assert.equal(a.get("doc one"), undefined);
    await a.put("doc one", chunks(1));
    await a.put("doc two", chunks(2));
    const b = await ChunkShard.open(dir, key);
    assert.equal(b.size, 2);
    const got = b.get("doc one")!;
    assert.deepEqual(
      got.map((c) => [c.start, c.end]),
      [
        [0, 10],
        [10, 23],
      ],
    );
    assert.deepEqual([...got[1]!.vector], [...chunks(1)[1]!.vector]);
    assert.equal(b.get("doc two")![0]!.vector[0], 2);
    for (const other of [
      { ...key, quantization: "fp32" },
      { ...key, variant: "chunking=late-tokens-128" },
      { ...key, chunking: { chunking: { strategy: "late", by: "tokens", size: 64, overlap: 8 } } },
      { ...key, modelId: "m/y" },
    ]) {
      assert.equal((await ChunkShard.open(dir, other)).size, 0, JSON.stringify(other));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a record cut short is dropped on load; the ones before it stay; the last record of a text wins", async () => {
  const dir = await mkdtemp(join(tmpdir(), "embedkit-chunk-cache-"));
  try {
    const a = await ChunkShard.open(dir, key);
    await a.put("kept", chunks(1));
    await a.put("kept", chunks(5));
    const whole = (await stat(a.file)).size;
    await a.put("cut", chunks(3));
    await truncate(a.file, (await stat(a.file)).size - 5);
    const b = await ChunkShard.open(dir, key);
    assert.equal(b.get("cut"), undefined);
    assert.equal(b.get("kept")![0]!.vector[0], 5);
    // A header alone (fewer bytes than a record's fixed part) is dropped too.
    await truncate(a.file, whole);
    await appendFile(a.file, (await readFile(a.file)).subarray(0, 20));
    assert.equal((await ChunkShard.open(dir, key)).size, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
