import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { NpyWriter } from "../../src/cli/npy-writer.js";
import { readInputs } from "../../src/cli/read-inputs.js";

const opts = { textField: "text", idField: "id" };

async function collect(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test("npy writer produces a valid float32 [n, dim] file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "embedkit-npy-"));
  try {
    const p = join(dir, "v.npy");
    const w = await NpyWriter.create(p);
    await w.write([Float32Array.from([1, 2, 3])]);
    await w.write([Float32Array.from([4, 5, 6]), Float32Array.from([7, 8, 9])]);
    await w.close();
    const buf = await readFile(p);
    assert.equal(buf.subarray(0, 6).toString("latin1"), "\x93NUMPY");
    const headerLen = buf.readUInt16LE(8);
    assert.equal((10 + headerLen) % 64, 0);
    const header = buf.subarray(10, 10 + headerLen).toString("latin1");
    assert.match(header, /'descr': '<f4'/);
    assert.match(header, /'shape': \(3, 3\)/);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length));
    assert.deepEqual(Array.from(data), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("plain text from stdin: one text per line, CRLF handled, empty lines kept", async () => {
  const stdin = Readable.from(["alpha\r\nbeta\n", "\ngamma"]);
  assert.deepEqual(await collect(readInputs(undefined, opts, stdin)), [
    { text: "alpha" },
    { text: "beta" },
    { text: "" },
    { text: "gamma" },
  ]);
});

test("jsonl: strings and objects with text and id; blank lines skipped", async () => {
  const dir = await mkdtemp(join(tmpdir(), "embedkit-jsonl-"));
  try {
    const p = join(dir, "docs.jsonl");
    await writeFile(p, '"plain"\n{"id": 7, "text": "seven"}\n\n{"text": "no id", "other": 1}\n');
    assert.deepEqual(await collect(readInputs(p, opts)), [
      { text: "plain" },
      { text: "seven", id: 7 },
      { text: "no id" },
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("jsonl: a broken line is an error naming the line, after the good lines", async () => {
  const dir = await mkdtemp(join(tmpdir(), "embedkit-jsonl-"));
  try {
    const p = join(dir, "docs.jsonl");
    await writeFile(p, '"one"\n{"text": 5}\n');
    const got: unknown[] = [];
    await assert.rejects(async () => {
      for await (const r of readInputs(p, opts)) got.push(r);
    }, /line 2 of .*docs\.jsonl: field "text" must be a string, got 5 \(number\)/);
    assert.deepEqual(got, [{ text: "one" }]);
    await writeFile(p, '"one"\n{not json\n');
    await assert.rejects(collect(readInputs(p, opts)), /line 2 of .*docs\.jsonl is not valid JSON/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
