/**
 * The CLI against bad paths, bad option values and bad input bytes: each is a typed error on one
 * stderr line with the right exit code, never a stack trace or a native abort. Real model
 * (all-MiniLM-L6-v2 int8 from the cache), real files, /dev/full, a read-only tmpfs in a private
 * mount namespace, and real subprocesses where the process exit itself is what is tested.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseLines, run } from "../helpers/run-cli.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const M = ["-m", "sentence-transformers/all-MiniLM-L6-v2", "-q", "int8"];

/** The real executable in a child process: exit code and output (stdout may go to a file descriptor). */
async function runProcess(
  argv: string[],
  opts: { stdoutFd?: number; wrap?: (cmd: string[]) => string[] } = {},
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const cmd = [process.execPath, "--import", "tsx", join(ROOT, "src", "cli", "bin.ts"), ...argv];
  const [file, ...args] = opts.wrap ? opts.wrap(cmd) : cmd;
  const child = spawn(file!, args, {
    cwd: ROOT,
    env: { ...process.env, EMBEDKIT_OFFLINE: "1" },
    stdio: ["ignore", opts.stdoutFd ?? "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on("close", (c, s) => resolve([c, s])),
  );
  return { code, signal, stdout, stderr };
}

/** One line on stderr: the typed error, nothing else (no stack, no "terminate called"). */
function assertOneErrorLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
}

describe("CLI bad input", () => {
  let dir: string;
  let emptyCache: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-cli-bad-"));
    emptyCache = join(dir, "empty-cache");
    await mkdir(emptyCache);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("--output in a missing folder or naming a folder fails before the model loads, naming the path and reason", async () => {
    // With an empty offline cache, loading the model would fail with offline_model_not_cached:
    // output_write_failed shows the path was checked first.
    const missing = join(dir, "no-such-folder", "out.jsonl");
    let r = await run(["embed", "hello", "-o", missing, "--cache-dir", emptyCache]);
    assert.equal(r.code, 1);
    assertOneErrorLine(
      r.stderr,
      /^embedkit embed: error \[output_write_failed\]: cannot write --output ".*no-such-folder\/out\.jsonl": its folder does not exist \(ENOENT\)$/,
    );
    r = await run(["embed", "hello", "-o", dir, "--cache-dir", emptyCache]);
    assert.equal(r.code, 1);
    assertOneErrorLine(r.stderr, /\[output_write_failed\]: cannot write --output ".*": it is a directory \(EISDIR\)$/);
  });

  test("--output on a read-only file system is output_write_failed (EROFS), before the model loads", async () => {
    const ro = join(dir, "ro");
    await mkdir(ro);
    // A read-only tmpfs mounted in a private mount namespace of the child only.
    const r = await runProcess(["embed", "hello", "-o", join(ro, "out.jsonl"), "--cache-dir", emptyCache], {
      wrap: (cmd) => ["unshare", "-m", "sh", "-c", `mount -t tmpfs -o ro tmpfs "$0" && exec "$@"`, ro, ...cmd],
    });
    assert.equal(r.code, 1, r.stderr);
    assertOneErrorLine(
      r.stderr,
      /\[output_write_failed\]: cannot write --output ".*ro\/out\.jsonl": the file system is read-only \(EROFS\)$/,
    );
  });

  test("a full device (/dev/full as --output, or behind stdout) is a typed error and a clean exit 1, not a crash", async () => {
    let r = await runProcess(["embed", "hello", "world", ...M, "-o", "/dev/full"]);
    assert.equal(r.signal, null);
    assert.equal(r.code, 1, r.stderr);
    assertOneErrorLine(
      r.stderr,
      /^embedkit embed: error \[output_write_failed\]: cannot write --output "\/dev\/full": no space left on the device \(ENOSPC\)$/,
    );
    const full = await open("/dev/full", "w");
    try {
      r = await runProcess(["embed", "hello", ...M], { stdoutFd: full.fd });
    } finally {
      await full.close();
    }
    assert.equal(r.code, 1, r.stderr);
    assertOneErrorLine(
      r.stderr,
      /\[output_write_failed\]: cannot write to stdout: no space left on the device \(ENOSPC\)$/,
    );
  });

  test("a closed stdout pipe (`embed | head`) ends the run quietly with exit 0 after disposing the model", async () => {
    const input = join(dir, "many.txt");
    await writeFile(input, Array.from({ length: 3000 }, (_, i) => `line ${i}`).join("\n"));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "src", "cli", "bin.ts"), "embed", "-i", input, ...M],
      {
        cwd: ROOT,
        env: { ...process.env, EMBEDKIT_OFFLINE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.once("data", () => child.stdout.destroy()); // what `head -c 20` does
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on("close", (c, s) => resolve([c, s])),
    );
    assert.equal(signal, null, stderr);
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /terminate called|Napi::Error|at /);
  });

  test("an existing output file is not emptied by a run that fails on its input; a run that succeeds replaces it", async () => {
    const out = join(dir, "keep.jsonl");
    await writeFile(out, "old content\n");
    const input = join(dir, "half-bad.jsonl");
    await writeFile(input, '"one"\n"two"\n{"text": 3}\n');
    let r = await run(["embed", "-i", input, "-o", out, ...M]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 3 of .*half-bad\.jsonl: field "text" must be a string, got 3 \(number\)/);
    assert.equal(await readFile(out, "utf8"), "old content\n");
    assert.equal(parseLines(await readFile(`${out}.partial`, "utf8")).length, 2);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.endsWith(".tmp")),
      [],
    );
    await writeFile(input, '"one"\n"two"\n');
    r = await run(["embed", "-i", input, "-o", out, ...M]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseLines(await readFile(out, "utf8")).length, 2);
  });

  test("an empty input gives an .npy of shape (0, dim)", async () => {
    const input = join(dir, "empty.txt");
    await writeFile(input, "");
    const out = join(dir, "empty.npy");
    const r = await run(["embed", "-i", input, "-o", out, ...M, "--dimensions", "128"]);
    assert.equal(r.code, 0, r.stderr);
    const buf = await readFile(out);
    assert.equal(buf.length, 128);
    assert.match(buf.subarray(10).toString("latin1"), /'shape': \(0, 128\)/);
  });

  test("a missing or directory --input, before the model loads, exits 2 naming the path", async () => {
    let r = await run(["embed", "-i", join(dir, "nope.txt"), "--cache-dir", emptyCache]);
    assert.equal(r.code, 2);
    assertOneErrorLine(r.stderr, /^embedkit embed: error \[invalid_option\]: --input ".*nope\.txt" does not exist$/);
    r = await run(["embed", "-i", dir, "--cache-dir", emptyCache]);
    assert.equal(r.code, 2);
    assertOneErrorLine(r.stderr, /\[invalid_option\]: --input ".*" is a directory, not a file$/);
  });

  test("non-numeric option values name the flag and the text, and exit 2", async () => {
    for (const [flag, text] of [
      ["--batch-size", "abc"],
      ["--dimensions", "12x"],
      ["--threads", ""],
      ["--batch-size", "1.5"],
    ] as const) {
      const r = await run(["embed", "hello", flag, text, "--cache-dir", emptyCache]);
      assert.equal(r.code, 2, `${flag} ${text}: ${r.stderr}`);
      assertOneErrorLine(
        r.stderr,
        new RegExp(
          `\\[invalid_option\\]: ${flag} must be an integer, got ${JSON.stringify(text).replace(/\./g, "\\.")}$`,
        ),
      );
    }
    const e = await run(["eval", "--task", "sts", "--seed", "forty-two", "--cache-dir", emptyCache]);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /--seed must be an integer, got "forty-two"/);
  });

  test("input_too_long names the line and file (or the argument) and the flag, not inputs[k]", async () => {
    const input = join(dir, "long.txt");
    await writeFile(input, `short\n${"word ".repeat(700)}\nnever reached\n`);
    let r = await run(["embed", "-i", input, "--no-truncate", ...M]);
    assert.equal(r.code, 1);
    assertOneErrorLine(
      r.stderr,
      /^embedkit embed: error \[input_too_long\]: line 2 of .*long\.txt has 702 tokens; the model accepts at most 256 \(without --no-truncate, long texts are cut to the limit\)$/,
    );
    assert.equal(parseLines(r.stdout).length, 1); // "short" was written before the error
    r = await run(["embed", "ok", "word ".repeat(300), "--no-truncate", ...M]);
    assert.match(r.stderr, /\[input_too_long\]: text 2 of the command line has 302 tokens/);
  });

  test("invalid UTF-8 input is invalid_input naming the line and byte offsets, after the lines before it", async () => {
    const input = join(dir, "latin1.txt");
    await writeFile(input, Buffer.concat([Buffer.from("fine\ncaf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    const r = await run(["embed", "-i", input, ...M]);
    assert.equal(r.code, 1);
    assertOneErrorLine(
      r.stderr,
      /\[invalid_input\]: line 2 of .*latin1\.txt is not valid UTF-8 \(byte 0xe9\) at byte 3 of the line \(byte 8 of the input\)/,
    );
    assert.equal(parseLines(r.stdout).length, 1);
  });

  test("--prompt naming a prompt the model does not have is a note on stderr; the texts are embedded as given", async () => {
    const r = await run(["embed", "what is a vector?", "--prompt", "query", ...M]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /note: sentence-transformers\/all-MiniLM-L6-v2 has no "query" prompt; texts are embedded as given/,
    );
    const plain = await run(["embed", "what is a vector?", ...M]);
    assert.deepEqual(parseLines(r.stdout), parseLines(plain.stdout));
    assert.equal(plain.stderr, "");
  });

  test("serve on a port in use is invalid_option naming the port, exit 2, no stack trace", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await run(["serve", "--port", String(port), ...M, "--log-level", "silent"]);
      assert.equal(r.code, 2);
      assertOneErrorLine(
        r.stderr,
        new RegExp(`^embedkit serve: error \\[invalid_option\\]: port ${port} on 127\\.0\\.0\\.1 is already in use`),
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  test("serve --help and embed --help describe -q the same way, fp16 included", async () => {
    const serve = await run(["serve", "--help"]);
    const embed = await run(["embed", "--help"]);
    for (const h of [serve.stdout, embed.stdout]) assert.match(h, /fp32.*int8, or fp16 where the model publishes it/);
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    assert.ok(readme.includes("fp16 where the model publishes it"), "the README describes -q as the help does");
  });
});
