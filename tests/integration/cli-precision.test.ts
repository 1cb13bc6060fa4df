/**
 * `embedkit embed --precision`: JSON lines of integers and .npy of dtype int8/uint8 (binary:
 * dim / 8 packed bytes), equal to the library; the .npy header is parsed and checked here
 * (CI has no numpy). Bad flags are typed errors with exit code 2.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseNpyHeader, readNpyFloat32Rows } from "../../src/cli/npy-reader.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { quantizeEmbeddings } from "../../src/pooling/quantize.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { parseLines, run } from "../helpers/run-cli.js";

const texts = ["alpha particles", "beta decay", "gamma rays", "delta wing aircraft"];

describe("embedkit embed --precision", () => {
  let dir: string;
  let model: TextEmbedding;
  let floats: Float32Array[];
  let input: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-cli-precision-"));
    model = await openTestModel(TEST_MODELS.bgeSmallEn);
    floats = await model.embedAll(texts);
    input = join(dir, "docs.txt");
    await writeFile(input, texts.join("\n") + "\n");
  });
  after(async () => {
    await model?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("binary and ubinary: .npy of dim/8 packed bytes (int8 / uint8), JSON lines of integers", async () => {
    for (const [precision, descr] of [
      ["ubinary", "|u1"],
      ["binary", "|i1"],
    ] as const) {
      const npy = join(dir, `${precision}.npy`);
      const r = await run(["embed", "-i", input, "-o", npy, "--precision", precision]);
      assert.equal(r.code, 0, r.stderr);
      const buf = await readFile(npy);
      const h = parseNpyHeader(buf, npy);
      assert.deepEqual([h.descr, h.fortranOrder, h.shape, h.dataOffset], [descr, false, [4, 48], 128]);
      assert.equal(buf.length, 128 + 4 * 48);
      const expected = quantizeEmbeddings(floats, precision);
      const data = buf.subarray(128);
      const rows = expected.map((_, i) =>
        precision === "binary"
          ? new Int8Array(data.buffer, data.byteOffset + i * 48, 48)
          : new Uint8Array(data.buffer, data.byteOffset + i * 48, 48),
      );
      assert.deepEqual(
        rows.map((x) => Array.from(x)),
        expected.map((x) => Array.from(x)),
      );
    }
    const r = await run(["embed", "-i", input, "--precision", "binary"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = parseLines(r.stdout);
    assert.deepEqual(
      lines.map((l) => l.embedding),
      quantizeEmbeddings(floats, "binary").map((x) => Array.from(x)),
    );
    assert.ok(lines.every((l) => l.embedding.every((x) => Number.isInteger(x) && x >= -128 && x <= 127)));
  });

  test("int8 / uint8 with --calibration from a float32 .npy or JSON lines", async () => {
    const calNpy = join(dir, "cal.npy");
    let r = await run(["embed", "-i", input, "-o", calNpy]);
    assert.equal(r.code, 0, r.stderr);
    const calibration = readNpyFloat32Rows(await readFile(calNpy), calNpy);
    assert.equal(calibration.length, 4);
    const out = join(dir, "int8.npy");
    r = await run(["embed", "-i", input, "-o", out, "--precision", "int8", "--calibration", calNpy]);
    assert.equal(r.code, 0, r.stderr);
    const buf = await readFile(out);
    const h = parseNpyHeader(buf, out);
    assert.deepEqual([h.descr, h.shape], ["|i1", [4, 384]]);
    const expected = quantizeEmbeddings(floats, "int8", { calibration });
    assert.deepEqual(
      Array.from(new Int8Array(buf.buffer, buf.byteOffset + 128, 4 * 384)),
      expected.flatMap((x) => Array.from(x)),
    );

    const calJsonl = join(dir, "cal.jsonl");
    r = await run(["embed", "-i", input, "-o", calJsonl]);
    assert.equal(r.code, 0, r.stderr);
    r = await run(["embed", "-i", input, "--precision", "uint8", "--calibration", calJsonl]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      parseLines(r.stdout).map((l) => l.embedding),
      quantizeEmbeddings(floats, "uint8", { calibration }).map((x) => Array.from(x)),
    );
  });

  test("bad --precision / --calibration: typed errors, exit code 2, naming the flag", async () => {
    const bad = join(dir, "bad-cal.jsonl");
    await writeFile(bad, "[0.1, 0.2]\nnot json\n");
    const short = join(dir, "short-cal.jsonl");
    await writeFile(short, "[0.1, 0.2]\n[0.3, 0.4]\n");
    const cases: [string[], RegExp][] = [
      [["--precision", "int4"], /--precision must be one of float32, int8, uint8, binary, ubinary; got "int4"/],
      [["--precision", "int8"], /--precision int8 needs --calibration FILE/],
      [["--precision", "binary", "--calibration", bad], /--calibration applies to --precision int8 or uint8 only/],
      [
        ["--precision", "int8", "--calibration", join(dir, "missing.npy")],
        /--calibration ".*missing.npy" does not exist/,
      ],
      [["--precision", "int8", "--calibration", bad], /--calibration ".*bad-cal.jsonl" line 2 is not JSON/],
      [["--precision", "uint8", "--calibration", input], /line 1 is not JSON/],
      [
        ["--precision", "int8", "--calibration", short],
        /calibration\[0\] has 2 values; the output vectors have 384 dimensions/,
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await run(["embed", "-i", input, ...flags]);
      assert.equal(r.code, 2, `${flags.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    }
  });
});
