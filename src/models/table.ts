/**
 * L1: the README model tables, rendered from the registry: one table per task (dense embedders,
 * sparse models, rerankers), each from the same records `embedkit models list` reads. Pure: no IO.
 *
 * The output is already in the form prettier gives Markdown tables (cells padded to the column
 * width, numeric columns right-aligned), so `prettier --check` and the README drift check
 * (scripts/gen-readme-models.ts --check) agree on the same bytes.
 */
import { DEFAULT_RERANK_MODEL, RERANK_MODELS } from "./rerank-registry.js";
import { BM25_MODELS, DEFAULT_MODEL, MODELS, SPARSE_MODELS } from "./registry.js";
import type { Bm25ModelSpec, ModelSpec, RerankModelSpec, SparseModelSpec } from "./spec.js";

type Align = "left" | "right";

interface Column<T> {
  readonly header: string;
  readonly align: Align;
  readonly cell: (id: string, spec: T, isDefault: boolean) => string;
}

const modelCell = (id: string, _s: unknown, isDefault: boolean): string => `\`${id}\`${isDefault ? " (default)" : ""}`;

const COLUMNS: readonly Column<ModelSpec>[] = [
  { header: "Model", align: "left", cell: modelCell },
  { header: "Dim", align: "right", cell: (_id, s) => String(s.dim) },
  { header: "Max tokens", align: "right", cell: (_id, s) => String(s.maxTokens) },
  { header: "Pooling", align: "left", cell: (_id, s) => s.pooling },
  { header: "Prompts", align: "left", cell: (_id, s) => (hasPrompts(s) ? "yes" : "no") },
  { header: "int8", align: "left", cell: (_id, s) => (s.files.onnx.int8 ? "yes" : "no") },
  { header: "License", align: "left", cell: (_id, s) => s.license },
  { header: "Params", align: "right", cell: (_id, s) => `${s.paramsM}M` },
];

const SPARSE_COLUMNS: readonly Column<SparseModelSpec | Bm25ModelSpec>[] = [
  { header: "Sparse model", align: "left", cell: modelCell },
  { header: "Kind", align: "left", cell: (_id, s) => s.kind },
  { header: "Queries", align: "left", cell: (_id, s) => (s.kind === "bm25" ? "terms" : s.queryEncoder) },
  { header: "Max tokens", align: "right", cell: (_id, s) => (s.kind === "bm25" ? "-" : String(s.maxTokens)) },
  { header: "Vocabulary", align: "right", cell: (_id, s) => (s.kind === "bm25" ? "-" : String(s.vocabSize)) },
  { header: "License", align: "left", cell: (_id, s) => (s.kind === "bm25" ? "-" : s.license) },
  { header: "Params", align: "right", cell: (_id, s) => (s.kind === "bm25" ? "-" : `${s.paramsM}M`) },
];

const RERANK_COLUMNS: readonly Column<RerankModelSpec>[] = [
  { header: "Reranker", align: "left", cell: modelCell },
  { header: "Max tokens", align: "right", cell: (_id, s) => String(s.maxTokens) },
  { header: "Activation", align: "left", cell: (_id, s) => s.activation },
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

function renderTable<T>(
  columns: readonly Column<T>[],
  models: Readonly<Record<string, T>>,
  defaultId: string | undefined,
): string {
  const body = Object.entries(models).map(([id, spec]) =>
    columns.map((c) => escapeCell(c.cell(id, spec, id === defaultId))),
  );
  // Width 3 at least so the delimiter row is valid Markdown ("---" or "--:").
  const widths = columns.map((c, i) => Math.max(3, c.header.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((text, i) => pad(text, widths[i] ?? 0, columns[i]?.align ?? "left")).join(" | ")} |`;
  return [
    line(columns.map((c) => c.header)),
    line(columns.map((c, i) => delimiter(widths[i] ?? 3, c.align))),
    ...body.map(line),
  ].join("\n");
}

/**
 * The Markdown table of the given dense models (default: the registry's), one row per model in
 * registry order, the default model marked "(default)". Ends without a trailing newline.
 */
export function formatModelTable(
  models: Readonly<Record<string, ModelSpec>> = MODELS,
  defaultId: string = DEFAULT_MODEL,
): string {
  return renderTable(COLUMNS, models, defaultId);
}

/** The sparse models' table (SPLADE encoders, then BM25), in registry order. */
export function formatSparseTable(
  models: Readonly<Record<string, SparseModelSpec | Bm25ModelSpec>> = { ...SPARSE_MODELS, ...BM25_MODELS },
): string {
  return renderTable(SPARSE_COLUMNS, models, undefined);
}

/** The rerankers' table, in registry order, the default reranker marked "(default)". */
export function formatRerankTable(
  models: Readonly<Record<string, RerankModelSpec>> = RERANK_MODELS,
  defaultId: string = DEFAULT_RERANK_MODEL,
): string {
  return renderTable(RERANK_COLUMNS, models, defaultId);
}

/** What the README's Models section holds: the three tables, each under a line naming its engine. */
export function formatRegistryTables(): string {
  return [
    "Dense embedding models (`TextEmbedding`):",
    formatModelTable(),
    "Sparse models (`SparseTextEmbedding`; `bm25` needs no files):",
    formatSparseTable(),
    "Rerankers (`TextCrossEncoder`):",
    formatRerankTable(),
  ].join("\n\n");
}
