/**
 * The eval report writer (pure): rows beside published scores, sweep detection (numeric axis
 * sorted, labels in the order met, a line per combination of the other varying parameters),
 * escaping, the markdown form, and the format chosen by extension.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import type { TaskResult } from "../../src/eval/result.js";
import { buildReport, type ReportRun } from "../../src/eval/report/report-data.js";
import { renderHtmlReport, renderMarkdownReport, reportFormatOf } from "../../src/eval/report/render-report.js";

function result(task: string, type: TaskResult["task_type"], scores: Record<string, number>): TaskResult {
  return {
    dataset_revision: null,
    task_name: task,
    task_type: type,
    model_name: "BAAI/bge-small-en-v1.5",
    model_revision: null,
    quantization: "fp32",
    embedding_variant: null,
    embedkit_version: "0.1.0",
    scores: { test: [{ hf_subset: "default", languages: ["eng-Latn"], ...scores } as never] },
    evaluation_time: 1.5,
    date: "2026-12-01T00:00:00Z",
    kg_co2_emissions: null,
  };
}
const sts = (main: number): TaskResult => result("STSBenchmark", "sts", { main_score: main, cosine_spearman: main });
const chunked = (name: string, main: number): TaskResult =>
  result(name, "chunked-retrieval", { main_score: main, chunk_ndcg_at_10: main });
const PUBLISHED = { "BAAI/bge-small-en-v1.5": { STSBenchmark: 85.86 } };

test("rows: main score x100 beside the published one, delta, the task without its configuration suffix", () => {
  const data = buildReport({
    runs: [{ result: sts(0.8601) }, { result: chunked("XQuADChunked__late-sentences-64", 0.5) }],
    published: PUBLISHED,
  });
  assert.equal(data.rows.length, 2);
  const [a, b] = data.rows;
  assert.equal(a!.metric, "Spearman (cosine)");
  assert.ok(Math.abs(a!.score - 86.01) < 1e-9);
  assert.equal(a!.published, 85.86);
  assert.ok(Math.abs(a!.delta! - 0.15) < 1e-9);
  assert.equal(b!.task, "XQuADChunked");
  assert.equal(b!.published, undefined);
  assert.deepEqual(data.sweeps, [], "one result per task: nothing to plot");
});

test("a chunking sweep: numeric x sorted, one series per strategy, a repeated configuration kept once", () => {
  const runs: ReportRun[] = [];
  for (const [strategy, size, score] of [
    ["naive", 128, 0.6],
    ["late", 128, 0.7],
    ["late", 32, 0.5],
    ["naive", 32, 0.4],
    ["late", 32, 0.55],
  ] as const) {
    runs.push({
      result: chunked(`XQuADChunked__${strategy}-sentences-${size}`, score),
      params: { chunk: strategy, "chunk-by": "sentences", "chunk-size": size },
    });
  }
  const [sweep, ...rest] = buildReport({ runs }).sweeps;
  assert.equal(rest.length, 0);
  assert.equal(sweep!.param, "chunk-size");
  assert.equal(sweep!.numeric, true);
  assert.deepEqual(sweep!.xs, [32, 128]);
  assert.deepEqual(
    sweep!.series.map((s) => [s.name, s.points.map((p) => [p.x, Math.round(p.y)])]),
    [
      [
        "chunk=naive",
        [
          [32, 40],
          [128, 60],
        ],
      ],
      [
        "chunk=late",
        [
          [32, 55],
          [128, 70],
        ],
      ],
    ],
  );
  const html = renderHtmlReport({ runs });
  assert.equal((html.match(/<path class="series"/g) ?? []).length, 2);
  assert.equal((html.match(/<tr class="result"/g) ?? []).length, 5);
});

test("a precision-style sweep: labels in the order met; sweepParam picks the axis", () => {
  const runs: ReportRun[] = ["fp32", "int8", "binary"].flatMap((precision, i) =>
    ["late", "naive"].map((chunk, j) => ({
      result: chunked(`XQuADChunked__${chunk}`, 0.8 - i * 0.1 - j * 0.05),
      params: { precision, chunk },
    })),
  );
  const auto = buildReport({ runs }).sweeps[0]!;
  assert.equal(auto.param, "precision", "no numeric parameter: the first varying one");
  assert.equal(auto.numeric, false);
  assert.deepEqual(auto.xs, ["fp32", "int8", "binary"]);
  assert.deepEqual(
    auto.series.map((s) => s.name),
    ["chunk=late", "chunk=naive"],
  );
  const byChunk = buildReport({ runs, sweepParam: "chunk" }).sweeps[0]!;
  assert.equal(byChunk.param, "chunk");
  assert.equal(byChunk.series.length, 3);
});

test("HTML escapes what it shows and loads nothing; markdown gives the sweep as a table", () => {
  const runs: ReportRun[] = [1, 2].map((n) => ({
    result: { ...sts(0.5 + n / 10), model_name: "<script>x</script>" },
    params: { note: `a|b<${n}>` },
  }));
  const html = renderHtmlReport({ runs, title: 'Q & "A"' });
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&#60;script&#62;/);
  assert.match(html, /<title>Q &#38; &#34;A&#34;<\/title>/);
  assert.doesNotMatch(html, /<script|<link|src=|href=/);
  const md = renderMarkdownReport({ runs });
  assert.match(md, /^\| note \| STSBenchmark \|$/m);
  assert.match(md, /^\| a\\\|b<1> \| 60\.00 \|$/m);
});

test("the format follows the extension; anything else is invalid_option naming the path", () => {
  assert.equal(reportFormatOf("out/r.html"), "html");
  assert.equal(reportFormatOf("R.HTM"), "html");
  assert.equal(reportFormatOf("r.md"), "md");
  assert.equal(reportFormatOf("r.markdown"), "md");
  for (const bad of ["r.pdf", "report", "r.html.txt"]) {
    assert.throws(
      () => reportFormatOf(bad),
      (e: unknown) => isEmbedkitError(e, "invalid_option") && e.message.includes(JSON.stringify(bad)),
    );
  }
});
