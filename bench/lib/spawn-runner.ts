/**
 * Spawns one peer runner process, timestamps its FIRST_VECTOR line against the spawn time (time
 * to first vector from a cold process, as a user would see it), and parses its RESULT line.
 */
import { spawn } from "node:child_process";
import { FIRST_VECTOR_LINE, RESULT_PREFIX, type RunnerResult } from "../peers/runner-protocol.js";

export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export type SpawnOutcome =
  | {
      readonly ok: true;
      readonly result: RunnerResult;
      readonly firstVectorWallSeconds?: number;
      readonly wallSeconds: number;
    }
  | { readonly ok: false; readonly reason: string };

export function runProcess(command: Command, timeoutSeconds: number): Promise<SpawnOutcome> {
  return new Promise((resolvePromise) => {
    const start = performance.now();
    const child = spawn(command.cmd, [...command.args], {
      cwd: command.cwd,
      env: { ...process.env, ...command.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let firstVector: number | undefined;
    let result: RunnerResult | undefined;
    let pending = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutSeconds * 1000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line === FIRST_VECTOR_LINE && firstVector === undefined) firstVector = (performance.now() - start) / 1000;
        else if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length)) as RunnerResult;
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      resolvePromise({ ok: false, reason: `could not start ${command.cmd}: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const wallSeconds = (performance.now() - start) / 1000;
      if (timedOut) return resolvePromise({ ok: false, reason: `timed out after ${timeoutSeconds} s` });
      if (code !== 0 || !result) {
        const last = stderr
          .trim()
          .split("\n")
          .filter((l) => l.trim() !== "")
          .slice(-3)
          .join(" | ");
        return resolvePromise({ ok: false, reason: `exit ${code ?? signal}: ${last || "no result line"}` });
      }
      resolvePromise(
        firstVector === undefined
          ? { ok: true, result, wallSeconds }
          : { ok: true, result, wallSeconds, firstVectorWallSeconds: firstVector },
      );
    });
  });
}
