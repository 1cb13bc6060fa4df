/**
 * L5: ChromaSink, chunk vectors in a Chroma collection over Chroma's v2 HTTP API, with the
 * semantics of PgVectorSink: one model and dimension per collection (kept in its metadata),
 * documents replaced whole by id, a content hash per row so ingest() skips unchanged documents,
 * cosine search (`hnsw:space: cosine`, score = 1 - distance) with metadata equality filters.
 *
 * Chroma has no transactions: replacing documents deletes their rows, then upserts the new ones
 * in requests that never split a document unless it alone exceeds `batchRows`. Every row records
 * how many rows its document has, so a document left incomplete by a killed ingest has no hash
 * (documentHashes) and the next ingest writes it again.
 */
import type { DocumentSink, SinkDocument, SinkHit, SinkPlace, SinkRow, SinkSettings } from "../document-sink.js";
import { checkId, checkVector, invalidInput, invalidOption, positiveInt, type MetadataFilter } from "../sink-checks.js";
import { ensureCollection, parseCollectionName, readSinkSettings, type ChromaNamespace } from "./chroma-collection.js";
import { ChromaHttp, type Json } from "./chroma-http.js";
import {
  DOC_KEY,
  HASH_KEY,
  recordsBody,
  ROWS_KEY,
  toHit,
  toRecord,
  whereOf,
  type ChromaRecord,
} from "./chroma-records.js";
import { parseChromaServerUrl } from "./chroma-url.js";

/** Options of {@link ChromaSink.open}. */
export interface ChromaSinkOptions {
  /** The Chroma server: `http://host:port` (as `chroma run --port` serves it). */
  readonly url: string;
  /** The collection: 3..512 characters of [a-zA-Z0-9._-]; created on first open. */
  readonly collection: string;
  /** Model id the vectors come from; stored in the collection's metadata and checked on every open. */
  readonly model: string;
  /** Vector dimension; stored in the collection's metadata and checked on every open. */
  readonly dimension: number;
  /** Chroma tenant. Default `default_tenant`. */
  readonly tenant?: string;
  /** Chroma database. Default `default_database`. */
  readonly database?: string;
  /** Give up on the first answer (the heartbeat) after this many milliseconds. Default 10000. */
  readonly connectTimeoutMs?: number;
  /** Give up on any later request after this many milliseconds. Default 120000. */
  readonly requestTimeoutMs?: number;
  /** Rows per add request. Default 500, at most the server's `max_batch_size`. */
  readonly batchRows?: number;
}

/** Options of {@link ChromaSink.search}. */
export interface ChromaSearchOptions {
  /** How many hits, 1..10000. Default 10. */
  readonly topK?: number;
  /** Metadata equality: every key must equal (a Chroma `where` of `$eq`s joined by `$and`). */
  readonly filter?: MetadataFilter;
  /** Not per query in Chroma (its HNSW `search_ef` is a collection setting): giving it is an invalid_option. */
  readonly efSearch?: number;
}

/** Where to find a collection, for {@link ChromaSink.collectionSettings}. */
export interface ChromaCollectionRef {
  /** As {@link ChromaSinkOptions.url}. */
  readonly url: string;
  /** As {@link ChromaSinkOptions.collection}. */
  readonly collection: string;
  /** As {@link ChromaSinkOptions.tenant}. */
  readonly tenant?: string;
  /** As {@link ChromaSinkOptions.database}. */
  readonly database?: string;
  /** As {@link ChromaSinkOptions.connectTimeoutMs}. */
  readonly connectTimeoutMs?: number;
}

const PAGE = 1000;

function namespace(o: { tenant?: string; database?: string }): ChromaNamespace {
  const name = (field: string, v: unknown, fallback: string): string => {
    if (v === undefined) return fallback;
    if (typeof v !== "string" || v.length === 0) throw invalidOption(field, "a non-empty string", v);
    return v;
  };
  return {
    tenant: name("tenant", o.tenant, "default_tenant"),
    database: name("database", o.database, "default_database"),
  };
}

/** Answers the heartbeat within `timeoutMs` (else `database_unreachable`). */
async function connect(url: string, timeoutMs: number, requestTimeoutMs: number): Promise<ChromaHttp> {
  const http = new ChromaHttp(parseChromaServerUrl(url), requestTimeoutMs);
  await http.request({ method: "GET", path: "/heartbeat", what: "the heartbeat", timeoutMs });
  return http;
}

const asObject = (v: Json | undefined): { [k: string]: Json } =>
  v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v) ? v : {};
const asArray = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

/**
 * Chunk vectors in a Chroma collection: `open()` it with the server URL, a collection, the model
 * and its dimension; replace whole documents or upsert rows; search by cosine similarity with
 * metadata equality filters. Use {@link ingest} to embed records into it.
 */
export class ChromaSink implements DocumentSink {
  /** The model id the collection holds vectors of. */
  readonly model: string;
  /** The vector dimension of the collection. */
  readonly dimension: number;
  /** The collection's name. */
  readonly collection: string;
  /** The collection, as messages name it (`collection kb`). */
  readonly place: SinkPlace;
  private readonly path: string;

  private constructor(
    private readonly http: ChromaHttp,
    ns: ChromaNamespace,
    collection: { id: string; name: string },
    settings: SinkSettings,
    private readonly batchRows: number,
  ) {
    this.model = settings.model;
    this.dimension = settings.dimension;
    this.collection = collection.name;
    this.place = { kind: "collection", name: collection.name };
    this.path = `/tenants/${encodeURIComponent(ns.tenant)}/databases/${encodeURIComponent(ns.database)}/collections/${collection.id}`;
  }

  /**
   * Checks the server answers, creates the collection on first use (cosine space, the model and
   * dimension in its metadata) and checks them on later ones.
   * @throws EmbedkitError `invalid_option` (bad url, collection, dimension...), `database_unreachable`,
   * `database_error` (the server refused a request), `sink_settings_mismatch`.
   */
  static async open(options: ChromaSinkOptions): Promise<ChromaSink> {
    parseChromaServerUrl(options.url);
    const name = parseCollectionName(options.collection);
    if (typeof options.model !== "string" || options.model.length === 0) {
      throw invalidOption("model", "a non-empty model id", options.model);
    }
    const dimension = positiveInt("dimension", options.dimension, 65536);
    const ns = namespace(options);
    const timeout = positiveInt("connectTimeoutMs", options.connectTimeoutMs ?? 10_000, 600_000);
    const requestTimeout = positiveInt("requestTimeoutMs", options.requestTimeoutMs ?? 120_000, 3_600_000);
    const http = await connect(options.url, timeout, requestTimeout);
    const checks = asObject(
      (await http.request({ method: "GET", path: "/pre-flight-checks", what: "the pre-flight checks" })).body,
    );
    const serverMax = typeof checks["max_batch_size"] === "number" ? checks["max_batch_size"] : 500;
    const batchRows = positiveInt("batchRows", options.batchRows ?? Math.min(500, serverMax), serverMax);
    const settings = { model: options.model, dimension };
    const collection = await ensureCollection(http, ns, name, settings);
    return new ChromaSink(http, ns, collection, settings, batchRows);
  }

  /**
   * The model and dimension an existing collection holds (undefined when there is no such
   * collection, or it was not made by this sink), read without creating anything: for callers
   * that default to the collection's model (`embedkit search chroma://...`).
   * @throws EmbedkitError `invalid_option` (bad url or collection), `database_unreachable`, `database_error`.
   */
  static async collectionSettings(ref: ChromaCollectionRef): Promise<SinkSettings | undefined> {
    parseChromaServerUrl(ref.url);
    const name = parseCollectionName(ref.collection);
    const ns = namespace(ref);
    const timeout = positiveInt("connectTimeoutMs", ref.connectTimeoutMs ?? 10_000, 600_000);
    const http = await connect(ref.url, timeout, 120_000);
    return readSinkSettings(http, ns, name);
  }

  /**
   * Inserts or updates rows by id; the rows of one `docId` in the call are taken as all of that
   * document's rows (documentHashes counts them).
   */
  async upsert(rows: readonly SinkRow[]): Promise<void> {
    const perDoc = new Map<string, number>();
    for (const r of rows) perDoc.set(r.docId, (perDoc.get(r.docId) ?? 0) + 1);
    const records = rows.map((r, i) => toRecord(r, `rows[${i}]`, this.dimension, perDoc.get(r.docId) ?? 1));
    await this.send([records]);
  }

  /**
   * Replaces documents: all rows of each `docId` are deleted, then the given rows are written,
   * each document in one request where it fits in `batchRows`. Every row is checked before
   * anything is sent, so a bad row writes nothing of the call.
   */
  async replaceDocuments(documents: readonly SinkDocument[]): Promise<void> {
    const groups = documents.map((d, i) => {
      const docId = checkId(`documents[${i}].docId`, d.docId);
      return d.rows.map((r, j) => {
        if (r.docId !== docId) {
          throw invalidInput(`documents[${i}].rows[${j}].docId`, `the document's id ${JSON.stringify(docId)}`, r.docId);
        }
        return toRecord(r, `documents[${i}].rows[${j}]`, this.dimension, d.rows.length);
      });
    });
    if (documents.length === 0) return;
    await this.deleteWhere(
      documents.map((d) => d.docId),
      "deleting the replaced documents' rows",
    );
    await this.send(groups);
  }

  /** Deletes every row of the given documents; returns how many rows went. */
  async deleteDocuments(docIds: readonly string[]): Promise<number> {
    const ids = docIds.map((d, i) => checkId(`docIds[${i}]`, d));
    if (ids.length === 0) return 0;
    return this.deleteWhere(ids, "deleting documents");
  }

  /**
   * Deletes every row of the given documents, and says how many rows went and how many of the
   * documents were there (`embedkit index rm chroma://...`). Chroma has no transactions: the
   * documents present are read first, then deleted, so a document written in between by another
   * process is deleted but not counted.
   */
  async deleteDocumentsCounted(docIds: readonly string[]): Promise<{
    /** Rows (chunks) deleted. */
    rows: number;
    /** Distinct documents among `docIds` that had rows (the others were not in the collection). */
    documents: number;
  }> {
    const ids = docIds.map((d, i) => checkId(`docIds[${i}]`, d));
    const present = new Set<string>();
    for (let at = 0; at < ids.length; at += PAGE) {
      await this.scan({ [DOC_KEY]: { $in: ids.slice(at, at + PAGE) } }, (m) => {
        if (typeof m[DOC_KEY] === "string") present.add(m[DOC_KEY]);
      });
    }
    if (ids.length === 0) return { rows: 0, documents: 0 };
    return { rows: await this.deleteWhere(ids, "deleting documents"), documents: present.size };
  }

  /**
   * The stored content hash of each given document that is present and whole (as many rows as
   * it was written with, all of one hash); an incomplete document has none, so ingest() rewrites it.
   */
  async documentHashes(docIds: readonly string[]): Promise<Map<string, string>> {
    const ids = docIds.map((d, i) => checkId(`docIds[${i}]`, d));
    const seen = new Map<string, { hash: string; rows: number; count: number; mixed: boolean }>();
    for (let at = 0; at < ids.length; at += PAGE) {
      await this.scan({ [DOC_KEY]: { $in: ids.slice(at, at + PAGE) } }, (m) => {
        const doc = m[DOC_KEY];
        const hash = m[HASH_KEY];
        const rows = m[ROWS_KEY];
        if (typeof doc !== "string" || typeof hash !== "string" || typeof rows !== "number") return;
        const s = seen.get(doc);
        if (!s) seen.set(doc, { hash, rows, count: 1, mixed: false });
        else {
          s.count++;
          if (s.hash !== hash || s.rows !== rows) s.mixed = true;
        }
      });
    }
    const out = new Map<string, string>();
    for (const [doc, s] of seen) if (!s.mixed && s.count === s.rows) out.set(doc, s.hash);
    return out;
  }

  /** Row and document counts (documents: distinct ids, read page by page). */
  async count(): Promise<{
    /** Rows (chunks) in the collection. */
    rows: number;
    /** Distinct documents. */
    documents: number;
  }> {
    const r = await this.http.request({ method: "GET", path: `${this.path}/count`, what: "counting rows" });
    const docs = new Set<string>();
    await this.scan(undefined, (m) => {
      if (typeof m[DOC_KEY] === "string") docs.add(m[DOC_KEY]);
    });
    return { rows: typeof r.body === "number" ? r.body : 0, documents: docs.size };
  }

  /**
   * The `topK` rows nearest to `vector` by cosine distance, best first, as Chroma's HNSW index
   * finds them (approximate, as any HNSW search); with `filter`, only rows whose metadata holds
   * every key with an equal value.
   */
  async search(vector: Float32Array, options: ChromaSearchOptions = {}): Promise<SinkHit[]> {
    const query = Array.from(checkVector(vector, this.dimension, "vector"));
    const topK = positiveInt("topK", options.topK ?? 10, 10_000);
    if (options.efSearch !== undefined) {
      throw invalidOption(
        "efSearch",
        "unset: Chroma sets HNSW search_ef per collection, not per query",
        options.efSearch,
      );
    }
    const where = whereOf(options.filter);
    const r = await this.http.request({
      method: "POST",
      path: `${this.path}/query`,
      body: {
        query_embeddings: [query],
        n_results: topK,
        ...(where ? { where } : {}),
        include: ["documents", "metadatas", "distances"],
      },
      what: "a query",
    });
    const body = asObject(r.body);
    const ids = asArray(asArray(body["ids"])[0]);
    const documents = asArray(asArray(body["documents"])[0]);
    const metadatas = asArray(asArray(body["metadatas"])[0]);
    const distances = asArray(asArray(body["distances"])[0]);
    return ids.map((id, i) => toHit(String(id), documents[i] ?? null, metadatas[i] ?? null, Number(distances[i])));
  }

  /** Nothing to release: each request is its own HTTP exchange (kept for the sinks' common shape). */
  async close(): Promise<void> {}

  private async send(groups: readonly (readonly ChromaRecord[])[]): Promise<void> {
    let batch: ChromaRecord[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const body = recordsBody(batch);
      const n = batch.length;
      batch = [];
      await this.http.request({ method: "POST", path: `${this.path}/upsert`, body, what: `writing ${n} records` });
    };
    for (const group of groups) {
      if (batch.length + group.length > this.batchRows) await flush();
      for (let at = 0; at < group.length; at += this.batchRows) {
        batch.push(...group.slice(at, at + this.batchRows));
        if (batch.length >= this.batchRows) await flush();
      }
    }
    await flush();
  }

  private async deleteWhere(docIds: readonly string[], what: string): Promise<number> {
    let deleted = 0;
    for (let at = 0; at < docIds.length; at += PAGE) {
      const r = await this.http.request({
        method: "POST",
        path: `${this.path}/delete`,
        body: { where: { [DOC_KEY]: { $in: docIds.slice(at, at + PAGE) } } },
        what,
      });
      const n = asObject(r.body)["deleted"];
      deleted += typeof n === "number" ? n : 0;
    }
    return deleted;
  }

  /** Calls `f` with the metadata of every row matching `where`, page by page. */
  private async scan(where: unknown, f: (m: { [k: string]: Json }) => void): Promise<void> {
    for (let offset = 0; ; offset += PAGE) {
      const r = await this.http.request({
        method: "POST",
        path: `${this.path}/get`,
        body: { ...(where ? { where } : {}), include: ["metadatas"], limit: PAGE, offset },
        what: "reading row metadata",
      });
      const metadatas = asArray(asObject(r.body)["metadatas"]);
      for (const m of metadatas) f(asObject(m));
      if (metadatas.length < PAGE) return;
    }
  }
}
