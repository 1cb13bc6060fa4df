/**
 * Output precision through the library on a real model: embedAll / embed with int8, uint8,
 * binary and ubinary equal quantizeEmbeddings of the float32 vectors, row types say so, and bad
 * precision options are typed errors before any work.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { ERROR_CODES, isEmbedkitError } from "../../src/errors.js";
import { calibrationRanges, quantizeEmbeddings } from "../../src/pooling/quantize.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const texts = [
  "The cat sat on the mat.",
  "Quantized embeddings trade a little accuracy for much less memory.",
  "How do I rotate the API keys?",
  "Binary vectors keep one sign bit per dimension.",
  "Rust and TypeScript are programming languages.",
];

function invalidOption(field: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(isEmbedkitError(e, ERROR_CODES.INVALID_OPTION), String(e));
    assert.equal(e.details.field, field);
    return true;
  };
}

async function collect<T>(it: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of it) out.push(...batch);
  return out;
}

describe("output precision (bge-small-en-v1.5)", () => {
  let model: TextEmbedding;
  let floats: Float32Array[];
  before(async () => {
    model = await openTestModel(TEST_MODELS.bgeSmallEn);
    floats = await model.embedAll(texts);
  });
  after(async () => {
    await model?.dispose();
  });

  test("embedAll: each precision equals quantizeEmbeddings of the float32 vectors", async () => {
    const int8: Int8Array[] = await model.embedAll(texts, { precision: "int8" });
    assert.ok(int8.every((r) => r instanceof Int8Array && r.length === 384));
    assert.deepEqual(int8, quantizeEmbeddings(floats, "int8"));
    const uint8: Uint8Array[] = await model.embedAll(texts, { precision: "uint8" });
    assert.deepEqual(uint8, quantizeEmbeddings(floats, "uint8"));
    const binary: Int8Array[] = await model.embedAll(texts, { precision: "binary" });
    assert.ok(binary.every((r) => r instanceof Int8Array && r.length === 48));
    assert.deepEqual(binary, quantizeEmbeddings(floats, "binary"));
    const ubinary: Uint8Array[] = await model.embedAll(texts, { precision: "ubinary" });
    assert.ok(ubinary.every((r) => r instanceof Uint8Array && r.length === 48));
    assert.deepEqual(ubinary, quantizeEmbeddings(floats, "ubinary"));
    const f: Float32Array[] = await model.embedAll(texts, { precision: "float32" });
    assert.deepEqual(f, floats);
  });

  test("ranges and calibration make a row independent of the other rows", async () => {
    const ranges = calibrationRanges(floats);
    const alone = await model.embedAll([texts[2]!], { precision: "uint8", ranges });
    const all = await model.embedAll(texts, { precision: "uint8", calibration: floats });
    assert.deepEqual(alone[0], all[2]);
    assert.deepEqual(all, quantizeEmbeddings(floats, "uint8", { ranges }));
  });

  test("embed (stream) with fixed ranges yields the same rows as embedAll", async () => {
    const ranges = calibrationRanges(floats);
    const streamed = await collect(model.embed(texts, { precision: "int8", ranges, batchSize: 2 }));
    assert.deepEqual(streamed, await model.embedAll(texts, { precision: "int8", ranges }));
    const bits = await collect(model.embed(texts, { precision: "ubinary", batchSize: 2 }));
    assert.deepEqual(bits, quantizeEmbeddings(floats, "ubinary"));
  });

  test("Matryoshka dimensions: ranges must have the output dimension; binary packs the truncated vector", async () => {
    const short = await model.embedAll(texts, { dimensions: 100 });
    const bits = await model.embedAll(texts, { dimensions: 100, precision: "ubinary" });
    assert.ok(bits.every((r) => r.length === 13));
    assert.deepEqual(bits, quantizeEmbeddings(short, "ubinary"));
    const full = calibrationRanges(floats);
    await assert.rejects(
      model.embedAll(texts, { dimensions: 100, precision: "int8", ranges: full }),
      (e: unknown) => invalidOption("ranges.min")(e) && /dimensions/.test((e as Error).message),
    );
    const ok = await model.embedAll(texts, { dimensions: 100, precision: "int8", calibration: short });
    assert.deepEqual(ok, quantizeEmbeddings(short, "int8", { calibration: short }));
  });

  test("bad precision options are typed invalid_option errors naming the field", async () => {
    const ranges = calibrationRanges(floats);
    // @ts-expect-error: not a precision
    await assert.rejects(model.embedAll(texts, { precision: "int4" }), invalidOption("precision"));
    await assert.rejects(model.embedAll([texts[0]!], { precision: "int8" }), invalidOption("ranges"));
    await assert.rejects(collect(model.embed(texts, { precision: "uint8" })), invalidOption("ranges"));
    await assert.rejects(model.embedAll(texts, { precision: "binary", ranges }), invalidOption("ranges"));
    await assert.rejects(
      model.embedAll(texts, { precision: "int8", ranges: { min: ranges.max, max: ranges.min } }),
      invalidOption("ranges.min[0]"),
    );
    await assert.rejects(
      model.embedAll(texts, { precision: "int8", calibration: [new Float32Array(10)] }),
      invalidOption("calibration[0]"),
    );
    // the model keeps working
    assert.equal((await model.embedAll(texts, { precision: "binary" })).length, texts.length);
  });
});
