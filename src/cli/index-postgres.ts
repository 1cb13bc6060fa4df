/**
 * L7: `embedkit index add postgres://...?table=T` and `embedkit search postgres://...?table=T
 * QUERY`: the vector index commands on a pgvector table, through the Postgres sink (PgVectorSink,
 * `ingest()`), with the URL parsed as `embedkit job submit --sink postgres://...` parses it
 * (`table` query parameter, default `embeddings`).
 *
 * The model defaults to the table's (read from `embedkit_sinks` without creating anything), else,
 * for a new table, DEFAULT_MODEL; a --model of another model than the table's is
 * `sink_settings_mismatch`. A table's chunking is not stored: each document's content hash covers
 * it, so an ingest with other chunking re-embeds and replaces every document.
 */
import type { EmbedChunkingOptions } from "../embed/embed-chunks.js";
import { TextEmbedding } from "../embed/text-embedding.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { IndexChunking } from "../index/index-settings.js";
import { postgresSinkTarget } from "../jobs/postgres-sink.js";
import { DEFAULT_MODEL } from "../models/registry.js";
import { ingest } from "../sinks/ingest.js";
import { PgVectorSink } from "../sinks/postgres/pg-vector-sink.js";
import type { MetadataFilter } from "../sinks/sink-checks.js";
import type { Quantization } from "../types.js";
import { intFlag, storeFrom, type CliContext } from "./common.js";

export { isPostgresUrl } from "../sinks/postgres/database-url.js";

type ModelValues = Parameters<typeof storeFrom>[0] & {
  model?: string | undefined;
  quantization?: string | undefined;
  threads?: string | undefined;
};

/**
 * Opens the table's model and the sink on `url`, runs `f`, then closes the sink and disposes the
 * model (both on error too).
 */
async function withTable(
  url: string,
  values: ModelValues,
  ctx: CliContext,
  f: (model: TextEmbedding, sink: PgVectorSink, target: ReturnType<typeof postgresSinkTarget>) => Promise<number>,
): Promise<number> {
  const target = postgresSinkTarget(url);
  const model = await openModel(target, values, ctx);
  try {
    const sink = await PgVectorSink.open({
      url: target.url,
      table: target.table,
      model: model.modelId,
      dimension: model.dim,
    });
    try {
      return await f(model, sink, target);
    } finally {
      await sink.close();
    }
  } finally {
    await model.dispose();
  }
}

/** The table's model (or --model, or DEFAULT_MODEL for a new table), loaded; `display` names the target. */
async function openModel(
  target: { url: string; table: string },
  values: ModelValues,
  ctx: CliContext,
): Promise<TextEmbedding> {
  const model = values.model ?? (await PgVectorSink.tableSettings(target))?.model ?? DEFAULT_MODEL;
  return TextEmbedding.create({
    model,
    quantization: (values.quantization ?? "fp32") as Quantization,
    store: storeFrom(values, ctx),
    ...(values.threads !== undefined ? { intraOpThreads: intFlag("--threads", values.threads) } : {}),
  });
}

function refuse(flag: string, why: string): never {
  throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${flag} is not available with a postgres:// target: ${why}`, {
    flag,
  });
}

/** `embedkit index add postgres://...`: records -> ingest() -> the pgvector table. */
export async function indexAddPostgres(
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
  if (options.values.progress) refuse("--progress", "ingest() reports its counts at the end only");
  if (options.values.sparse !== undefined) refuse("--sparse", "the Postgres sink stores dense vectors only");
  return withTable(url, options.values, ctx, async (model, sink, target) => {
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

/** `embedkit search postgres://... QUERY`: the query embedded with the table's model, PgVectorSink.search. */
export async function searchPostgres(
  url: string,
  query: string,
  options: {
    readonly values: ModelValues & {
      json?: boolean | undefined;
      rerank?: boolean | undefined;
      mode?: string | undefined;
      hybrid?: boolean | undefined;
      fusion?: string | undefined;
      candidates?: string | undefined;
    };
    readonly topK: number;
    readonly filter: unknown;
  },
  ctx: CliContext,
): Promise<number> {
  if (options.values.rerank) refuse("--rerank", "rerank is implemented for folder indexes only");
  for (const flag of ["mode", "hybrid", "fusion", "candidates"] as const) {
    if (options.values[flag] !== undefined) refuse(`--${flag}`, "a pgvector table is searched dense only");
  }
  if (query.trim() === "") {
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "QUERY must be a non-empty string", { field: "query" });
  }
  return withTable(url, options.values, ctx, async (model, sink) => {
    const hits = await sink.search(await model.queryEmbed(query), {
      topK: options.topK,
      ...(options.filter !== undefined ? { filter: options.filter as MetadataFilter } : {}),
    });
    hits.forEach((h, i) => {
      ctx.stdout.write(
        options.values.json
          ? `${JSON.stringify({ rank: i + 1, id: h.docId, score: h.score, chunk: h.chunkIndex, start: h.start, end: h.end, text: h.text, metadata: h.metadata })}\n`
          : `${h.docId}\t${h.score.toFixed(4)}\t${h.text.replace(/\s+/g, " ")}\n`,
      );
    });
    return 0;
  });
}
