/**
 * The byte ranges a unit is made of: re-reading any range of whole lines gives exactly the
 * records the whole-file read gave for it (multi-byte UTF-8, CRLF, blank lines, no final newline).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { shardRecords, type ShardRecord } from "../../src/jobs/shard-records.js";

const fields = { textField: "text", idField: "id" };
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "embedkit-shard-"));
});
after(() => rm(dir, { recursive: true, force: true }));

async function all(it: AsyncIterable<ShardRecord>): Promise<ShardRecord[]> {
  const out: ShardRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

test("jsonl: ids, texts, lines and byte ranges; a range re-read gives the same records", async () => {
  const path = join(dir, "a.jsonl");
  const body =
    [
      JSON.stringify({ id: 1, text: "東京 🎉 first" }),
      "",
      JSON.stringify("a bare string"),
      JSON.stringify({ id: "x", text: "crlf line" }) + "\r",
      "{broken",
      JSON.stringify({ id: 5, other: "no text" }),
    ].join("\n") +
    "\n" +
    JSON.stringify({ id: 6, text: "no final newline" });
  await writeFile(path, body);
  const recs = await all(shardRecords(path, "jsonl", fields));
  assert.deepEqual(
    recs.map((r) => [r.line, r.id, r.text, r.error?.code]),
    [
      [1, 1, "東京 🎉 first", undefined],
      [3, undefined, "a bare string", undefined],
      [4, "x", "crlf line", undefined],
      [5, undefined, "", "invalid_input"],
      [6, undefined, "", "invalid_input"],
      [7, 6, "no final newline", undefined],
    ],
  );
  assert.equal(recs.at(-1)!.end, Buffer.byteLength(body));
  const part = await all(
    shardRecords(path, "jsonl", fields, { from: recs[1]!.start, to: recs[3]!.end, firstLine: recs[1]!.line }),
  );
  assert.deepEqual(part, recs.slice(1, 4));
});

test("plain text: every line is a record, empty lines included", async () => {
  const path = join(dir, "a.txt");
  await writeFile(path, "one\n\nthree é\n");
  const recs = await all(shardRecords(path, "text", fields));
  assert.deepEqual(
    recs.map((r) => [r.line, r.text, r.start, r.end]),
    [
      [1, "one", 0, 4],
      [2, "", 4, 5],
      [3, "three é", 5, 14],
    ],
  );
});
