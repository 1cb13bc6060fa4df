/**
 * L5: ingest, records `{id, text, metadata}` embedded with a TextEmbedding (whole, or chunked
 * naive/late with embedChunks) and written to a DocumentSink (PgVectorSink, ChromaSink), document
 * by document.
 *
 * The same semantics as the embedded index: a document's rows are replaced together (in one
 * transaction per batch where the database has transactions); each row stores the
 * document's content hash (model, chunking, text, metadata), and a document whose hash is
 * unchanged is neither embedded nor written again, so re-running an ingest changes nothing.
 */
import { createHash } from "node:crypto";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import type { EmbedChunkingOptions } from "../embed/embed-chunks.js";
import type { TextEmbedding } from "../embed/text-embedding.js";
import type { DocumentSink, SinkDocument, SinkRow } from "./document-sink.js";

/** A record to ingest. */
export interface SinkRecord {
  /** The document id (a number is stored as its decimal string). */
  readonly id: string | number;
  /** The document's text (chunked when `chunk` is given). */
  readonly text: string;
  /** A JSON object stored with every chunk, searchable with `filter`. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Options of {@link ingest}. */
export interface IngestOptions {
  /** The model that embeds the records; must be the sink's model and dimension. */
  readonly model: TextEmbedding;
  /** Chunk each document (strategy "late" by default, or "naive"); without it each record is one row. */
  readonly chunk?: EmbedChunkingOptions;
  /** Documents per embedding call and per transaction. Default 64. */
  readonly batchDocuments?: number;
}

/** What an ingest did. */
export interface IngestResult {
  /** Records read. */
  readonly documents: number;
  /** Documents embedded and written (new or changed). */
  readonly written: number;
  /** Documents skipped because their stored content hash is unchanged. */
  readonly unchanged: number;
  /** Rows written (chunks, or one per document without chunking). */
  readonly rows: number;
}

interface Doc {
  readonly docId: string;
  readonly text: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly hash: string;
}

function bad(field: string, expected: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${field} must be ${expected}; got ${describeValue(value)}`, {
    field,
    value: describeValue(value),
  });
}

function parseRecord(r: unknown, index: number, salt: string): Doc {
  const field = `records[${index}]`;
  if (typeof r !== "object" || r === null) throw bad(field, "an object {id, text, metadata?}", r);
  const { id, text, metadata } = r as Record<string, unknown>;
  const okId = (typeof id === "string" && id.length > 0) || (typeof id === "number" && Number.isInteger(id));
  if (!okId) throw bad(`${field}.id`, "a non-empty string or an integer", id);
  if (typeof text !== "string") throw bad(`${field}.text`, "a string", text);
  if (metadata !== undefined && (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))) {
    throw bad(`${field}.metadata`, "a JSON object", metadata);
  }
  const meta = (metadata ?? {}) as Record<string, unknown>;
  const hash = createHash("sha256")
    .update(JSON.stringify([salt, text, meta]))
    .digest("hex");
  return { docId: String(id), text, metadata: meta, hash };
}

/**
 * Embeds `records` with `options.model` and writes them to `sink`, skipping documents whose
 * content is unchanged; returns the counts.
 * @throws EmbedkitError `sink_settings_mismatch` (another model or dimension than the sink's),
 * `invalid_input` naming `records[i]` (no id, no text), and the sink's database errors.
 */
export async function ingest(
  sink: DocumentSink,
  records: Iterable<unknown> | AsyncIterable<unknown>,
  options: IngestOptions,
): Promise<IngestResult> {
  const { model } = options;
  if (model.modelId !== sink.model || model.dim !== sink.dimension) {
    const field = model.modelId !== sink.model ? "model" : "dimension";
    throw new EmbedkitError(
      ERROR_CODES.SINK_SETTINGS_MISMATCH,
      `${sink.place.kind} ${sink.place.name} holds vectors of ${sink.model} (dimension ${sink.dimension}); the model given is ${model.modelId} (dimension ${model.dim})`,
      {
        field,
        [sink.place.kind]: sink.place.name,
        stored: field === "model" ? sink.model : sink.dimension,
        given: field === "model" ? model.modelId : model.dim,
      },
    );
  }
  const batchSize = options.batchDocuments ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw bad("batchDocuments", "an integer >= 1", batchSize);
  const salt = JSON.stringify([model.modelId, model.dim, options.chunk ?? null]);
  let documents = 0;
  let written = 0;
  let unchanged = 0;
  let rows = 0;
  let batch: Doc[] = [];
  const flush = async () => {
    const stored = await sink.documentHashes(batch.map((d) => d.docId));
    // The last record of an id wins within one batch, as it would across batches.
    const todo = [...new Map(batch.map((d) => [d.docId, d])).values()].filter((d) => stored.get(d.docId) !== d.hash);
    unchanged += batch.length - todo.length;
    batch = [];
    if (todo.length === 0) return;
    const docs = await embedDocuments(model, todo, options.chunk);
    await sink.replaceDocuments(docs);
    written += todo.length;
    rows += docs.reduce((n, d) => n + d.rows.length, 0);
  };
  for await (const r of records) {
    batch.push(parseRecord(r, documents, salt));
    documents++;
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length) await flush();
  return { documents, written, unchanged, rows };
}

async function embedDocuments(
  model: TextEmbedding,
  docs: readonly Doc[],
  chunk: EmbedChunkingOptions | undefined,
): Promise<SinkDocument[]> {
  if (chunk === undefined) {
    const vectors = await model.passageEmbed(docs.map((d) => d.text));
    return docs.map((d, i) => ({
      docId: d.docId,
      rows: [row(d, d.docId, 0, d.text, 0, d.text.length, vectors[i]!)],
    }));
  }
  const out: SinkDocument[] = [];
  let i = 0;
  for await (const chunked of model.embedChunks(
    docs.map((d) => ({ id: d.docId, text: d.text })),
    { chunking: chunk },
  )) {
    const d = docs[i++]!;
    out.push({
      docId: d.docId,
      rows: chunked.chunks.map((c) => row(d, `${d.docId}#${c.index}`, c.index, c.text, c.start, c.end, c.vector)),
    });
  }
  return out;
}

function row(
  d: Doc,
  id: string,
  chunkIndex: number,
  text: string,
  start: number,
  end: number,
  v: Float32Array,
): SinkRow {
  return { id, docId: d.docId, chunkIndex, text, start, end, metadata: d.metadata, contentHash: d.hash, embedding: v };
}
