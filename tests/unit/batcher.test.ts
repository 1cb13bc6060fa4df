/**
 * The batcher on a fake runner: packing by token budget and row count, order, splitting of
 * large requests, waiting for announced requests, dropping aborted ones, one request per call
 * without cross-request batching, failures, and close().
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Batcher, type BatchReport, type BatchRunner } from "../../src/engine/batcher.js";
import type { Encoding } from "../../src/types.js";

/** An encoding of `len` tokens whose "vector" is [tag, len]. */
function enc(len: number, tag: number): Encoding {
  const ids = new Int32Array(len).fill(tag);
  return { ids, typeIds: new Int32Array(len), originalLength: len };
}

function fakeRunner(delayMs = 0): { run: BatchRunner<Float32Array>; calls: Encoding[][] } {
  const calls: Encoding[][] = [];
  const run: BatchRunner<Float32Array> = async (encodings) => {
    calls.push([...encodings]);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    return encodings.map((e) => Float32Array.of(e.ids[0] ?? -1, e.ids.length));
  };
  return { run, calls };
}

const opts = { maxBatchTokens: 64, maxBatchSize: 8, maxWaitMs: 0, crossRequest: true };

describe("batcher", () => {
  test("concurrent requests share an inference call and get their own vectors in order", async () => {
    const { run, calls } = fakeRunner(5);
    const b = new Batcher(run, opts);
    const first = b.submit([enc(2, 1)]);
    await new Promise((r) => setImmediate(r)); // the first call has started
    const rest = [b.submit([enc(3, 2), enc(2, 3)]), b.submit([enc(4, 4)]), b.submit([enc(1, 5)])];
    const [r1, r2, r3, r4] = await Promise.all([first, ...rest]);
    assert.deepEqual(Array.from(r1!.outputs[0]!), [1, 2]);
    assert.deepEqual(
      r2!.outputs.map((v) => v[0]),
      [2, 3],
    );
    assert.deepEqual(Array.from(r3!.outputs[0]!), [4, 4]);
    assert.deepEqual(Array.from(r4!.outputs[0]!), [5, 1]);
    assert.equal(calls.length, 2, "the three requests queued during the first call run together");
    assert.equal(calls[1]!.length, 4);
    await b.close();
  });

  test("a batch never exceeds the padded token budget or the row limit; a large request is split", async () => {
    const { run, calls } = fakeRunner();
    const b = new Batcher(run, { ...opts, maxBatchTokens: 40, maxBatchSize: 4 });
    const encs = Array.from({ length: 30 }, (_, i) => enc(1 + (i % 12), i + 1));
    const r = await b.submit(encs);
    assert.deepEqual(
      r.outputs.map((v) => v[0]),
      encs.map((_, i) => i + 1),
    );
    assert.ok(calls.length > 1);
    assert.equal(r.batches, calls.length);
    for (const c of calls) {
      assert.ok(c.length <= 4);
      assert.ok(c.length * Math.max(...c.map((e) => e.ids.length)) <= 40);
    }
    await b.close();
  });

  test("without cross-request batching each call holds one request's rows only", async () => {
    const { run, calls } = fakeRunner(2);
    const b = new Batcher(run, { ...opts, crossRequest: false });
    await Promise.all([b.submit([enc(2, 1), enc(2, 2)]), b.submit([enc(2, 3)]), b.submit([enc(2, 4)])]);
    assert.deepEqual(
      calls.map((c) => c.map((e) => e.ids[0])),
      [[1, 2], [3], [4]],
    );
    await b.close();
  });

  test("waits up to maxWaitMs for announced requests, and not at all when none is on the way", async () => {
    const { run, calls } = fakeRunner();
    const b = new Batcher(run, { ...opts, maxWaitMs: 200 });
    const t0 = performance.now();
    await b.submit([enc(2, 1)]);
    assert.ok(performance.now() - t0 < 100, "a lone request does not wait");
    const arrived = b.expect();
    const p1 = b.submit([enc(2, 2)]);
    await new Promise((r) => setTimeout(r, 20));
    const p2 = b.submit([enc(2, 3)]);
    arrived();
    await Promise.all([p1, p2]);
    assert.equal(calls.length, 2, "the second request joined the first one's call");
    assert.equal(calls[1]!.length, 2);
    await b.close();
  });

  test("rows of a request whose client went away are dropped before inference", async () => {
    const { run, calls } = fakeRunner(20);
    const dropped: number[] = [];
    const b = new Batcher(run, opts, { onDropped: (n) => dropped.push(n) });
    const busy = b.submit([enc(2, 1)]);
    const ac = new AbortController();
    const gone = b.submit([enc(2, 2), enc(2, 3)], ac.signal, () => new Error("client gone"));
    const kept = b.submit([enc(2, 4)]);
    ac.abort();
    await assert.rejects(gone, /client gone/);
    await Promise.all([busy, kept]);
    assert.deepEqual(
      calls.flat().map((e) => e.ids[0]),
      [1, 4],
    );
    assert.equal(
      dropped.reduce((a, n) => a + n, 0),
      2,
    );
    await b.close();
  });

  test("a failing call rejects its requests and reports the failure; later calls go on", async () => {
    let fail = true;
    const reports: BatchReport[] = [];
    const b = new Batcher(
      async (e) => {
        if (fail) {
          fail = false;
          throw new Error("runtime broke");
        }
        return e.map(() => new Float32Array(1));
      },
      opts,
      { onBatch: (r) => reports.push(r) },
    );
    await assert.rejects(b.submit([enc(1, 1)]), /runtime broke/);
    assert.equal((await b.submit([enc(1, 2)])).outputs.length, 1);
    assert.deepEqual(
      reports.map((r) => r.failed),
      [true, false],
    );
    await b.close();
  });

  test("queued and running say what waits and what computes, also after a failed call", async () => {
    let release: (() => void) | undefined;
    let fail = false;
    const b = new Batcher(
      async (e) => {
        await new Promise<void>((r) => (release = r));
        if (fail) throw new Error("runtime broke");
        return e.map(() => new Float32Array(1));
      },
      { ...opts, maxBatchSize: 1 },
    );
    const first = b.submit([enc(1, 1), enc(1, 2)]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([b.queued, b.running], [1, 1], "one row computing, one waiting");
    release!();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([b.queued, b.running], [0, 1]);
    fail = true;
    release!();
    await assert.rejects(first, /runtime broke/);
    assert.deepEqual([b.queued, b.running], [0, 0]);
    await b.close();
  });

  test("close() runs what is queued, then refuses new submissions", async () => {
    const { run } = fakeRunner(5);
    const b = new Batcher(run, opts);
    const pending = [b.submit([enc(1, 1)]), b.submit([enc(1, 2)])];
    const closed = b.close();
    await assert.rejects(b.submit([enc(1, 3)]), /closed/);
    assert.equal((await Promise.all(pending)).length, 2);
    await closed;
  });
});
