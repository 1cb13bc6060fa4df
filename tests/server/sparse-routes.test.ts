/**
 * The server on a SPLADE model (embedkit-test/splade-tiny, from the cache), on loopback: TEI's
 * POST /embed_sparse gives the golden vectors of tests/golden/splade-tiny.json as
 * `[[{index, value}]]`; concurrent requests share batches and keep their own answers; bad input
 * answers TEI's 4xx error shape; dense routes answer a typed 4xx naming the model's task.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { parseServerConfig } from "../../src/server/server-config.js";
import type { RunningServer } from "../../src/server/server.js";
import { startSparseServer } from "../../src/server/sparse-server.js";
import { SparseTextEmbedding } from "../../src/sparse/sparse-text-embedding.js";
import { call } from "./harness.js";

interface Case {
  id: string;
  text: string;
  truncated: boolean;
  indices: number[];
  values: number[];
}
const golden = JSON.parse(readFileSync(new URL("../golden/splade-tiny.json", import.meta.url), "utf8")) as {
  cases: Case[];
};
type Entry = { index: number; value: number };
type TeiError = { error: string; error_type: string };

function assertCase(got: Entry[], want: Case): void {
  assert.deepEqual(
    got.map((e) => e.index),
    want.indices,
    `${want.id}: indices`,
  );
  got.forEach((e, j) => assert.ok(Math.abs(e.value - want.values[j]!) <= 1e-4, `${want.id}: value ${j}`));
}

describe("server: /embed_sparse on a SPLADE model", () => {
  let server: RunningServer;
  before(async () => {
    const model = await SparseTextEmbedding.create({ model: "embedkit-test/splade-tiny", store: { offline: true } });
    const config = parseServerConfig({ host: "127.0.0.1", port: 0, model: model.modelId, maxWaitMs: 5 });
    server = await startSparseServer({ config, model, logger: pino({ level: "silent" }), version: "test" });
  });
  after(() => server?.close());

  test("golden vectors, in input order, as [[{index, value}]]", async () => {
    const cases = golden.cases.filter((c) => !c.truncated);
    const r = await call(server.url, "/embed_sparse", { body: { inputs: cases.map((c) => c.text) } });
    assert.equal(r.status, 200, r.text);
    const body = r.body as Entry[][];
    assert.equal(body.length, cases.length);
    body.forEach((v, i) => assertCase(v, cases[i]!));
  });

  test("a single string is one input; concurrent requests each get their own vectors", async () => {
    const picks = golden.cases.slice(0, 6);
    const answers = await Promise.all(
      picks.map((c) => call(server.url, "/embed_sparse", { body: { inputs: c.text } })),
    );
    answers.forEach((r, i) => {
      assert.equal(r.status, 200, r.text);
      assertCase((r.body as Entry[][])[0]!, picks[i]!);
    });
  });

  test("over-long input: 422 Validation naming the input unless truncate is true", async () => {
    const long = golden.cases.find((c) => c.truncated)!;
    const refused = await call(server.url, "/embed_sparse", { body: { inputs: ["ok", long.text] } });
    assert.equal(refused.status, 422);
    assert.equal((refused.body as TeiError).error_type, "Validation");
    assert.match((refused.body as TeiError).error, /inputs\[1\].*512/);
    const cut = await call(server.url, "/embed_sparse", { body: { inputs: [long.text], truncate: true } });
    assert.equal(cut.status, 200, cut.text);
    assertCase((cut.body as Entry[][])[0]!, long);
  });

  test("bad bodies: TEI's error shape with 4xx", async () => {
    const empty = await call(server.url, "/embed_sparse", { body: { inputs: [] } });
    assert.equal(empty.status, 400);
    assert.equal((empty.body as TeiError).error_type, "Empty");
    const emptyText = await call(server.url, "/embed_sparse", { body: { inputs: ["a", ""] } });
    assert.equal(emptyText.status, 400);
    assert.match((emptyText.body as TeiError).error, /inputs\[1\]/);
    const notText = await call(server.url, "/embed_sparse", { body: { inputs: ["a", 3] } });
    assert.equal(notText.status, 422);
    assert.equal((notText.body as TeiError).error_type, "Validation");
    const badJson = await call(server.url, "/embed_sparse", { body: "{" });
    assert.equal(badJson.status, 400);
  });

  test("dense routes on a sparse model: 4xx wrong_model_task naming the task", async () => {
    const tei = await call(server.url, "/embed", { body: { inputs: "hello" } });
    assert.equal(tei.status, 422);
    assert.match((tei.body as TeiError).error, /sparse model.*\/embed_sparse/);
    const openai = await call(server.url, "/v1/embeddings", { body: { input: "hello" } });
    assert.equal(openai.status, 400);
    const err = (openai.body as { error: { code: string; message: string } }).error;
    assert.equal(err.code, "wrong_model_task");
    assert.match(err.message, /task "sparse"/);
  });

  test("/health and /info", async () => {
    assert.equal((await call(server.url, "/health")).status, 200);
    const info = await call(server.url, "/info");
    assert.equal((info.body as { model_id: string }).model_id, "embedkit-test/splade-tiny");
  });
});
