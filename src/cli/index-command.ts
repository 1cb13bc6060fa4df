/**
 * L7: `embedkit index add DIR --input docs.jsonl [--chunk late|naive|none] [--sparse bm25|MODEL]`, `embedkit index
 * info DIR` and `embedkit index rm DIR --id ID`: the vector index in a folder (see VectorIndex).
 * Records are JSON lines `{"id", "text", "metadata"?}` (or a JSON array), from --input or stdin;
 * a bad record stops the ingest with its line named, after every record before it was stored.
 */
import { parseArgs } from "node:util";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { DEFAULT_MODEL } from "../models/registry.js";
import type { Quantization } from "../types.js";
import { readSettings, type IndexChunking } from "../index/index-settings.js";
import { VectorIndex } from "../index/vector-index.js";
import type { AddResult, VectorIndexOptions } from "../index/vector-index-options.js";
import { parseIndexPrecision, type AnnType } from "../index/ann-options.js";
import type { ChunkBy } from "../chunking/chunk-types.js";
import { commonModelOptions, intFlag, storeFrom, type CliContext } from "./common.js";
import { humanBytes } from "./human-bytes.js";
import { checkInputPath, readInputs, type InputRecord } from "./read-inputs.js";
import { isPostgresUrl } from "../sinks/postgres/database-url.js";
import {
  indexAddSink,
  indexInfoChroma,
  indexInfoPostgres,
  indexRmChroma,
  indexRmPostgres,
  isSinkUrl,
} from "./index-sink.js";
import { isChromaUrl } from "../sinks/chroma/chroma-url.js";

export const INDEX_HELP = `Usage: embedkit index add DIR|postgres://...?table=T|chroma://host:port/COLLECTION [--input FILE] [options]
       embedkit index info DIR|postgres://...?table=T|chroma://host:port/COLLECTION [--json]
       embedkit index rm DIR|postgres://...?table=T|chroma://host:port/COLLECTION --id ID [--id ID ...]
       embedkit index optimize DIR [--ann TYPE] [--partitions N]

add: chunks, embeds and stores records in the vector index in folder DIR (created if needed).
A record whose id is present replaces all its chunks; unchanged records are skipped, so running
the same ingest again changes nothing. A postgres://user@host:port/db?table=T URL instead of DIR
writes to the pgvector table T (default embeddings; created if needed) through the Postgres sink,
and chroma://host:port/COLLECTION to that Chroma collection (port 8000 by default; created if
needed) through the Chroma sink, with the same semantics; the model defaults to the table's or
collection's (--progress is not available there).

  -i, --input FILE         records: .jsonl ({"id", "text", "metadata"?}) or .json (an array); default stdin (JSON lines)
      --chunk KIND         none (default: one chunk per record), naive or late (fixed when DIR is created)
      --chunk-by KIND      tokens | sentences | paragraphs | markdown (default sentences)
      --chunk-size N       most tokens per chunk (default 256)
      --chunk-overlap N    tokens shared with the previous chunk (default 0)
      --sparse KIND        also store each chunk's sparse vector, for sparse and hybrid search: none (default),
                           bm25, or a SPLADE model id or folder (fixed when DIR is created)
      --batch-size N       records per commit (default 32)
      --precision P        float32 (default) or binary: packed sign bits stored next to the vectors,
                           searched by Hamming distance then rescored (fixed when DIR is created)
      --progress           a line on stderr after each commit
      --text-field NAME    JSON field holding the text (default "text")
      --id-field NAME      JSON field holding the id (default "id")
${commonModelOptions.help.replace(/\(default [^;]*;/, `(default: the index's model, or ${DEFAULT_MODEL} for a new index;`)}
info: the model, sparse side, record and chunk counts, metadata fields and size on disk (--json: one JSON object);
  for a postgres:// table: its model and dimension, record (document) and chunk (row) counts, HNSW index
  and pg_total_relation_size; for a chroma:// collection: its model, dimension, record and chunk counts
  (Chroma reports no size). Reads the index's (or table's, or collection's) settings; no model is loaded.
rm: deletes the records with these ids (all their chunks; for a table or collection, all their rows) and
  says how many were not there (exit 1 when any was not). No model is loaded for a table or collection.
optimize: compacts the index (merges files, drops deleted and replaced rows, removes old versions;
  run it while nothing else writes DIR) and with --ann builds the ANN index over the vectors:
      --ann TYPE           ivf_hnsw_sq (recommended), ivf_pq or ivf_flat
      --partitions N       IVF partitions (default sqrt(chunks) for ivf_pq/ivf_flat, 1 per million for ivf_hnsw_sq)
`;

const CHUNK_KINDS = ["none", "naive", "late"];

export async function indexCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    ctx.stdout.write(INDEX_HELP);
    return verb === undefined ? 2 : 0;
  }
  if (verb === "add") return indexAdd(rest, ctx);
  if (verb === "info") return indexInfo(rest, ctx);
  if (verb === "rm") return indexRm(rest, ctx);
  if (verb === "optimize") return indexOptimize(rest, ctx);
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `unknown index command ${describeValue(verb)}: use add, info, rm or optimize`,
    {
      flag: "index",
      value: verb,
    },
  );
}

function dirArg(positionals: readonly string[], usage: string): string {
  if (positionals.length !== 1 || positionals[0] === "") {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${usage}: expected one index folder, got ${positionals.length} arguments`,
      { flag: "DIR", count: positionals.length },
    );
  }
  return positionals[0]!;
}

type ModelValues = Parameters<typeof storeFrom>[0] & { model?: string | undefined; quantization?: string | undefined };

/** Open options for an existing or new index: the model defaults to the index's (or DEFAULT_MODEL when new). */
export async function indexOpenOptions(dir: string, values: ModelValues, ctx: CliContext): Promise<VectorIndexOptions> {
  const stored = await readSettings(dir);
  const model = values.model ?? (stored === undefined ? DEFAULT_MODEL : undefined);
  return {
    ...(model !== undefined ? { model } : {}),
    quantization: (values.quantization ?? "fp32") as Quantization,
    store: storeFrom(values, ctx),
    ...(values.threads !== undefined ? { intraOpThreads: intFlag("--threads", values.threads) } : {}),
  };
}

export function chunkingFrom(values: {
  chunk?: string | undefined;
  "chunk-by"?: string | undefined;
  "chunk-size"?: string | undefined;
  "chunk-overlap"?: string | undefined;
}): IndexChunking | undefined {
  const any = values.chunk ?? values["chunk-by"] ?? values["chunk-size"] ?? values["chunk-overlap"] ?? undefined;
  if (any === undefined) return undefined;
  if (values.chunk !== undefined && !CHUNK_KINDS.includes(values.chunk)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--chunk must be one of ${CHUNK_KINDS.join(", ")}, got ${JSON.stringify(values.chunk)}`,
      { flag: "--chunk", value: values.chunk },
    );
  }
  return {
    strategy: (values.chunk ?? "late") as IndexChunking["strategy"],
    ...(values["chunk-by"] !== undefined ? { by: values["chunk-by"] as ChunkBy } : {}),
    ...(values["chunk-size"] !== undefined ? { size: intFlag("--chunk-size", values["chunk-size"]) } : {}),
    ...(values["chunk-overlap"] !== undefined ? { overlap: intFlag("--chunk-overlap", values["chunk-overlap"]) } : {}),
  };
}

/** The records of the input as VectorIndex.add takes them; a record without an id names its line. */
async function* indexRecords(source: AsyncIterable<InputRecord>, idField: string, current: { where: string }) {
  let n = 0;
  for await (const r of source) {
    current.where = r.where ?? `record ${n + 1}`;
    n++;
    if (r.id === undefined || r.id === null || r.id === "") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${current.where}: the record has no "${idField}" (every record of an index needs an id; choose the field with --id-field)`,
        { where: current.where, field: idField },
      );
    }
    const metadata = r.fields?.["metadata"];
    yield { id: r.id, text: r.text, ...(metadata !== undefined ? { metadata } : {}) };
  }
}

async function indexAdd(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...commonModelOptions.options,
      input: { type: "string", short: "i" },
      chunk: { type: "string" },
      "chunk-by": { type: "string" },
      "chunk-size": { type: "string" },
      "chunk-overlap": { type: "string" },
      sparse: { type: "string" },
      "batch-size": { type: "string" },
      precision: { type: "string" },
      progress: { type: "boolean" },
      "text-field": { type: "string" },
      "id-field": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(INDEX_HELP);
    return 0;
  }
  const dir = dirArg(positionals, "embedkit index add DIR");
  const chunking = chunkingFrom(values);
  const batchSize = values["batch-size"] !== undefined ? intFlag("--batch-size", values["batch-size"]) : undefined;
  if (values.input !== undefined) await checkInputPath(values.input);
  const idField = values["id-field"] ?? "id";
  if (isSinkUrl(dir)) {
    const current = { where: "" };
    const source = readInputs(
      values.input,
      { textField: values["text-field"] ?? "text", idField, stdinFormat: "jsonl", keepFields: true },
      ctx.stdin,
    );
    return indexAddSink(
      dir,
      { values, chunking, batchSize, records: indexRecords(source, idField, current), where: () => current.where },
      ctx,
    );
  }
  const index = await VectorIndex.open(dir, {
    ...(await indexOpenOptions(dir, values, ctx)),
    ...(chunking !== undefined ? { chunking } : {}),
    ...(values.sparse !== undefined ? { sparse: values.sparse } : {}),
    ...(values.precision !== undefined ? { precision: parseIndexPrecision(values.precision, "--precision") } : {}),
  });
  try {
    const current = { where: "" };
    const source = readInputs(
      values.input,
      { textField: values["text-field"] ?? "text", idField, stdinFormat: "jsonl", keepFields: true },
      ctx.stdin,
    );
    const r = await index.add(indexRecords(source, idField, current), {
      ...(batchSize !== undefined ? { batchSize } : {}),
      recordName: () => current.where,
      ...(values.progress
        ? {
            onProgress: (p: AddResult) =>
              ctx.stderr.write(
                `committed: ${p.added + p.updated + p.unchanged} records (${p.added} added, ${p.updated} updated, ${p.unchanged} unchanged)\n`,
              ),
          }
        : {}),
    });
    ctx.stdout.write(
      `${dir}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged (${r.chunks} chunks written)\n`,
    );
    return 0;
  } finally {
    await index.close();
  }
}

async function indexInfo(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...commonModelOptions.options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    ctx.stdout.write(INDEX_HELP);
    return 0;
  }
  const dir = dirArg(positionals, "embedkit index info DIR");
  if (isPostgresUrl(dir)) return indexInfoPostgres(dir, values.json === true, ctx);
  if (isChromaUrl(dir)) return indexInfoChroma(dir, values.json === true, ctx);
  await requireIndex(dir);
  const info = await VectorIndex.inspect(dir); // settings and files only: no model is loaded
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(info)}\n`);
    return 0;
  }
  const c = info.chunking;
  const fields = Object.entries(info.metadataFields).map(([k, t]) => `${k} (${t})`);
  ctx.stdout.write(
    [
      `path:        ${info.path}`,
      `model:       ${info.model} (${info.dimension} dimensions${info.normalize ? ", normalized" : ""})`,
      `sparse:      ${info.sparse === "none" ? "none (dense search only)" : info.sparse === "bm25" ? "bm25 (term counts per chunk; k1 1.2, b 0.75 over the stored chunks)" : `${info.sparse} (SPLADE)`}`,
      `chunking:    ${c.strategy}${c.by ? ` by ${c.by}` : ""}${c.size ? `, size ${c.size}` : ""}${c.overlap ? `, overlap ${c.overlap}` : ""}`,
      `records:     ${info.records}`,
      `chunks:      ${info.chunks}`,
      `precision:   ${info.precision}`,
      `ann:         ${info.ann === null ? "none (exact search)" : `${info.ann.type}, ${info.ann.partitions} partitions, covers ${info.ann.indexedChunks} chunks (${info.ann.unindexedChunks} not yet: searched flat until the next optimize)`}`,
      `metadata:    ${fields.length ? fields.join(", ") : "none"}`,
      `size:        ${humanBytes(info.bytesOnDisk)} (${info.bytesOnDisk} bytes on disk)`,
    ].join("\n") + "\n",
  );
  return 0;
}

async function indexRm(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...commonModelOptions.options,
      id: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(INDEX_HELP);
    return 0;
  }
  const dir = dirArg(positionals, "embedkit index rm DIR");
  const ids = [...new Set(values.id ?? [])]; // an id given twice is one record
  if (ids.length === 0) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "--id is required: the id of a record to remove", {
      flag: "--id",
    });
  }
  if (isPostgresUrl(dir)) return indexRmPostgres(dir, ids, ctx);
  if (isChromaUrl(dir)) return indexRmChroma(dir, ids, ctx);
  await requireIndex(dir);
  const index = await VectorIndex.open(dir, await indexOpenOptions(dir, values, ctx));
  try {
    const { deleted } = await index.delete(ids);
    ctx.stdout.write(`${dir}: removed ${deleted} of ${ids.length} records; ${ids.length - deleted} not there\n`);
    return deleted === ids.length ? 0 : 1;
  } finally {
    await index.close();
  }
}

async function indexOptimize(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...commonModelOptions.options,
      ann: { type: "string" },
      partitions: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(INDEX_HELP);
    return 0;
  }
  const dir = dirArg(positionals, "embedkit index optimize DIR");
  if (values.partitions !== undefined && values.ann === undefined) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "--partitions applies with --ann TYPE", {
      flag: "--partitions",
      value: values.partitions,
    });
  }
  await requireIndex(dir);
  const index = await VectorIndex.open(dir, await indexOpenOptions(dir, values, ctx));
  try {
    const r = await index.optimize(
      values.ann !== undefined
        ? {
            ann: {
              type: values.ann as AnnType,
              ...(values.partitions !== undefined ? { partitions: intFlag("--partitions", values.partitions) } : {}),
            },
          }
        : {},
    );
    ctx.stdout.write(
      `${dir}: compacted (${r.filesRemoved} data files merged into ${r.filesAdded}, ${r.versionsRemoved} old versions and ${humanBytes(r.bytesRemoved)} removed); ann: ${r.ann === null ? "none" : `${r.ann.type}, ${r.ann.partitions} partitions, ${r.ann.indexedChunks} chunks`}\n`,
    );
    return 0;
  } finally {
    await index.close();
  }
}

/** An INVALID_OPTION naming DIR when it holds no index (info, rm and search never create one). */
export async function requireIndex(dir: string): Promise<void> {
  if (isSinkUrl(dir)) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      "this command takes an index folder; a postgres:// table or a chroma:// collection works with `index add|info|rm` and `search` only",
      { flag: "DIR" },
    );
  }
  if ((await readSettings(dir)) === undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `"${dir}" holds no vector index (create one with \`embedkit index add ${dir} --input FILE\`)`,
      { flag: "DIR", path: dir },
    );
  }
}
