/**
 * The `precision` extension over real HTTP on loopback: /v1/embeddings (float and base64) and
 * TEI /embed return int8/uint8/binary/ubinary rows equal to the library's, base64 is the raw
 * bytes, the OpenAPI document describes the fields, and bad precision options are 400/422 errors
 * naming the field while the server keeps serving.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { calibrationRanges } from "../../src/pooling/quantize.js";
import { call, openServerTestModel, startTestServer, type TestServer } from "./harness.js";

const TEXTS = ["The cat sat on the mat.", "Vectors for search.", "Un texte en français.", "Keys rotate monthly."];
type OpenAIBody = { data: { index: number; embedding: number[] | string }[] };

describe("precision on /v1/embeddings and /embed", { timeout: 120_000 }, () => {
  let model: TextEmbedding;
  let server: TestServer;
  let floats: Float32Array[];
  before(async () => {
    model = await openServerTestModel();
    server = await startTestServer(model);
    floats = await model.embedAll(TEXTS);
  });
  after(async () => {
    await server?.close();
    await model?.dispose();
  });

  test("OpenAI float and base64 encodings of every precision equal embedAll", async () => {
    for (const precision of ["int8", "uint8", "binary", "ubinary"] as const) {
      const expected = await model.embedAll(TEXTS, { precision });
      const asFloat = await call(server.url, "/v1/embeddings", { body: { input: TEXTS, precision } });
      assert.equal(asFloat.status, 200, asFloat.text);
      assert.deepEqual(
        (asFloat.body as OpenAIBody).data.map((d) => d.embedding),
        expected.map((r) => Array.from(r)),
      );
      const asBase64 = await call(server.url, "/v1/embeddings", {
        body: { input: TEXTS, precision, encoding_format: "base64" },
      });
      assert.equal(asBase64.status, 200, asBase64.text);
      (asBase64.body as OpenAIBody).data.forEach((d, i) => {
        const bytes = Buffer.from(d.embedding as string, "base64");
        assert.equal(bytes.length, precision.endsWith("binary") ? 48 : 384);
        const row =
          precision === "int8" || precision === "binary"
            ? new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length)
            : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
        assert.deepEqual(Array.from(row), Array.from(expected[i]!));
      });
    }
  });

  test("TEI /embed with precision, ranges and Matryoshka dimensions", async () => {
    const ranges = calibrationRanges(floats);
    const body = {
      inputs: [TEXTS[1]!],
      precision: "int8",
      ranges: { min: Array.from(ranges.min), max: Array.from(ranges.max) },
    };
    const r = await call(server.url, "/embed", { body });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, [Array.from((await model.embedAll(TEXTS, { precision: "int8", ranges }))[1]!)]);
    const bits = await call(server.url, "/embed", { body: { inputs: TEXTS, precision: "ubinary", dimensions: 64 } });
    assert.equal(bits.status, 200, bits.text);
    assert.deepEqual(
      bits.body,
      (await model.embedAll(TEXTS, { precision: "ubinary", dimensions: 64 })).map((x) => Array.from(x)),
    );
    const f = await call(server.url, "/embed", { body: { inputs: TEXTS, precision: "float32" } });
    assert.equal(f.status, 200);
    assert.equal((f.body as number[][])[0]!.length, 384);
  });

  test("bad precision options: 400 (OpenAI) / 422 (TEI) naming the field; the server keeps serving", async () => {
    const full = calibrationRanges(floats);
    const cases: [string, unknown, RegExp][] = [
      ["/embed", { inputs: TEXTS, precision: "int4" }, /precision/],
      ["/v1/embeddings", { input: TEXTS, precision: "int4" }, /precision/],
      ["/embed", { inputs: [TEXTS[0]], precision: "int8" }, /needs ranges or calibration/],
      ["/v1/embeddings", { input: TEXTS[0], precision: "uint8" }, /needs ranges or calibration/],
      [
        "/embed",
        { inputs: TEXTS, precision: "binary", ranges: { min: [0], max: [1] } },
        /ranges applies to precision int8 or uint8 only/,
      ],
      [
        "/embed",
        {
          inputs: TEXTS,
          precision: "int8",
          dimensions: 64,
          ranges: { min: Array.from(full.min), max: Array.from(full.max) },
        },
        /ranges.min has 384 values; the output vectors have 64 dimensions/,
      ],
      [
        "/v1/embeddings",
        { input: TEXTS, precision: "int8", ranges: { min: Array.from(full.max), max: Array.from(full.min) } },
        /ranges.min\[0\] is .* each min must be at most its max/,
      ],
    ];
    for (const [path, body, message] of cases) {
      const r = await call(server.url, path, { body });
      // each dialect's own status for a bad request: OpenAI 400, TEI 422
      assert.equal(
        r.status,
        path.startsWith("/v1") ? 400 : 422,
        `${path} ${JSON.stringify(body).slice(0, 80)}: ${r.text}`,
      );
      assert.match(r.text, message);
    }
    const ok = await call(server.url, "/embed", { body: { inputs: TEXTS, precision: "binary" } });
    assert.equal(ok.status, 200);
  });

  test("the OpenAPI document describes precision and ranges on both request schemas", async () => {
    const r = await call(server.url, "/openapi.json");
    const schemas = (r.body as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } })
      .components.schemas;
    for (const name of ["EmbedRequest", "OpenAIEmbeddingRequest"]) {
      const props = schemas[name]!.properties!;
      assert.match(JSON.stringify(props["precision"]), /ubinary/);
      assert.match(JSON.stringify(props["ranges"]), /min/);
    }
  });
});
