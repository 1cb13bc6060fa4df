/**
 * `embedkit rerank` in-process with the real test cross-encoder: text and JSON-lines input,
 * --top, --json, and bad input as exit codes with one clear line.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { run } from "../helpers/run-cli.js";
import { TEST_CROSS_ENCODER } from "../helpers/cross-encoder.js";

const query = "A man is playing a guitar.";
const docs = ["A woman is slicing an onion.", "A man is playing the guitar.", "Someone plays an instrument."];

describe("embedkit rerank", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-cli-rerank-"));
    await writeFile(join(dir, "docs.txt"), docs.join("\n") + "\n");
    await writeFile(join(dir, "docs.jsonl"), docs.map((text, i) => JSON.stringify({ id: `d${i}`, text })).join("\n"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("--json with --top from JSON lines: best first, ids kept", async () => {
    const r = await run([
      "rerank",
      "-m",
      TEST_CROSS_ENCODER,
      "--query",
      query,
      "-i",
      join(dir, "docs.jsonl"),
      "--top",
      "2",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { rank: number; index: number; id: string; score: number });
    assert.equal(lines.length, 2);
    assert.deepEqual(
      lines.map((l) => l.rank),
      [1, 2],
    );
    assert.equal(lines[0]!.index, 1);
    assert.equal(lines[0]!.id, "d1");
    assert.ok(lines[0]!.score >= lines[1]!.score);
  });

  test("text lines from stdin, tab-separated output", async () => {
    const r = await run(["rerank", "-m", TEST_CROSS_ENCODER, "--query", query], docs.join("\n"));
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split("\n");
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, /^1\t0\.\d{4}\tA man is playing the guitar\.$/);
  });

  test("bad input: exit codes and one line naming the problem", async () => {
    const noQuery = await run(["rerank", "-m", TEST_CROSS_ENCODER, "-i", join(dir, "docs.txt")]);
    assert.equal(noQuery.code, 2);
    assert.match(noQuery.stderr, /--query/);
    const empty = await run(["rerank", "-m", TEST_CROSS_ENCODER, "--query", " ", "-i", join(dir, "docs.txt")]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /invalid_input.*query/);
    const top = await run([
      "rerank",
      "-m",
      TEST_CROSS_ENCODER,
      "--query",
      query,
      "-i",
      join(dir, "docs.txt"),
      "--top",
      "0",
    ]);
    assert.equal(top.code, 2);
    assert.match(top.stderr, /topK|--top/);
    const dense = await run(["rerank", "-m", "BAAI/bge-small-en-v1.5", "--query", query, "-i", join(dir, "docs.txt")]);
    assert.equal(dense.code, 1);
    assert.match(dense.stderr, /wrong_model_task.*TextEmbedding/);
    const long = await run(
      ["rerank", "-m", TEST_CROSS_ENCODER, "--query", query, "--no-truncate"],
      "word ".repeat(600),
    );
    assert.equal(long.code, 1);
    assert.match(long.stderr, /input_too_long.*documents\[0\]/);
  });
});
