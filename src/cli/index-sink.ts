/**
 * L7: `embedkit index add URL` and `embedkit search URL QUERY` on a database sink (see
 * sink-target.ts: `postgres://...?table=T`, `chroma://host:port/COLLECTION`), through the sink and
 * `ingest()`; `embedkit index info|rm postgres://...` on a pgvector table. A Postgres URL is
 * parsed as `embedkit job submit --sink postgres://...` parses it (`table` query parameter,
 * default `embeddings`). `info` and `rm` read the table's settings row and never load a model.
 *
 * The model defaults to the sink's (read without creating anything), else, for a new table,
 * DEFAULT_MODEL; a --model of another model than the sink's is `sink_settings_mismatch`. A sink's
 * chunking is not stored: each document's content hash covers it, so an ingest with other
 * chunking re-embeds and replaces every document.
 */
import type { EmbedChunkingOptions } from "../embed/embed-chunks.js";
import { TextEmbedding } from "../embed/text-embedding.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { IndexChunking } from "../index/index-settings.js";
import { DEFAULT_MODEL } from "../models/registry.js";
import type { SearchableSink, SinkSettings } from "../sinks/document-sink.js";
import { ingest } from "../sinks/ingest.js";
import { MAX_TOP_K } from "../index/vector-index-options.js";
import { postgresSinkTarget } from "../jobs/postgres-sink.js";
import type { TextCrossEncoder } from "../rerank/text-cross-encoder.js";
import { rerankDepth, rerankHits } from "../search/rerank-hits.js";
import { ChromaSink } from "../sinks/chroma/chroma-sink.js";
import { parseChromaTarget } from "../sinks/chroma/chroma-url.js";
import { PgVectorSink } from "../sinks/postgres/pg-vector-sink.js";
import type { MetadataFilter } from "../sinks/sink-checks.js";
import type { Quantization } from "../types.js";
import { intFlag, storeFrom, type CliContext } from "./common.js";
import { humanBytes } from "./human-bytes.js";
import { sinkTarget, type CliSinkTarget } from "./sink-target.js";

export { isSinkUrl } from "./sink-target.js";

type ModelValues = Parameters<typeof storeFrom>[0] & {
  model?: string | undefined;
  quantization?: string | undefined;
  threads?: string | undefined;
};

/**
 * Opens the sink's model and the sink on `url`, runs `f`, then closes the sink and disposes the
 * model (both on error too).
 */
async function withSink(
  target: CliSinkTarget,
  values: ModelValues,
  ctx: CliContext,
  f: (model: TextEmbedding, sink: SearchableSink) => Promise<number>,
): Promise<number> {
  const model = await openModel(target, values, ctx);
  try {
    const sink = await target.open(model.modelId, model.dim);
    try {
      return await f(model, sink);
    } finally {
      await sink.close();
    }
  } finally {
    await model.dispose();
  }
}

/** The sink's model (or --model, or DEFAULT_MODEL for a new sink), loaded. */
async function openModel(target: CliSinkTarget, values: ModelValues, ctx: CliContext): Promise<TextEmbedding> {
  const model = values.model ?? (await target.storedModel()) ?? DEFAULT_MODEL;
  return TextEmbedding.create({
    model,
    quantization: (values.quantization ?? "fp32") as Quantization,
    store: storeFrom(values, ctx),
    ...(values.threads !== undefined ? { intraOpThreads: intFlag("--threads", values.threads) } : {}),
  });
}

function refuse(target: CliSinkTarget, flag: string, why: string): never {
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `${flag} is not available with a ${target.scheme}:// target: ${why}`,
    { flag },
  );
}

/** `embedkit index add URL`: records -> ingest() -> the sink's table or collection. */
export async function indexAddSink(
  url: string,
  options: {
    readonly values: ModelValues & { progress?: boolean | undefined; sparse?: string | undefined };
    readonly chunking: IndexChunking | undefined;
    readonly batchSize: number | undefined;
    readonly records: AsyncIterable<{ id: unknown; text: string; metadata?: unknown }>;
    /** Where the record being read came from ("line 3 of docs.jsonl"), to name it in ingest()'s errors. */
    readonly where: () => string;
  },
  ctx: CliContext,
): Promise<number> {
  const target = sinkTarget(url);
  if (options.values.progress) refuse(target, "--progress", "ingest() reports its counts at the end only");
  if (options.values.sparse !== undefined) refuse(target, "--sparse", `${target.sinkName} stores dense vectors only`);
  return withSink(target, options.values, ctx, async (model, sink) => {
    const c = options.chunking;
    const chunk: EmbedChunkingOptions | undefined =
      c === undefined || c.strategy === "none"
        ? undefined
        : {
            strategy: c.strategy,
            ...(c.by !== undefined ? { by: c.by } : {}),
            ...(c.size !== undefined ? { size: c.size } : {}),
            ...(c.overlap !== undefined ? { overlap: c.overlap } : {}),
          };
    const r = await ingest(sink, options.records, {
      model,
      ...(chunk !== undefined ? { chunk } : {}),
      ...(options.batchSize !== undefined ? { batchDocuments: options.batchSize } : {}),
    }).catch((e: unknown) => {
      // ingest() names records by position ("records[3].metadata"); the CLI names the input line.
      if (e instanceof EmbedkitError && /^records\[\d+\]/.test(e.message)) {
        throw new EmbedkitError(e.code, `${options.where()}: ${e.message}`, { ...e.details, where: options.where() });
      }
      throw e;
    });
    ctx.stdout.write(
      `${target.display}: ${r.documents} records, ${r.written} written (new or changed), ${r.unchanged} unchanged (${r.rows} rows written)\n`,
    );
    return 0;
  });
}

/**
 * `embedkit search URL QUERY [--rerank]`: the query embedded with the sink's model, the sink's
 * search; with `rerank`, the sink's top `topN` (default max(top, 20)) go through the folder
 * search's rerank step (rerankHits), the cosine kept as `dense_score`.
 */
export async function searchSink(
  url: string,
  query: string,
  options: {
    readonly values: ModelValues & {
      json?: boolean | undefined;
      mode?: string | undefined;
      hybrid?: boolean | undefined;
      fusion?: string | undefined;
      candidates?: string | undefined;
      exact?: boolean | undefined;
      nprobes?: string | undefined;
      ef?: string | undefined;
      "refine-factor"?: string | undefined;
      rescore?: string | undefined;
      "rescore-with"?: string | undefined;
    };
    readonly topK: number;
    readonly filter: unknown;
    /** --rerank: opens the cross-encoder (disposed here), and --rerank-top. */
    readonly rerank?: { readonly open: () => Promise<TextCrossEncoder>; readonly topN: number | undefined } | undefined;
  },
  ctx: CliContext,
): Promise<number> {
  const target = sinkTarget(url);
  for (const flag of ["mode", "hybrid", "fusion", "candidates"] as const) {
    if (options.values[flag] !== undefined) refuse(target, `--${flag}`, `${target.storeName} is searched dense only`);
  }
  for (const flag of ["exact", "nprobes", "ef", "refine-factor", "rescore", "rescore-with"] as const) {
    if (options.values[flag] !== undefined && !(flag === "ef" && target.perQueryEf)) {
      refuse(
        target,
        `--${flag}`,
        `it tunes a folder index's LanceDB search; ${target.storeName} is searched by its own index`,
      );
    }
  }
  if (query.trim() === "") {
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "QUERY must be a non-empty string", { field: "query" });
  }
  const { topK, rerank } = options;
  const ef = options.values.ef !== undefined ? intFlag("--ef", options.values.ef) : undefined;
  // checked before any model loads
  const depth = rerank === undefined ? topK : rerankDepth(topK, rerank.topN, MAX_TOP_K);
  return withSink(target, options.values, ctx, async (model, sink) => {
    const reranker = await rerank?.open();
    try {
      const found = await sink.search(await model.queryEmbed(query), {
        topK: depth,
        ...(options.filter !== undefined ? { filter: options.filter as MetadataFilter } : {}),
        ...(ef !== undefined ? { efSearch: ef } : {}),
      });
      const hits =
        reranker === undefined
          ? found
          : await rerankHits(query, found, { model: reranker, topK, keepScoreAs: "denseScore" });
      hits.forEach((h: (typeof found)[number] & { denseScore?: number }, i) => {
        ctx.stdout.write(
          options.values.json
            ? `${JSON.stringify({ rank: i + 1, id: h.docId, score: h.score, chunk: h.chunkIndex, start: h.start, end: h.end, text: h.text, metadata: h.metadata, ...(h.denseScore !== undefined ? { dense_score: h.denseScore } : {}) })}\n`
            : `${h.docId}\t${h.score.toFixed(4)}\t${h.text.replace(/\s+/g, " ")}\n`,
        );
      });
      return 0;
    } finally {
      await reranker?.dispose();
    }
  });
}

/** The INVALID_OPTION for a database without that sink table (info and rm never create one). */
function noTable(target: ReturnType<typeof postgresSinkTarget>, url: string): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `${target.display} holds no embedkit table (create one with \`embedkit index add ${url} --input FILE\`)`,
    { flag: "DIR", table: target.table },
  );
}

/** `embedkit index info postgres://...`: the table's settings row, counts, HNSW index and size; no model is loaded. */
export async function indexInfoPostgres(url: string, json: boolean, ctx: CliContext): Promise<number> {
  const target = postgresSinkTarget(url);
  const info = await PgVectorSink.tableInfo(target);
  if (info === undefined) throw noTable(target, url);
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ path: target.display, ...info })}\n`);
    return 0;
  }
  const h = info.hnsw;
  ctx.stdout.write(
    [
      `path:        ${target.display}`,
      `model:       ${info.model} (${info.dimension} dimensions)`,
      `records:     ${info.records}`,
      `chunks:      ${info.chunks} (rows)`,
      `hnsw:        ${h === null ? "none (exact scan)" : `${h.name} (m ${h.m}, ef_construction ${h.efConstruction})`}`,
      `size:        ${humanBytes(info.bytesOnDisk)} (${info.bytesOnDisk} bytes: pg_total_relation_size, with indexes and TOAST)`,
    ].join("\n") + "\n",
  );
  return 0;
}

/** `embedkit index rm postgres://... --id X`: deletes the documents' rows; no model is loaded. */
export async function indexRmPostgres(url: string, ids: readonly string[], ctx: CliContext): Promise<number> {
  const target = postgresSinkTarget(url);
  const settings = await PgVectorSink.tableSettings(target);
  if (settings === undefined) throw noTable(target, url);
  const sink = await PgVectorSink.open({ url: target.url, table: target.table, ...settings });
  try {
    const { documents, rows } = await sink.deleteDocumentsCounted(ids);
    ctx.stdout.write(
      `${target.display}: removed ${documents} of ${ids.length} records (${rows} rows); ${ids.length - documents} not there\n`,
    );
    return documents === ids.length ? 0 : 1;
  } finally {
    await sink.close();
  }
}

/** The INVALID_OPTION for a Chroma server without that collection (info and rm never create one). */
function noCollection(target: { display: string; collection: string }, url: string): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `${target.display} holds no embedkit collection (create one with \`embedkit index add ${url} --input FILE\`)`,
    { flag: "DIR", collection: target.collection },
  );
}

/** Opens the Chroma collection `url` names with the model and dimension it holds; no model is loaded. */
async function openChromaCollection(
  url: string,
): Promise<{ display: string; sink: ChromaSink; settings: SinkSettings }> {
  const target = parseChromaTarget(url);
  const settings = await ChromaSink.collectionSettings(target);
  if (settings === undefined) throw noCollection(target, url);
  const sink = await ChromaSink.open({ url: target.url, collection: target.collection, ...settings });
  return { display: target.display, sink, settings };
}

/** `embedkit index info chroma://...`: the collection's model, dimension and counts; no model is loaded. */
export async function indexInfoChroma(url: string, json: boolean, ctx: CliContext): Promise<number> {
  const { display, sink, settings } = await openChromaCollection(url);
  try {
    const { rows, documents } = await sink.count();
    const info = {
      path: display,
      model: settings.model,
      dimension: settings.dimension,
      records: documents,
      chunks: rows,
    };
    ctx.stdout.write(
      json
        ? `${JSON.stringify(info)}\n`
        : [
            `path:        ${display}`,
            `model:       ${info.model} (${info.dimension} dimensions)`,
            `records:     ${info.records}`,
            `chunks:      ${info.chunks} (rows)`,
            "index:       Chroma's HNSW (cosine space)",
            "size:        not reported by Chroma's HTTP API",
          ].join("\n") + "\n",
    );
    return 0;
  } finally {
    await sink.close();
  }
}

/** `embedkit index rm chroma://... --id X`: deletes the documents' rows; no model is loaded. */
export async function indexRmChroma(url: string, ids: readonly string[], ctx: CliContext): Promise<number> {
  const { display, sink } = await openChromaCollection(url);
  try {
    const { documents, rows } = await sink.deleteDocumentsCounted(ids);
    ctx.stdout.write(
      `${display}: removed ${documents} of ${ids.length} records (${rows} rows); ${ids.length - documents} not there\n`,
    );
    return documents === ids.length ? 0 : 1;
  } finally {
    await sink.close();
  }
}
