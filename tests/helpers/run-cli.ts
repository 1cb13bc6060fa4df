/**
 * Test helper: runs the CLI in-process through main() with real streams, offline unless the
 * environment given says otherwise, and collects its output and exit code.
 */
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/main.js";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(
  argv: string[],
  stdinText: string | Buffer = "",
  env: Record<string, string | undefined> = {},
): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on("data", (c: Buffer) => chunks.push(c));
  stderr.on("data", (c: Buffer) => errChunks.push(c));
  const code = await main(argv, {
    stdin: Readable.from([stdinText]),
    stdout,
    stderr,
    env: { ...process.env, EMBEDKIT_OFFLINE: "1", ...env },
  });
  return { code, stdout: Buffer.concat(chunks).toString("utf8"), stderr: Buffer.concat(errChunks).toString("utf8") };
}

export function parseLines(s: string): { index: number; id?: unknown; embedding: number[] }[] {
  return s
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { index: number; id?: unknown; embedding: number[] });
}
