import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "node:test";
import { NpyWriter } from "../../src/cli/npy-writer.js";
import { OutputFile } from "../../src/cli/output-file.js";
import { firstInvalidUtf8, readInputs, type InputRecord } from "../../src/cli/read-inputs.js";
import { ERROR_CODES, isEmbedkitError } from "../../src/errors.js";

const opts = { textField: "text", idField: "id" };

/** The records without their `where` (tested on its own below). */
async function collect(it: AsyncIterable<InputRecord>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const { where: _where, ...x } of it) out.push(x);
  return out;
}

test("npy writer produces a valid float32 [n, dim] file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "embedkit-npy-"));
  try {
    const p = join(dir, "v.npy");
    const out = await OutputFile.open(p);
    const w = await NpyWriter.create(out, 3);
    await w.write([Float32Array.from([1, 2, 3])]);
    await w.write([Float32Array.from([4, 5, 6]), Float32Array.from([7, 8, 9])]);
    await w.finish();
    await out.commit();
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
    assert.deepEqual(got, [{ text: "one", where: `line 1 of ${p}` }]);
    await writeFile(p, '"one"\n{not json\n');
    await assert.rejects(collect(readInputs(p, opts)), /line 2 of .*docs\.jsonl is not valid JSON/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("UTF-8: characters split across chunks decode whole; a leading BOM is dropped; each text says where it came from", async () => {
  const text = Buffer.from("\ufeffcafé 東京\nline two 🎉\n", "utf8");
  // Cut inside "é", inside "東" and inside the emoji.
  const cuts = [5, 9, 12, text.length - 3];
  const chunks = cuts.map((c, i) => text.subarray(i === 0 ? 0 : cuts[i - 1], c)).concat(text.subarray(cuts.at(-1)));
  const got: InputRecord[] = [];
  for await (const r of readInputs(undefined, opts, Readable.from(chunks))) got.push(r);
  assert.deepEqual(got, [
    { text: "café 東京", where: "line 1 of stdin" },
    { text: "line two 🎉", where: "line 2 of stdin" },
  ]);
});

test("UTF-8: invalid bytes and NUL bytes are invalid_input naming the line and the byte offsets", async () => {
  const bad = Buffer.concat([Buffer.from("fine\nab"), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]);
  await assert.rejects(collect(readInputs(undefined, opts, Readable.from([bad]))), (e: unknown) => {
    assert.ok(isEmbedkitError(e, ERROR_CODES.INVALID_INPUT));
    assert.match(
      e.message,
      /^line 2 of stdin is not valid UTF-8 \(byte 0xc3\) at byte 2 of the line \(byte 7 of the input\)/,
    );
    assert.deepEqual(e.details, { where: "stdin:2", line: 2, byteOffset: 7 });
    return true;
  });
  const utf16 = Buffer.from("hi\n", "utf16le");
  await assert.rejects(
    collect(readInputs(undefined, opts, Readable.from([utf16]))),
    /line 1 of stdin holds a NUL byte \(a binary or UTF-16 file\?\) at byte 1 of the line/,
  );
  const dir = await mkdtemp(join(tmpdir(), "embedkit-utf8-"));
  try {
    const p = join(dir, "docs.json");
    await writeFile(p, Buffer.concat([Buffer.from('["ok",\n"x'), Buffer.from([0xff]), Buffer.from('"]')]));
    await assert.rejects(collect(readInputs(p, opts)), /docs\.json is not valid UTF-8 at byte 9 \(line 2\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("firstInvalidUtf8 rejects overlong forms, surrogates, code points above U+10FFFF and cut-off sequences", () => {
  assert.equal(firstInvalidUtf8(Buffer.from("plain ascii, é, 東, 🎉", "utf8")), -1);
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf])), 1); // overlong "/"
  assert.equal(firstInvalidUtf8(Buffer.from([0xe0, 0x80, 0xaf])), 0); // overlong 3-byte
  assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0); // U+D800
  assert.equal(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0); // U+110000
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe6, 0x9d])), 2); // cut off
  assert.equal(firstInvalidUtf8(Buffer.from([0x80])), 0); // continuation byte alone
});
