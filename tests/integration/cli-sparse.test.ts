/**
 * `embedkit embed --sparse` / `--model <sparse model>` on the real SPLADE test model and BM25:
 * JSON lines {"index","id","indices","values"} in input order, matching the library; bad input
 * exits with a typed error naming where the input came from.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SparseTextEmbedding } from "../../src/sparse/sparse-text-embedding.js";
import { run } from "../helpers/run-cli.js";

type Line = { index: number; id?: unknown; indices: number[]; values: number[] };
const lines = (s: string): Line[] =>
  s
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Line);

describe("embedkit embed --sparse", () => {
  let dir: string;
  let splade: SparseTextEmbedding;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-cli-sparse-"));
    splade = await SparseTextEmbedding.create({ model: "embedkit-test/splade-tiny", store: { offline: true } });
  });
  after(async () => {
    await splade?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("--model <SPLADE id>: JSON lines with ids, equal to the library's vectors", async () => {
    const input = join(dir, "docs.jsonl");
    const docs = [
      { id: "a", text: "what is the capital of france" },
      { id: "b", text: "sparse vectors for retrieval" },
    ];
    await writeFile(input, docs.map((d) => JSON.stringify(d)).join("\n") + "\n");
    const r = await run(["embed", "--model", "embedkit-test/splade-tiny", "--input", input]);
    assert.equal(r.code, 0, r.stderr);
    const got = lines(r.stdout);
    const want = await splade.embedAll(docs.map((d) => d.text));
    assert.deepEqual(
      got.map((l) => [l.index, l.id]),
      [
        [0, "a"],
        [1, "b"],
      ],
    );
    got.forEach((l, i) => {
      assert.deepEqual(l.indices, Array.from(want[i]!.indices));
      assert.deepEqual(l.values, Array.from(want[i]!.values));
    });
  });

  test("--sparse --model bm25 --top-k 2 to a file", async () => {
    const out = join(dir, "out.jsonl");
    const r = await run(["embed", "--sparse", "--model", "bm25", "--top-k", "2", "-o", out, "one two three four"]);
    assert.equal(r.code, 0, r.stderr);
    const [l] = lines(await readFile(out, "utf8"));
    assert.equal(l!.indices.length, 2);
    assert.ok(l!.indices[0]! < l!.indices[1]!);
  });

  test("bad input: typed errors, exit 2, naming the flag or the input's place", async () => {
    let r = await run(["embed", "--model", "embedkit-test/splade-tiny", "--top-k", "0", "x"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--top-k must be an integer >= 1/);
    r = await run(["embed", "--model", "embedkit-test/splade-tiny", "-o", join(dir, "x.npy"), "x"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /JSON lines/);
    r = await run(
      ["embed", "--model", "embedkit-test/splade-tiny", "--no-truncate"],
      "ok\n" + "word ".repeat(700) + "\n",
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /line 2.*512/);
  });
});
