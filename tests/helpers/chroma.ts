/**
 * Test helper: a real Chroma server (chromadb 1.5.9's own server, as `chroma run` starts it) on a
 * free loopback port with its own temp data dir. The Python comes from EMBEDKIT_CHROMA_PYTHON or
 * scripts/.venv (which scripts/test-all.sh creates); missing, it is a test failure that names the
 * command to install it, never a skip.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, REPO } from "./jobs.js";

export const CHROMA_VERSION = "1.5.9";

export interface TestChroma {
  /** `http://127.0.0.1:PORT`, for ChromaSink.open. */
  readonly url: string;
  readonly port: number;
  /** Calls the server's v2 API directly (for checks that bypass the sink). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startChroma(): Promise<TestChroma> {
  const python = process.env["EMBEDKIT_CHROMA_PYTHON"] ?? join(REPO, "scripts", ".venv", "bin", "python");
  if (!existsSync(python)) {
    throw new Error(
      `no Python with chromadb at ${python}: run \`python3 -m venv scripts/.venv && scripts/.venv/bin/pip install --no-deps chromadb==${CHROMA_VERSION}\` (scripts/test-all.sh does), or set EMBEDKIT_CHROMA_PYTHON`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "embedkit-chroma-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const proc: ChildProcess = spawn(
    python,
    [join(REPO, "scripts", "chroma-server.py"), "run", "--path", dir, "--port", String(port), "--host", "127.0.0.1"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout!.on("data", (b: Buffer) => log.push(b.toString("utf8")));
  proc.stderr!.on("data", (b: Buffer) => log.push(b.toString("utf8")));
  let exited: number | null | undefined;
  const exit = new Promise<void>((r) =>
    proc.once("exit", (code) => {
      exited = code;
      r();
    }),
  );
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      proc.kill("SIGTERM");
      await Promise.race([exit, sleep(5000)]);
      if (exited === undefined) proc.kill("SIGKILL");
      await exit;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`chroma run exited with ${String(exited)} before answering:\n${log.join("").slice(-2000)}`);
    }
    try {
      const r = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`chroma run did not answer within 60 s:\n${log.join("").slice(-2000)}`);
    }
    await sleep(100);
  }
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${url}/api/v2${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return { url, port, api, stop };
}
