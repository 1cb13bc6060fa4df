/**
 * The runtime's worker threads on the real model: inference leaves the caller's event loop free,
 * every thread placement gives the same vectors, an idle model never holds the process open,
 * and bad runtime options fail before anything loads.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import { TextEmbedding } from "../../src/embed/text-embedding.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

// One batch of 64 texts × ~200 tokens: long enough that a blocked event loop misses many ticks.
const TEXTS = Array.from(
  { length: 64 },
  (_, i) => `Passage ${i}: ` + "embedding models turn sentences into vectors for semantic search. ".repeat(18),
);
const ONE_BATCH = { batchSize: 64, maxBatchTokens: 64 * 512 };

/** Interval ticks that fire while `work` is pending. */
async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return ticks;
}

describe("runtime: inference thread placement", () => {
  let inWorker: TextEmbedding;
  let onMain: TextEmbedding;
  let twoSessions: TextEmbedding;
  before(async () => {
    inWorker = await openTestModel(TEST_MODELS.bgeSmallEn, ONE_BATCH);
    onMain = await openTestModel(TEST_MODELS.bgeSmallEn, { ...ONE_BATCH, inferenceThread: "main" });
    twoSessions = await openTestModel(TEST_MODELS.bgeSmallEn, { batchSize: 8, sessions: 2 });
  });
  after(async () => {
    await Promise.all([inWorker.dispose(), onMain.dispose(), twoSessions.dispose()]);
  });

  test("a batch computing in the worker leaves the event loop free; on the main thread it blocks it", async () => {
    const free = await ticksDuring(() => inWorker.embedAll(TEXTS));
    const blocked = await ticksDuring(() => onMain.embedAll(TEXTS));
    assert.ok(free >= 10, `the event loop ticked ${free} times during a worker batch`);
    // On the main thread the loop only ticks while the texts are tokenized, before the run holds it.
    assert.ok(
      blocked * 4 < free,
      `the event loop ticked ${blocked} times during a main-thread batch, ${free} in a worker`,
    );
  });

  test("worker, main-thread and two-session models give the same vectors, in input order", async () => {
    const texts = [...TEXTS.slice(0, 20).map((t, i) => t.slice(0, 20 + i * 37)), "short", ""];
    const [a, b, c] = await Promise.all([
      inWorker.embedAll(texts),
      onMain.embedAll(texts),
      twoSessions.embedAll(texts),
    ]);
    for (let i = 0; i < texts.length; i++) {
      assert.ok(cosineSimilarity(a[i]!, b[i]!) >= 0.99999, `worker vs main, text ${i}`);
      assert.ok(cosineSimilarity(a[i]!, c[i]!) >= 0.99999, `one vs two sessions, text ${i}`);
    }
  });

  test("concurrent calls on two sessions each get their own vectors", async () => {
    const single = await inWorker.embedAll(["alpha", "beta", "gamma"]);
    const results = await Promise.all(
      ["alpha", "beta", "gamma", "alpha", "beta", "gamma"].map((t) => twoSessions.embedAll([t])),
    );
    results.forEach(([v], i) => assert.ok(cosineSimilarity(v!, single[i % 3]!) >= 0.99999, `call ${i}`));
  });

  test("a disposed worker model refuses work with the disposed code", async () => {
    const m = await openTestModel(TEST_MODELS.miniLM);
    const pending = m.embedAll(["still answered after dispose() was called"]);
    await m.dispose();
    assert.equal((await pending).length, 1, "work accepted before dispose() finishes");
    await assert.rejects(m.embedAll(["x"]), (e) => isEmbedkitError(e) && e.code === "disposed");
  });
});

describe("runtime: process lifetime and options", () => {
  test("session config entries reach ONNX Runtime (a malformed one fails the load, typed, from the worker)", async () => {
    const good = await openTestModel(TEST_MODELS.miniLM, { sessionConfig: { "session.intra_op.allow_spinning": "0" } });
    assert.equal((await good.embedAll(["spinning off"])).length, 1);
    await good.dispose();
    // ORT parses thread affinities when it builds the session's thread pool; "zzz" is not one.
    await assert.rejects(
      openTestModel(TEST_MODELS.miniLM, {
        intraOpThreads: 2,
        sessionConfig: { "session.intra_op_thread_affinities": "zzz" },
      }),
      (e) => isEmbedkitError(e) && e.code === "runtime_failure" && /could not load .*model\.onnx/.test(e.message),
    );
  });

  test("a model that is never disposed does not keep the process alive", () => {
    const helpers = fileURLToPath(new URL("../helpers/models.ts", import.meta.url));
    const script = `
      const { openTestModel } = await import(${JSON.stringify(helpers)});
      const m = await openTestModel(${JSON.stringify(TEST_MODELS.miniLM)});
      const [v] = await m.embedAll(["no dispose() here"]);
      console.log("dim", v.length);`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.signal, null, `the process had to be killed: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /dim 384/);
  });

  const BAD: [string, Record<string, unknown>, RegExp][] = [
    ["inferenceThread", { inferenceThread: "gpu" }, /inferenceThread must be "worker" or "main", got "gpu"/],
    ["sessions", { sessions: 0 }, /sessions must be an integer from 1 to 64, got 0/],
    ["sessions", { sessions: 1.5 }, /sessions must be an integer from 1 to 64, got 1.5/],
    ["sessions", { sessions: 2, inferenceThread: "main" }, /sessions must be 1 when inferenceThread is "main"/],
    [
      "intraOpThreads",
      { intraOpThreads: -1 },
      /intraOpThreads must be an integer from 0 \(all cores\) to 1024, got -1/,
    ],
    [
      "sessionConfig",
      { sessionConfig: { "session.intra_op.allow_spinning": 0 } },
      /sessionConfig must be an object of dotted keys to string values/,
    ],
    ["sessionConfig", { sessionConfig: { spinning: "0" } }, /sessionConfig must be/],
  ];
  for (const [field, options, message] of BAD) {
    test(`${JSON.stringify(options)} is invalid_option naming ${field}, before any loading`, async () => {
      await assert.rejects(
        TextEmbedding.create({ model: "no-such-org/never-looked-up", ...options }),
        (e) =>
          isEmbedkitError(e) && e.code === "invalid_option" && e.details["field"] === field && message.test(e.message),
      );
    });
  }
});
