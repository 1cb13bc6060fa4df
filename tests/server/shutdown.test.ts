/**
 * Graceful shutdown with requests in flight: every admitted request is answered with 200, new
 * connections are refused, the model is disposed; through close() and through SIGTERM to
 * `embedkit serve`.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import { concurrently, openServerTestModel, spawnServe, startTestServer } from "./harness.js";

const bodies = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    path: i % 2 ? "/v1/embeddings" : "/embed",
    body: i % 2 ? { input: [`text ${i}`, `more ${i}`] } : { inputs: `text ${i} ${"word ".repeat(i * 2)}` },
  }));

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`);
    return false;
  } catch (e) {
    return (e as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
  }
}

describe("graceful shutdown", { timeout: 120_000 }, () => {
  test("close() with requests in flight: none lost, new connections refused, model disposed", async () => {
    const model = await openServerTestModel();
    const s = await startTestServer(model, {}, true);
    try {
      let closing: Promise<void> | undefined;
      let inFlightAtClose = 0;
      let refusedWhileDraining: Promise<boolean> | undefined;
      const answers = await concurrently(s.url, bodies(24), {
        abortWhen: () => {
          // Not an abort: once requests are in flight, start the shutdown.
          if (!closing && s.metrics.inflight.get() >= 4) {
            inFlightAtClose = s.metrics.inflight.get();
            closing = s.close();
            refusedWhileDraining = refused(s.url);
          }
          return false;
        },
      });
      assert.ok(closing, "the shutdown started while requests were in flight");
      const ok = answers.filter((a) => a.status === 200).length;
      assert.ok(
        ok >= inFlightAtClose,
        `all ${inFlightAtClose} requests in flight at close() are answered (${ok} x 200)`,
      );
      for (const a of answers) {
        // A request that came after close() is refused outright, never cut off.
        if (a.status === 0) assert.equal(a.text, "ECONNREFUSED");
        else if (a.status !== 200) assert.equal(a.status, 503);
      }
      await closing;
      assert.equal(await refusedWhileDraining, true, "new connections are refused while draining");
      assert.equal(await refused(s.url), true);
      await assert.rejects(model.embedAll(["x"]), (e: unknown) => isEmbedkitError(e, "disposed"));
      assert.ok(s.logs.some((l) => l["msg"] === "stopped"));
    } finally {
      await s.close(); // idempotent
    }
  });

  test("SIGTERM to `embedkit serve` with requests in flight: all answered, exit code 0", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/bin.ts", "serve", "--port", "0", "--offline", "--max-batch-size", "8"],
      {
        env: { ...process.env, EMBEDKIT_LOG_LEVEL: "info" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const lines: Record<string, unknown>[] = [];
      const rl = createInterface({ input: child.stdout });
      let firstAnswer: () => void = () => undefined;
      const answered = new Promise<void>((resolve, reject) => {
        firstAnswer = resolve;
        child.once("exit", () => reject(new Error("embedkit serve exited before answering")));
      });
      const listening = new Promise<number>((resolve, reject) => {
        rl.on("line", (line) => {
          const rec = JSON.parse(line) as Record<string, unknown>;
          lines.push(rec);
          if (rec["msg"] === "listening") resolve(rec["port"] as number);
          if (rec["msg"] === "request") firstAnswer();
        });
        child.once("exit", () => reject(new Error("embedkit serve exited before listening")));
      });
      const port = await listening;
      const url = `http://127.0.0.1:${port}`;
      const inFlight = concurrently(url, bodies(16));
      // 16 requests (24 inputs) take at least 3 inference calls of 8: signal after the first answer.
      await answered;
      child.kill("SIGTERM");
      const answeredBefore = lines.filter((l) => l["msg"] === "request").length;
      const answers = await inFlight;
      assert.equal(await exited, 0);
      assert.deepEqual(
        answers.map((a) => a.status),
        answers.map(() => 200),
      );
      assert.ok(answeredBefore < 16, `the signal came with requests in flight (${answeredBefore} answered before)`);
      assert.ok(lines.some((l) => l["msg"] === "signal received" && l["signal"] === "SIGTERM"));
      assert.equal(lines.at(-1)?.["msg"], "stopped");
      assert.equal(await refused(url), true);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    }
  });
});

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
}

/**
 * POSTs `body` on its own connection and reads the answer slowly (~64 KiB per 4 ms), so a
 * large body takes seconds to arrive; calls `onHeaders` when the first bytes come.
 */
function slowPost(
  url: string,
  path: string,
  body: unknown,
  onHeaders: (declaredLength: number) => void,
): Promise<{ status: number; declared: number; received: Buffer }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) },
      },
      (res) => {
        const declared = Number(res.headers["content-length"]);
        onHeaders(declared);
        void (async () => {
          const chunks: Buffer[] = [];
          try {
            for await (const chunk of res as AsyncIterable<Buffer>) {
              chunks.push(chunk);
              await new Promise((r) => setTimeout(r, 4));
            }
          } catch {
            // a cut connection: what arrived is compared with the declared length below
          }
          resolve({ status: res.statusCode ?? 0, declared, received: Buffer.concat(chunks) });
        })();
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

describe("graceful shutdown never truncates a large response", { timeout: 300_000 }, () => {
  // Short inputs (a few tokens each) keep the compute small; the answer is still 2,048 x 384 floats (~16 MB).
  const inputs = Array.from({ length: 2048 }, (_, i) => `item ${i}`);
  for (const when of ["computing", "writing"] as const) {
    test(`SIGTERM while a 2,048-input /v1/embeddings answer is ${when}: the whole body arrives, exit 0`, async () => {
      // A generous shutdown timeout: on a loaded CI machine the compute alone can take a while.
      const serve = await spawnServe(["--max-batch-size", "256", "--shutdown-timeout-ms", "120000"]);
      try {
        let signalled = false;
        let bytesAtSignal: boolean | undefined;
        const answer = slowPost(serve.url, "/v1/embeddings", { input: inputs }, () => {
          if (when === "writing") {
            serve.kill("SIGTERM");
            signalled = true;
          } else {
            bytesAtSignal = signalled;
          }
        });
        if (when === "computing") {
          // The request is admitted and computing (inference runs off the main thread, so /metrics answers).
          while ((await gauge(serve.url, "embedkit_inflight_requests")) < 1)
            await new Promise((r) => setTimeout(r, 20));
          serve.kill("SIGTERM");
          signalled = true;
        }
        const { status, declared, received } = await answer;
        if (when === "computing") assert.equal(bytesAtSignal, true, "SIGTERM came before the answer started");
        assert.equal(status, 200);
        assert.ok(declared > 8_000_000, `a large body (${declared} bytes)`);
        assert.equal(received.length, declared, "every byte of the body arrived");
        const parsed = JSON.parse(received.toString("utf8")) as { data: { index: number; embedding: number[] }[] };
        assert.equal(parsed.data.length, 2048);
        parsed.data.forEach((d, i) => {
          assert.equal(d.index, i);
          assert.equal(d.embedding.length, 384);
        });
        assert.equal(await serve.exited, 0);
        assert.ok(!serve.lines.some((l) => l["msg"] === "shutdown timeout: closing remaining connections"));
        assert.equal(serve.lines.at(-1)?.["msg"], "stopped");
      } finally {
        serve.kill("SIGKILL");
        await serve.exited;
      }
    });
  }
});
