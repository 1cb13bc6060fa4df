/**
 * `embedkit index add --sparse bm25`, `index info` and `embedkit search --mode/--hybrid/--fusion`
 * on real LanceDB files and the real MiniLM int8 model: the CLI's hits equal the library's, the
 * default mode of a sparse index is hybrid, bad flags are exit 2 naming the flag; and an ingest
 * SIGKILLed mid-way leaves whole records whose every chunk holds its sparse vector.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { termCountVector } from "../../src/index/sparse-encoder.js";
import { VectorIndex } from "../../src/index/vector-index.js";
import { Bm25Analyzer } from "../../src/sparse/bm25-analyzer.js";
import { spawnCli } from "../helpers/jobs.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";
import { run } from "../helpers/run-cli.js";

const M = ["-m", TEST_MODELS.miniLM, "-q", "int8"];
const DOCS = [
  { id: "keys", text: "Rotate the API keys every ninety days from the security console.", metadata: { lang: "en" } },
  { id: "cats", text: "Cats sleep for most of the day and hunt at dusk.", metadata: { lang: "en" } },
  { id: "pain", text: "Le pain se fait avec de la farine, de l'eau et du sel.", metadata: { lang: "fr" } },
  { id: "tides", text: "Tides rise and fall twice a day along the harbour.", metadata: { lang: "en" } },
  {
    id: "kb",
    text: "The keyboard has a key for every letter; rotate the keycaps to clean them.",
    metadata: { lang: "en" },
  },
];
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

interface JsonHit {
  rank: number;
  id: string;
  chunk: number;
  score: number;
  dense_score?: number;
  sparse_score?: number;
}
const hitsOf = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as JsonHit);

describe("embedkit index --sparse / search --mode", () => {
  let dir: string;
  let model: TextEmbedding;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "embedkit-cli-sparse-"));
    await writeFile(join(dir, "docs.jsonl"), jsonl(DOCS));
    model = await openTestModel(TEST_MODELS.miniLM, { quantization: "int8" });
  });
  after(async () => {
    await model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test("add --sparse bm25, info, search in each mode equals the library's", async () => {
    const kb = join(dir, "kb");
    let r = await run(["index", "add", kb, "--input", join(dir, "docs.jsonl"), "--sparse", "bm25", ...M]);
    assert.equal(r.code, 0, r.stderr);
    r = await run(["index", "info", kb, "-q", "int8"]);
    assert.match(r.stdout, /sparse: +bm25 \(term counts per chunk/);

    const q = "rotate the keys";
    const index = await VectorIndex.open(kb, { engine: model });
    try {
      assert.equal((await index.info()).sparse, "bm25");
      r = await run(["search", kb, q, "--mode", "sparse", "--top", "2", "-q", "int8"]);
      assert.equal(r.code, 0, r.stderr);
      const sparse = await index.search(q, { mode: "sparse", topK: 2 });
      assert.deepEqual(
        r.stdout
          .trim()
          .split("\n")
          .map((l) => l.split("\t").slice(0, 2)),
        sparse.map((h) => [h.id, h.score.toFixed(4)]),
      );
      const cases: [string[], Parameters<VectorIndex["search"]>[1]][] = [
        [[], {}],
        [
          ["--hybrid", "--fusion", "weighted", "--candidates", "3"],
          { hybrid: true, fusion: "weighted", candidates: 3 },
        ],
      ];
      for (const [flags, options] of cases) {
        r = await run(["search", kb, q, "--json", "--top", "4", ...flags, "-q", "int8"]);
        assert.equal(r.code, 0, r.stderr);
        const want = await index.search(q, { topK: 4, ...options });
        assert.deepEqual(
          hitsOf(r.stdout).map((h) => [h.id, h.chunk, h.score, h.dense_score, h.sparse_score]),
          want.map((h) => [h.id, h.chunkIndex, h.score, h.denseScore, h.sparseScore]),
          flags.join(" "),
        );
        assert.ok(
          want.some((h) => h.denseScore !== undefined && h.sparseScore !== undefined),
          "hybrid",
        );
      }
    } finally {
      await index.close();
    }
  });

  test("bad flags: exit 2 naming the flag, before any model loads", async () => {
    const kb = join(dir, "kb-bad");
    const dense = join(dir, "kb-dense");
    for (const [path, sparse] of [
      [kb, "bm25"],
      [dense, "none"],
    ] as const) {
      const index = await VectorIndex.open(path, { engine: model, sparse });
      await index.add(DOCS.slice(0, 2));
      await index.close();
    }
    const cases: [string[], RegExp][] = [
      [
        ["search", kb, "x", "--mode", "fuzzy"],
        /\[invalid_option\]: mode must be one of dense, sparse, hybrid.*\(set by --mode\)/,
      ],
      [["search", kb, "x", "--fusion", "max"], /fusion must be one of rrf, weighted.*\(set by --fusion\)/],
      [["search", kb, "x", "--mode", "sparse", "--fusion", "rrf"], /fusion applies to mode "hybrid" only/],
      [["search", kb, "x", "--hybrid", "--mode", "dense"], /hybrid true asks for mode "hybrid"/],
      [["search", kb, "x", "--candidates", "many"], /--candidates must be an integer, got "many"/],
      [
        ["search", kb, "x", "--candidates", "0"],
        /candidates must be an integer from 1 to 10000.*\(set by --candidates\)/,
      ],
      [["search", dense, "x", "--mode", "sparse"], /created without them.*embedkit index add DIR --sparse bm25/],
      [
        ["index", "add", kb, "--sparse", TEST_MODELS.e5Small],
        /sparse must be "none", "bm25", or a SPLADE.*\(set by --sparse\)/,
      ],
      [
        ["index", "add", kb, "--sparse", "embedkit-test/splade-tiny"],
        /sparse "embedkit-test\/splade-tiny" differs from the index's "bm25"/,
      ],
    ];
    for (const [argv, re] of cases) {
      const r = await run([...argv, "-q", "int8"], jsonl(DOCS.slice(2, 3)));
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });

  test("SIGKILL mid-ingest with --sparse bm25: whole records, each chunk with its sparse vector", async () => {
    const N = 40;
    const chunking = { strategy: "naive", by: "sentences", size: 12 } as const;
    const records = Array.from({ length: N }, (_, i) => ({
      id: `r${i}`,
      text: Array.from(
        { length: 2 + (i % 3) },
        (_, k) => `Record ${i} sentence ${k} names item ${(i * 7 + k) % 50}.`,
      ).join(" "),
    }));
    await writeFile(join(dir, "many.jsonl"), jsonl(records));
    const kb = join(dir, "kb-killed");
    const args = ["index", "add", kb, "--input", join(dir, "many.jsonl"), "--sparse", "bm25", "--chunk", "naive"];
    args.push(
      "--chunk-by",
      "sentences",
      "--chunk-size",
      "12",
      "--batch-size",
      "2",
      "--progress",
      "--threads",
      "1",
      ...M,
    );
    const child = spawnCli(args);
    await child.waitFor(/^committed: ([1-9]\d) records/, 120_000);
    child.proc.kill("SIGKILL");
    assert.equal(await child.exited, null, "killed by the signal");

    const expected = new Map<string, number>();
    for await (const d of model.embedChunks(records, { chunking })) expected.set(String(d.id), d.chunks.length);
    const index = await VectorIndex.open(kb, { engine: model });
    const info = await index.info();
    assert.ok(info.records > 0 && info.records < N, `killed mid-way: ${info.records} of ${N}`);
    const rows = await index.chunksOf(records.map((r) => r.id));
    const analyzer = new Bm25Analyzer();
    const perDoc = new Map<string, number[]>();
    for (const row of rows) {
      perDoc.set(row.docId, [...(perDoc.get(row.docId) ?? []), row.chunkIndex]);
      assert.deepEqual(row.sparse, termCountVector(analyzer.analyze(row.text)), `${row.docId}#${row.chunkIndex}`);
    }
    assert.equal(perDoc.size, info.records);
    for (const [id, chunks] of perDoc) {
      assert.deepEqual(
        chunks,
        Array.from({ length: expected.get(id)! }, (_, k) => k),
        `${id} is whole`,
      );
    }
    const hits = await index.search("item 7", { mode: "sparse", topK: 1000 });
    const sharing = rows.filter((r) => analyzer.analyze(r.text).some((t) => t === "item" || t === "7"));
    assert.equal(hits.length, sharing.length, "sparse search finds every stored chunk sharing a term");
    await index.close();
  });
});
