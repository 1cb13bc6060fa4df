/**
 * L4: a sweep as an inline SVG line plot (pure string building; no script, no external
 * resource): x is the swept parameter (a numeric axis, or labels evenly spaced), y the main
 * score x100; one `<path class="series">` per series, a marker per point, a legend.
 */
import type { ReportParamValue, Sweep } from "./report-data.js";

const W = 640;
const H = 360;
const M = { left: 56, right: 170, top: 28, bottom: 48 };
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Up to ~6 round ticks covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const span = hi - lo || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toFixed(10)));
  return out;
}

const fmt = (v: number): string => Number(v.toFixed(2)).toString();

/** The plot of one sweep, as an `<svg>` element string. */
export function svgLinePlot(sweep: Sweep): string {
  const ys = sweep.series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
  let yLo = Math.min(...ys);
  let yHi = Math.max(...ys);
  const pad = Math.max((yHi - yLo) * 0.1, 0.5);
  yLo = Math.max(0, yLo - pad);
  yHi = Math.min(100, yHi + pad);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const nums = sweep.xs.map(Number);
  const xLo = Math.min(...nums);
  const xHi = Math.max(...nums);
  const xAt = (x: ReportParamValue): number => {
    if (sweep.numeric) return M.left + (xHi === xLo ? plotW / 2 : ((Number(x) - xLo) / (xHi - xLo)) * plotW);
    const i = sweep.xs.indexOf(x);
    return M.left + (sweep.xs.length === 1 ? plotW / 2 : (i / (sweep.xs.length - 1)) * plotW);
  };
  const yAt = (y: number): number => M.top + plotH - ((y - yLo) / (yHi - yLo || 1)) * plotH;
  const parts: string[] = [];
  const title = `${sweep.task}: ${sweep.metric} by ${sweep.param} (${sweep.model})`;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="sweep-plot" role="img" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" data-task="${escapeXml(sweep.task)}" data-param="${escapeXml(sweep.param)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
    `<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#999999"/>`,
  );
  for (const t of ticks(yLo, yHi)) {
    const y = yAt(t).toFixed(1);
    parts.push(
      `<line x1="${M.left}" x2="${M.left + plotW}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`,
      `<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${fmt(t)}</text>`,
    );
  }
  for (const x of sweep.xs) {
    const px = xAt(x).toFixed(1);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${M.top + plotH}" y2="${M.top + plotH + 4}" stroke="#555555"/>`,
      `<text x="${px}" y="${M.top + plotH + 16}" text-anchor="middle" font-size="11">${escapeXml(String(x))}</text>`,
    );
  }
  parts.push(
    `<text x="${M.left + plotW / 2}" y="${H - 10}" text-anchor="middle" font-size="12">${escapeXml(sweep.param)}</text>`,
    `<text x="14" y="${M.top + plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${M.top + plotH / 2})">${escapeXml(sweep.metric)}</text>`,
    `<text x="${M.left}" y="18" font-size="12" font-weight="bold">${escapeXml(title)}</text>`,
  );
  sweep.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.y));
    const d = pts.map((p, j) => `${j === 0 ? "M" : "L"}${xAt(p.x).toFixed(1)},${yAt(p.y).toFixed(1)}`).join(" ");
    parts.push(
      `<path class="series" data-series="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`,
    );
    for (const p of pts) {
      parts.push(
        `<circle class="point" cx="${xAt(p.x).toFixed(1)}" cy="${yAt(p.y).toFixed(1)}" r="3.5" fill="${color}"><title>${escapeXml(`${s.name}, ${sweep.param}=${p.x}: ${fmt(p.y)}`)}</title></circle>`,
      );
    }
    const ly = M.top + 10 + i * 18;
    const lx = M.left + plotW + 12;
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${lx + 24}" y="${ly}" dominant-baseline="middle" font-size="11">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
