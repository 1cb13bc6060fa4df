/**
 * `embedkit eval --report`: real evaluations through the CLI, the report opened in real headless
 * Chromium. A chunking sweep (--chunk late/naive x --chunk-size 32/64, all-MiniLM-L6-v2 int8) on
 * a slice of XQuAD written here (3 articles, 2 paragraphs each, their questions) must render one
 * table row per result holding the result file's score and one SVG path per chunking strategy;
 * the screenshot must show the plot's colours. BM25 on Cranfield gives a markdown and an HTML
 * report of one task. A report path with an unknown extension or in a missing folder is refused
 * (exit 2) before anything is evaluated.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { mainScore, readResult, resultFilePath } from "../../src/eval/result.js";
import { dumpDom, readPng, screenshot } from "../helpers/chromium.js";
import { run } from "../helpers/run-cli.js";
import { TEST_MODELS } from "../helpers/models.js";

const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));
let dir: string;
let data: string;

interface Squad {
  data: { title: string; paragraphs: unknown[] }[];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "embedkit-report-"));
  data = join(dir, "data");
  await mkdir(join(data, "xquad"), { recursive: true });
  const full = JSON.parse(await readFile(join(DATA, "xquad", "xquad.en.json"), "utf8")) as Squad;
  // A prefix of each article's paragraphs keeps every answer offset valid.
  const slice = { ...full, data: full.data.slice(0, 3).map((a) => ({ ...a, paragraphs: a.paragraphs.slice(0, 2) })) };
  await writeFile(join(data, "xquad", "xquad.en.json"), JSON.stringify(slice));
  await symlink(join(DATA, "cranfield"), join(data, "cranfield"));
  await copyFile(join(DATA, "published-mteb.json"), join(data, "published-mteb.json"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cells = (dom: string, cls: string): string[] =>
  [...dom.matchAll(new RegExp(`<td class="[^"]*\\b${cls}\\b[^"]*">([^<]*)</td>`, "g"))].map((m) => m[1]!);

describe("eval --report", { timeout: 600_000 }, () => {
  test("a chunking sweep: Chromium renders a row per result and one SVG path per strategy", async () => {
    const out = join(dir, "sweep");
    const report = join(dir, "sweep.html");
    const r = await run([
      "eval",
      ...["-m", TEST_MODELS.miniLM, "-q", "int8", "--task", "XQuADChunked"],
      ...["--chunk", "late", "--chunk", "naive", "--chunk-size", "32", "--chunk-size", "64"],
      ...["--data-dir", data, "--output-dir", out, "--embedding-cache", join(dir, "cache"), "--report", report],
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /report \(4 results\) ->/);
    const dom = await dumpDom(report);
    const rows = [...dom.matchAll(/<tr class="result" data-task="([^"]+)">/g)].map((m) => m[1]!);
    assert.deepEqual(rows, [
      "XQuADChunked__late-sentences-32",
      "XQuADChunked__late-sentences-64",
      "XQuADChunked__naive-sentences-32",
      "XQuADChunked__naive-sentences-64",
    ]);
    // Each row's score is the result file's main score (x100, 2 decimals).
    const scores = cells(dom, "score");
    for (const [i, name] of rows.entries()) {
      const result = await readResult(resultFilePath(out, TEST_MODELS.miniLM, name));
      assert.equal(scores[i], (mainScore(result) * 100).toFixed(2), name);
    }
    assert.deepEqual(cells(dom, "published"), ["—", "—", "—", "—"], "no published score for a slice");
    const svgs = dom.match(/<svg[^>]*class="sweep-plot"[^>]*>/g) ?? [];
    assert.equal(svgs.length, 1);
    assert.match(svgs[0]!, /data-param="chunk-size"/);
    const series = [...dom.matchAll(/<path class="series" data-series="([^"]+)" d="([^"]+)"/g)];
    assert.deepEqual(
      series.map((m) => m[1]),
      ["chunk=late", "chunk=naive"],
    );
    for (const m of series) assert.equal(m[2]!.split(/ (?=[ML])/).length, 2, `${m[1]}: one point per chunk size`);
    assert.equal((dom.match(/<circle class="point"/g) ?? []).length, 4);
    assert.doesNotMatch(dom, /<script|<link |https?:\/\/(?!www\.w3\.org\/2000\/svg)/, "self-contained, no script");

    const png = join(dir, "sweep.png");
    await screenshot(report, png);
    const { width, height, rgb } = await readPng(png);
    assert.ok(width >= 900 && height >= 1000, `${width}x${height}`);
    const count = (c: number): number => rgb.reduce((n, p) => n + (p === c ? 1 : 0), 0);
    const nonWhite = rgb.reduce((n, p) => n + (p !== 0xffffff ? 1 : 0), 0);
    assert.ok(nonWhite > rgb.length * 0.02, `only ${nonWhite} non-white pixels: the page looks blank`);
    assert.ok(count(0x1f77b4) > 20, "the first series' colour is drawn");
    assert.ok(count(0xd62728) > 20, "the second series' colour is drawn");
  });

  test("a precision sweep: one SVG series with a point per precision, in the order given", async () => {
    const out = join(dir, "precision");
    const report = join(dir, "precision.html");
    const r = await run([
      "eval",
      ...["-m", TEST_MODELS.miniLM, "-q", "int8", "--task", "XQuADRetrieval"],
      ...["--precision", "float32", "--precision", "int8", "--precision", "binary", "--rescore", "4"],
      ...["--data-dir", data, "--output-dir", out, "--embedding-cache", join(dir, "cache"), "--report", report],
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /report \(3 results\) ->/);
    const dom = await dumpDom(report);
    // Each row's score is its result file's (filed under <model>+<precision>).
    const scores = cells(dom, "score");
    assert.equal(scores.length, 3);
    for (const [i, label] of ["float32", "int8-rescore4", "binary-rescore4"].entries()) {
      const result = await readResult(resultFilePath(out, `${TEST_MODELS.miniLM}+${label}`, "XQuADRetrieval"));
      assert.equal(scores[i], (mainScore(result) * 100).toFixed(2), label);
    }
    const svgs = dom.match(/<svg[^>]*class="sweep-plot"[^>]*>/g) ?? [];
    assert.equal(svgs.length, 1);
    assert.match(svgs[0]!, /data-param="precision"/);
    const series = [...dom.matchAll(/<path class="series" data-series="([^"]*)" d="([^"]+)"/g)];
    assert.equal(series.length, 1, "one line: only the precision varies");
    assert.equal(series[0]![2]!.split(/ (?=[ML])/).length, 3, "a point per precision");
    const ticks = [...dom.matchAll(/<text [^>]*text-anchor="middle" font-size="11">([^<]+)<\/text>/g)].map((m) => m[1]);
    assert.deepEqual(ticks, ["float32", "int8-rescore4", "binary-rescore4"]);
  });

  test("BM25 on Cranfield: markdown and HTML reports of one task, no plot", async () => {
    const out = join(dir, "bm25");
    const md = join(dir, "bm25.md");
    const r = await run([
      "eval",
      "-m",
      "bm25",
      "--task",
      "Cranfield",
      "--data-dir",
      data,
      "--output-dir",
      out,
      "--report",
      md,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const result = await readResult(resultFilePath(out, "bm25", "Cranfield"));
    const score = (mainScore(result) * 100).toFixed(2);
    const text = await readFile(md, "utf8");
    assert.match(
      text,
      new RegExp(
        `^\\| Cranfield \\| bm25 \\| quantization=fp32 \\| test \\| nDCG@10 \\| ${score} \\| — \\| — \\|`,
        "m",
      ),
    );
    assert.doesNotMatch(text, /## Sweeps/);

    const html = join(dir, "bm25.html");
    const again = await run([
      "eval",
      "-m",
      "bm25",
      "--task",
      "Cranfield",
      "--data-dir",
      data,
      "--output-dir",
      out,
      "--report",
      html,
    ]);
    assert.equal(again.code, 0, again.stderr);
    const dom = await dumpDom(html);
    assert.deepEqual(cells(dom, "score"), [score]);
    assert.doesNotMatch(dom, /<svg/);
  });

  test("bad --report / --published: exit 2 naming the problem, before anything is evaluated", async () => {
    const out = join(dir, "never");
    const base = ["eval", "-m", "bm25", "--task", "Cranfield", "--data-dir", data, "--output-dir", out];
    const cases: [string[], RegExp][] = [
      [
        ["--report", join(dir, "missing", "r.html")],
        /invalid_option.*--report ".*missing\/r\.html": its folder .* does not exist/,
      ],
      [
        ["--report", join(dir, "r.pdf")],
        /invalid_option.*--report must end in \.html, \.htm, \.md or \.markdown, got ".*r\.pdf"/,
      ],
      [["--report", join(dir, "report")], /invalid_option.*\(no extension\)/],
      [
        ["--report", join(dir, "r.html"), "--published", join(dir, "nope.json")],
        /invalid_option.*--published ".*nope\.json" cannot be read/,
      ],
      [
        ["--report", join(dir, "r.html"), "--published", join(data, "xquad", "xquad.en.json")],
        /invalid_option.*--published .* must hold/,
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await run([...base, ...flags]);
      assert.equal(r.code, 2, `${flags.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(existsSync(out), false, `${flags.join(" ")}: nothing was evaluated`);
      assert.equal(existsSync(join(dir, "r.html")), false, "no report written");
    }
  });
});
