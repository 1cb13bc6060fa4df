/**
 * L7: `embedkit index add URL` and `embedkit search URL QUERY` on a database sink (see
 * sink-target.ts: `postgres://...?table=T`, `chroma://host:port/COLLECTION`), through the sink and
 * `ingest()`. A Postgres URL is
 * parsed as `embedkit job submit --sink postgres://...` parses it (`table` query parameter,
 * default `embeddings`).
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
import type { SearchableSink } from "../sinks/document-sink.js";
import { ingest } from "../sinks/ingest.js";
import type { MetadataFilter } from "../sinks/sink-checks.js";
import type { Quantization } from "../types.js";
import { intFlag, storeFrom, type CliContext } from "./common.js";
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

/** `embedkit search URL QUERY`: the query embedded with the sink's model, the sink's search. */
export async function searchSink(
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
  const target = sinkTarget(url);
  if (options.values.rerank) refuse(target, "--rerank", "rerank is implemented for folder indexes only");
  for (const flag of ["mode", "hybrid", "fusion", "candidates"] as const) {
    if (options.values[flag] !== undefined) refuse(target, `--${flag}`, `${target.storeName} is searched dense only`);
  }
  if (query.trim() === "") {
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, "QUERY must be a non-empty string", { field: "query" });
  }
  return withSink(target, options.values, ctx, async (model, sink) => {
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
