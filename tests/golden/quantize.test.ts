/**
 * Golden test of output precision: embedkit's quantizeEmbeddings against sentence-transformers'
 * own quantize_embeddings (scripts/golden/make_quantize_reference.py) on the real fp32 golden
 * vectors of bge-small-en-v1.5 and all-MiniLM-L6-v2. Every byte must match.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { quantizeEmbeddings, type Precision } from "../../src/pooling/quantize.js";

interface QuantizeCase {
  name: string;
  precision: Precision;
  rows: "all" | number;
  dims?: number;
  calibration?: [number, number];
  ranges?: { min: number[]; max: number[] };
  output: number[][];
}
interface QuantizeGolden {
  models: { model: string; vectors: string; count: number; dim: number; cases: QuantizeCase[] }[];
}

const read = (name: string): unknown => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), "utf8"));
const golden = read("quantize-reference.json") as QuantizeGolden;

for (const m of golden.models) {
  describe(`quantize_embeddings golden: ${m.model}`, () => {
    const vectors = (read(m.vectors) as { cases: { vector: number[] }[] }).cases.map((c) =>
      Float32Array.from(c.vector),
    );
    test("the fixture covers every precision and range source", () => {
      assert.equal(vectors.length, m.count);
      assert.equal(vectors[0]!.length, m.dim);
      assert.deepEqual(new Set(m.cases.map((c) => c.precision)), new Set(["int8", "uint8", "binary", "ubinary"]));
      assert.ok(m.cases.some((c) => c.calibration) && m.cases.some((c) => c.ranges));
    });
    for (const c of m.cases) {
      test(`${c.name}: every byte equals the reference`, () => {
        const rows = (c.rows === "all" ? vectors : vectors.slice(0, c.rows)).map((v) =>
          c.dims === undefined ? v : v.subarray(0, c.dims),
        );
        const options = {
          ...(c.ranges ? { ranges: c.ranges } : {}),
          ...(c.calibration ? { calibration: vectors.slice(c.calibration[0], c.calibration[1]) } : {}),
        };
        const out = quantizeEmbeddings(rows, c.precision, options);
        const type = c.precision === "int8" || c.precision === "binary" ? Int8Array : Uint8Array;
        out.forEach((r) => assert.ok(r instanceof type, `${c.name} rows are ${type.name}`));
        assert.equal(out.length, c.output.length);
        let differing = 0;
        out.forEach((r, i) => {
          const ref = c.output[i]!;
          assert.equal(r.length, ref.length, `row ${i} length`);
          for (let d = 0; d < r.length; d++) if (r[d] !== ref[d]) differing++;
        });
        assert.equal(differing, 0, `${differing} values differ from sentence-transformers`);
      });
    }
  });
}
