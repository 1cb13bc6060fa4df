/**
 * The .npy bytes of a unit: the exact layout numpy.save writes for a small float32 (rows, dim)
 * array (magic, version 1.0, a 118-byte header padded with spaces and ended by a newline, data
 * from byte 128), read back value for value; anything else is refused with a typed error.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import { npyBytes, parseNpy } from "../../src/jobs/npy-shard.js";

test("npyBytes: numpy's version 1.0 layout, data at byte 128, values bit for bit", () => {
  const rows = [Float32Array.from([1, -2.5, 3e-7]), Float32Array.from([Math.PI, 0, -0])];
  const bytes = npyBytes(rows, 3);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  assert.equal(bytes.readUInt16LE(8), 118);
  const header = bytes.subarray(10, 128).toString("latin1");
  assert.equal(header, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".padEnd(117, " ") + "\n");
  assert.equal(bytes.length, 128 + 2 * 3 * 4);
  assert.equal(bytes.readFloatLE(128 + 3 * 4), Math.fround(Math.PI));
  const back = parseNpy(bytes);
  assert.equal(back.rows, 2);
  assert.equal(back.dim, 3);
  assert.deepEqual([...back.data], [...rows[0]!, ...rows[1]!]);
});

test("no rows: shape (0, dim), as numpy.save of an empty (0, dim) array", () => {
  const bytes = npyBytes([], 384);
  assert.equal(bytes.length, 128);
  assert.match(bytes.toString("latin1"), /'shape': \(0, 384\)/);
  assert.deepEqual({ ...parseNpy(bytes), data: [] }, { rows: 0, dim: 384, data: [] });
});

test("rows of another width are refused", () => {
  assert.throws(() => npyBytes([new Float32Array(3), new Float32Array(4)], 3), /row 1 has 4, not 3/);
});

test("parseNpy refuses what is not a float32 (rows, dim) C-order matrix, naming the file", () => {
  const good = npyBytes([Float32Array.from([1, 2])], 2);
  const cases: [Buffer, RegExp][] = [
    [Buffer.from("not numpy at all"), /no NUMPY magic/],
    [Buffer.from(good.toString("latin1").replace("<f4", "<f8"), "latin1"), /dtype is not <f4/],
    [Buffer.from(good.toString("latin1").replace("False", "True "), "latin1"), /Fortran order/],
    [Buffer.from(good.toString("latin1").replace("(1, 2)", "(2,)  "), "latin1"), /shape is not 2-D/],
    [good.subarray(0, good.length - 4), /4 data bytes for shape \(1, 2\)/],
  ];
  for (const [bytes, why] of cases) {
    assert.throws(
      () => parseNpy(bytes, "unit-000007.npy"),
      (e: unknown) =>
        isEmbedkitError(e, "invalid_input") &&
        why.test(e.message) &&
        e.message.includes("unit-000007.npy") &&
        e.details["path"] === "unit-000007.npy",
    );
  }
});
