/**
 * Runs bench/index/run-candidate.ts in its own process (so its memory is its own) and collects
 * its RESULT line, or how it died; shared by bench/index-candidates.ts and bench/index-scale.ts.
 */
import { spawn } from "node:child_process";
import { RESULT_PREFIX } from "./protocol.js";

export interface ChildRun {
  readonly result?: unknown;
  readonly killed: boolean;
  readonly lastCommitted: number;
  readonly failure?: string;
}

/** One run-candidate.ts process with `args`; SIGKILLed after `timeoutSeconds`; its other lines go to `log`. */
export function runCandidateChild(
  args: readonly string[],
  timeoutSeconds: number,
  log: (line: string) => void,
): Promise<ChildRun> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      ["--expose-gc", "--import", "tsx", new URL("./run-candidate.ts", import.meta.url).pathname, ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let pending = "";
    let stderr = "";
    let result: unknown;
    let killed = false;
    let lastCommitted = -1;
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutSeconds * 1000);
    p.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length));
        else if (line.startsWith("committed ")) lastCommitted = Number(line.slice(10));
        else if (line.trim() !== "") log(line);
      }
    });
    p.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    p.on("close", (code, signal) => {
      clearTimeout(timer);
      killed = signal === "SIGKILL";
      const failure =
        result === undefined && !killed
          ? `exit ${code ?? signal}: ${stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 300)}`
          : undefined;
      resolve({ result, killed, lastCommitted, ...(failure !== undefined ? { failure } : {}) });
    });
  });
}
