/**
 * L4: an eval report as one self-contained page: HTML (inline CSS, inline SVG plots, no script,
 * nothing fetched) or markdown (the same table; each sweep as a table, markdown having no plot).
 * Pure: report input in, text out. The format follows the file's extension.
 */
import { extname } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import {
  buildReport,
  paramLabel,
  type ReportData,
  type ReportInput,
  type ReportRow,
  type Sweep,
} from "./report-data.js";
import { escapeXml, svgLinePlot } from "./svg-line-plot.js";

export type ReportFormat = "html" | "md";

const EXTENSIONS: Readonly<Record<string, ReportFormat>> = {
  ".html": "html",
  ".htm": "html",
  ".md": "md",
  ".markdown": "md",
};

/** The format a report path asks for by its extension; INVALID_OPTION for any other. */
export function reportFormatOf(path: string, field = "report"): ReportFormat {
  const ext = extname(path).toLowerCase();
  const format = EXTENSIONS[ext];
  if (format === undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must end in .html, .htm, .md or .markdown, got ${JSON.stringify(path)}${ext ? "" : " (no extension)"}`,
      { field, value: path, allowed: Object.keys(EXTENSIONS) },
    );
  }
  return format;
}

const num = (v: number | undefined, digits = 2): string =>
  v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits);
const signed = (v: number | undefined): string => (v === undefined ? "—" : `${v >= 0 ? "+" : ""}${v.toFixed(2)}`);

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#222;max-width:72rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.better{color:#1a7f37}td.worse{color:#b42318}.note{color:#666;font-size:.85rem}figure{margin:1rem 0}`;

function htmlRow(r: ReportRow): string {
  const cls = r.delta === undefined ? "num" : r.delta >= 0 ? "num better" : "num worse";
  const cells = [
    `<td>${escapeXml(r.task)}</td>`,
    `<td>${escapeXml(r.model)}</td>`,
    `<td>${escapeXml(paramLabel(r.params)) || "—"}</td>`,
    `<td>${escapeXml(r.split)}</td>`,
    `<td>${escapeXml(r.metric)}</td>`,
    `<td class="num score">${num(r.score)}</td>`,
    `<td class="num published">${num(r.published)}</td>`,
    `<td class="${cls} delta">${signed(r.delta)}</td>`,
    `<td class="num">${num(r.seconds, 1)}</td>`,
  ];
  return `<tr class="result" data-task="${escapeXml(r.resultName)}">${cells.join("")}</tr>`;
}

const HEAD = ["task", "model", "configuration", "split", "main metric", "score", "published", "Δ", "seconds"];

/** The report as a self-contained HTML page. */
export function renderHtmlReport(input: ReportInput): string {
  const data = buildReport(input);
  const plots = data.sweeps.map(
    (s) =>
      `<figure>\n${svgLinePlot(s)}\n<figcaption class="note">${escapeXml(sweepCaption(s))}</figcaption>\n</figure>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(data.title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(data.title)}</h1>
${data.note ? `<p class="note">${escapeXml(data.note)}</p>\n` : ""}<h2>Scores</h2>
<p class="note">Main score of each task x100 (MTEB's leaderboard scale); published: MTEB's published score of the model on the whole task, where known.</p>
<table id="scores">
<thead><tr>${HEAD.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
<tbody>
${data.rows.map(htmlRow).join("\n")}
</tbody>
</table>
${plots.length > 0 ? `<h2>Sweeps</h2>\n${plots.join("\n")}\n` : ""}</body>
</html>
`;
}

function sweepCaption(s: Sweep): string {
  return `${s.series.length} series over ${s.param} = ${s.xs.join(", ")}`;
}

const mdCell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function mdSweep(s: Sweep): string {
  const lines = [
    `### ${mdCell(s.task)}: ${mdCell(s.metric)} by ${mdCell(s.param)} (${mdCell(s.model)})`,
    "",
    `| ${mdCell(s.param)} | ${s.series.map((x) => mdCell(x.name)).join(" | ")} |`,
    `| ---: | ${s.series.map(() => "---:").join(" | ")} |`,
  ];
  for (const x of s.xs) {
    const ys = s.series.map((ser) => num(ser.points.find((p) => p.x === x)?.y));
    lines.push(`| ${mdCell(String(x))} | ${ys.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** The report as markdown: the scores table, and each sweep as a table (x down, one column per series). */
export function renderMarkdownReport(input: ReportInput): string {
  const data: ReportData = buildReport(input);
  const lines = [`# ${mdCell(data.title)}`, ""];
  if (data.note) lines.push(data.note, "");
  lines.push(
    "Main score of each task x100 (MTEB's leaderboard scale); published: MTEB's published score of the model on the whole task, where known.",
    "",
    `| ${HEAD.join(" | ")} |`,
    `| ${HEAD.map((h, i) => (i >= 5 ? "---:" : "---")).join(" | ")} |`,
  );
  for (const r of data.rows) {
    const cells = [r.task, r.model, paramLabel(r.params) || "—", r.split, r.metric].map(mdCell);
    lines.push(`| ${[...cells, num(r.score), num(r.published), signed(r.delta), num(r.seconds, 1)].join(" | ")} |`);
  }
  if (data.sweeps.length > 0) lines.push("", "## Sweeps", "", data.sweeps.map(mdSweep).join("\n\n"));
  return `${lines.join("\n")}\n`;
}

/** The report in the given format. */
export function renderReport(format: ReportFormat, input: ReportInput): string {
  return format === "html" ? renderHtmlReport(input) : renderMarkdownReport(input);
}
