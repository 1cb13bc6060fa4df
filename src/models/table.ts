/**
 * L1: the README model table, rendered from the registry. Pure: no IO.
 *
 * The output is already in the form prettier gives Markdown tables (cells padded to the column
 * width, numeric columns right-aligned), so `prettier --check` and the README drift check
 * (scripts/gen-readme-models.ts --check) agree on the same bytes.
 */
import { DEFAULT_MODEL, MODELS } from "./registry.js";
import type { ModelSpec } from "./spec.js";

type Align = "left" | "right";

interface Column {
  readonly header: string;
  readonly align: Align;
  readonly cell: (id: string, spec: ModelSpec, isDefault: boolean) => string;
}

const COLUMNS: readonly Column[] = [
  { header: "Model", align: "left", cell: (id, _s, isDefault) => `\`${id}\`${isDefault ? " (default)" : ""}` },
  { header: "Dim", align: "right", cell: (_id, s) => String(s.dim) },
  { header: "Max tokens", align: "right", cell: (_id, s) => String(s.maxTokens) },
  { header: "Pooling", align: "left", cell: (_id, s) => s.pooling },
  { header: "Prompts", align: "left", cell: (_id, s) => (hasPrompts(s) ? "yes" : "no") },
  { header: "int8", align: "left", cell: (_id, s) => (s.files.onnx.int8 ? "yes" : "no") },
  { header: "License", align: "left", cell: (_id, s) => s.license },
  { header: "Params", align: "right", cell: (_id, s) => `${s.paramsM}M` },
];

function hasPrompts(spec: ModelSpec): boolean {
  const { query, passage, symmetric } = spec.prompts;
  return query !== "" || passage !== "" || symmetric !== "";
}

/** A pipe inside a cell would end the cell early. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function pad(text: string, width: number, align: Align): string {
  return align === "right" ? text.padStart(width) : text.padEnd(width);
}

function delimiter(width: number, align: Align): string {
  return align === "right" ? `${"-".repeat(width - 1)}:` : "-".repeat(width);
}

/**
 * The Markdown table of the given models (default: the registry), one row per model in
 * registry order, the default model marked "(default)". Ends without a trailing newline.
 */
export function formatModelTable(
  models: Readonly<Record<string, ModelSpec>> = MODELS,
  defaultId: string = DEFAULT_MODEL,
): string {
  const body = Object.entries(models).map(([id, spec]) =>
    COLUMNS.map((c) => escapeCell(c.cell(id, spec, id === defaultId))),
  );
  // Width 3 at least so the delimiter row is valid Markdown ("---" or "--:").
  const widths = COLUMNS.map((c, i) => Math.max(3, c.header.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((text, i) => pad(text, widths[i] ?? 0, COLUMNS[i]?.align ?? "left")).join(" | ")} |`;
  return [
    line(COLUMNS.map((c) => c.header)),
    line(COLUMNS.map((c, i) => delimiter(widths[i] ?? 3, c.align))),
    ...body.map(line),
  ].join("\n");
}
