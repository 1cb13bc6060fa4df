/**
 * L5: VectorIndex, an embedded vector index in a folder: records in (chunked, embedded with the
 * model's passage prompt, stored), questions out (embedded with the model's query prompt, nearest
 * chunks by cosine similarity, optionally filtered on metadata).
 *
 * Writes are whole records: all chunks of a batch of records are replaced in one store commit, so
 * an ingest killed half-way leaves each record either as it was or fully new. A record whose text
 * and metadata did not change (same content hash) is neither re-embedded nor rewritten, so running
 * the same ingest again changes nothing. An index created with `sparse` also stores each chunk's
 * sparse vector (BM25 term counts or SPLADE weights) in the same row, and searches it alone or
 * fused with the dense list (sparse-search.ts).
 */
import { resolve } from "node:path";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { TextEmbedding } from "../embed/text-embedding.js";
import { positiveInt } from "../embed/engine-options.js";
import { checkRecord, type CheckedRecord } from "./index-record.js";
import { parseChunking, readSettings, writeSettings, type IndexSettings } from "./index-settings.js";
import { parseFilter } from "./metadata-filter.js";
import { parseAnnSearch, parseIndexPrecision, parseRescore, parseRescoreWith } from "./ann-options.js";
import { rerankDepth, rerankHits } from "../search/rerank-hits.js";
import { searchChunks } from "./chunk-search.js";
import { describeIndex, inspectIndex, type IndexInfo } from "./index-info.js";
import { annInfo, optimizeIndex, type AnnInfo, type OptimizeOptions, type OptimizeResult } from "./optimize-index.js";
import type { ChunkRow, ChunkStore, MetadataType } from "./store/chunk-store.js";
import { openLanceStore } from "./store/lance-store.js";
import { ReadWriteLock } from "./read-write-lock.js";
import { IndexSparseEncoder, parseSparseOption } from "./sparse-encoder.js";
import { parseSearchPlan } from "./search-mode.js";
import { SparseSearcher, type DenseCandidate } from "./sparse-search.js";
import {
  checkAgainst,
  checkBoolean,
  checkSparse,
  dimensionMismatch,
  parseInterval,
  typeOfValue,
} from "./open-checks.js";
import {
  MAX_TOP_K,
  type AddOptions,
  type AddResult,
  type DeleteResult,
  type IndexHit,
  type SearchOptions,
  type VectorIndexOptions,
} from "./vector-index-options.js";

/**
 * An embedded vector index in a folder (LanceDB files and `embedkit-index.json`): open it with
 * {@link VectorIndex.open}, then add, search, delete, info and close.
 */
export class VectorIndex {
  private writing: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Commits take it exclusively; sparse and hybrid searches share it (one table version each). */
  private readonly commits = new ReadWriteLock();
  private readonly sparseSearcher: SparseSearcher | undefined;
  /**
   * The ANN index's kind and partitions and the table version they were read at: read again only
   * when the version changes (a commit here or in another process), not per search.
   */
  private annKind: { readonly version: number; readonly info: Promise<AnnInfo | null> } | undefined;

  private constructor(
    /** The index folder. */
    readonly path: string,
    /** The settings the index was built with. */
    readonly settings: IndexSettings,
    private readonly engine: TextEmbedding,
    private readonly ownsEngine: boolean,
    private readonly store: ChunkStore,
    private readonly sparse: IndexSparseEncoder | undefined,
  ) {
    this.sparseSearcher = sparse && new SparseSearcher(store, sparse, this.commits);
  }

  /**
   * Opens the index in folder `path`, creating it when the folder holds none. An existing index
   * opened with another model is `index_model_mismatch`; with another `dimensions` (or a model
   * giving vectors of another size) `index_dimension_mismatch`; with other chunking or another
   * `sparse` `invalid_option`.
   */
  static async open(path: string, options: VectorIndexOptions = {}): Promise<VectorIndex> {
    if (typeof path !== "string" || path.length === 0) {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `path must be a folder path, got ${describeValue(path)}`, {
        field: "path",
      });
    }
    const dir = resolve(path);
    const given = options.chunking === undefined ? undefined : parseChunking(options.chunking);
    const stored = await readSettings(dir);
    const modelId = options.engine?.modelId ?? options.model;
    const sparseGiven = options.sparseEngine?.modelId ?? options.sparse;
    const sparse = sparseGiven === undefined ? undefined : await parseSparseOption(sparseGiven);
    if (options.sparseEngine !== undefined && sparse === "bm25") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `sparseEngine must be a SPLADE model; for BM25 pass sparse: "bm25" (the index counts terms itself)`,
        { field: "sparseEngine", value: options.sparseEngine.modelId },
      );
    }
    if (stored !== undefined) checkAgainst(dir, stored, modelId, options.dimensions, given);
    if (stored !== undefined && sparse !== undefined) checkSparse(dir, stored, sparse);
    const precision = options.precision === undefined ? undefined : parseIndexPrecision(options.precision);
    if (stored !== undefined && precision !== undefined && precision !== (stored.precision ?? "float32")) {
      throw new EmbedkitError(
        ERROR_CODES.INDEX_PRECISION_MISMATCH,
        `vector index at "${dir}" was built with precision ${stored.precision ?? "float32"}; precision ${precision} was given (it is fixed when an index is created)`,
        { path: dir, field: "precision", stored: stored.precision ?? "float32", given: precision },
      );
    }
    if (stored === undefined && modelId === undefined) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `model is required to create a vector index ("${dir}" holds none yet)`,
        { field: "model", path: dir },
      );
    }
    const {
      engine: _engine,
      chunking: _chunking,
      sparse: _sparse,
      sparseEngine,
      precision: _precision,
      readConsistencyInterval: _interval,
      ...engineOptions
    } = options;
    const readConsistencyInterval = parseInterval(options.readConsistencyInterval);
    // A Matryoshka index built with `dimensions` keeps giving vectors of its size.
    const dimensions = options.dimensions ?? stored?.dimension;
    const engine =
      options.engine ??
      (await TextEmbedding.create({
        ...engineOptions,
        model: modelId ?? stored!.model,
        ...(dimensions !== undefined ? { dimensions } : {}),
      }));
    const owns = options.engine === undefined;
    let sparseEncoder: IndexSparseEncoder | undefined;
    try {
      const settings: IndexSettings = stored ?? {
        format: 1,
        model: engine.modelId,
        dimension: engine.dim,
        normalize: engine.spec.normalize,
        prompts: { query: engine.spec.prompts.query, passage: engine.spec.prompts.passage },
        chunking: given ?? { strategy: "none" },
        sparse: sparse ?? "none",
        precision: precision ?? "float32",
      };
      if (engine.dim !== settings.dimension) {
        throw dimensionMismatch(dir, settings.dimension, engine.dim);
      }
      const binary = settings.precision === "binary";
      if (binary && settings.dimension % 8 !== 0) {
        throw new EmbedkitError(
          ERROR_CODES.INVALID_OPTION,
          `precision binary packs 8 dimensions per byte; the model gives ${settings.dimension} dimensions, not a multiple of 8`,
          { field: "precision", dimensions: settings.dimension, multipleOf: 8 },
        );
      }
      if (settings.sparse !== "none") {
        sparseEncoder = await IndexSparseEncoder.create(settings.sparse, sparseEngine, {
          ...(options.store !== undefined ? { store: options.store } : {}),
          ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
        });
      }
      if (stored === undefined) await writeSettings(dir, settings);
      const store = await openLanceStore(dir, {
        dim: settings.dimension,
        sparse: settings.sparse !== "none",
        binary,
        ...(readConsistencyInterval !== undefined ? { readConsistencyInterval } : {}),
      });
      return new VectorIndex(dir, settings, engine, owns, store, sparseEncoder);
    } catch (e) {
      if (owns) await engine.dispose();
      await sparseEncoder?.dispose();
      throw e;
    }
  }

  /**
   * Chunks, embeds and stores records (`{ id, text, metadata? }` from any iterable or async
   * iterable); a record whose id is already present replaces all its chunks. A bad record stops
   * the ingest with a typed error naming `records[i]`, after every record before it was stored.
   */
  async add(records: Iterable<unknown> | AsyncIterable<unknown>, options: AddOptions = {}): Promise<AddResult> {
    this.assertOpen();
    const batchSize = options.batchSize === undefined ? 32 : positiveInt("batchSize", options.batchSize, 10_000);
    return this.exclusive(async () => {
      const totals = { added: 0, updated: 0, unchanged: 0, chunks: 0 };
      let batch: CheckedRecord[] = [];
      // Another process may have added metadata columns since this index was opened.
      const fields = new Map(await this.store.reloadMetadataFields());
      const flush = async () => {
        if (batch.length === 0) return;
        const r = await this.writeBatch(batch, fields);
        batch = [];
        totals.added += r.added;
        totals.updated += r.updated;
        totals.unchanged += r.unchanged;
        totals.chunks += r.chunks;
        options.onProgress?.({ ...totals });
      };
      let i = 0;
      try {
        for await (const value of records) {
          const rec = checkRecord(value, options.recordName?.(i) ?? `records[${i}]`, fields);
          i++;
          for (const [k, v] of Object.entries(rec.metadata)) if (!fields.has(k)) fields.set(k, typeOfValue(v));
          if (batch.some((b) => b.id === rec.id)) await flush(); // the later one wins, in its own commit
          batch.push(rec);
          if (batch.length >= batchSize) await flush();
        }
      } catch (e) {
        await flush(); // what was accepted before the bad record is kept
        throw e;
      }
      await flush();
      return totals;
    });
  }

  /** Deletes the records with these ids (all their chunks, in one commit); returns how many existed. */
  async delete(ids: readonly (string | number)[]): Promise<DeleteResult> {
    this.assertOpen();
    if (!Array.isArray(ids)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `ids must be an array of record ids, got ${describeValue(ids)}`,
        {
          field: "ids",
        },
      );
    }
    const list = ids.map((id, i) => {
      if (typeof id === "string" && id.length > 0) return id;
      if (typeof id === "number" && Number.isSafeInteger(id)) return String(id);
      throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, `ids[${i}] must be a record id, got ${describeValue(id)}`, {
        field: `ids[${i}]`,
      });
    });
    return this.exclusive(async () => ({ deleted: await this.commits.write(() => this.store.deleteDocs(list)) }));
  }

  /**
   * The `topK` best chunks for the query, best first: nearest by cosine (the query embedded with
   * the model's query prompt), by sparse score, or by the fusion of both lists (`mode`).
   */
  async search(query: string, options: SearchOptions = {}): Promise<IndexHit[]> {
    this.assertOpen();
    if (typeof query !== "string" || query.trim() === "") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `query must be a non-empty string, got ${describeValue(query)}`,
        {
          field: "query",
        },
      );
    }
    const topK = options.topK === undefined ? 10 : positiveInt("topK", options.topK, MAX_TOP_K);
    const where = parseFilter(options.filter, await this.filterFields(options.filter));
    const rerank = options.rerank;
    const topN = rerank === undefined ? topK : rerankDepth(topK, rerank.topN, MAX_TOP_K);
    const plan = parseSearchPlan(options, this.settings.sparse, this.path, topN, MAX_TOP_K);
    const tuning = parseAnnSearch(options);
    const exact = options.exact === undefined ? false : checkBoolean("exact", options.exact);
    const binary = this.settings.precision === "binary";
    if (!binary && (options.rescore !== undefined || options.rescoreWith !== undefined)) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `rescore and rescoreWith apply to a binary index; "${this.path}" has precision float32`,
        { field: options.rescore !== undefined ? "rescore" : "rescoreWith", precision: "float32" },
      );
    }
    const rescore = parseRescore(options.rescore);
    const rescoreWith = parseRescoreWith(options.rescoreWith);
    let ann: AnnInfo | null | undefined;
    if (plan.mode !== "sparse" && !exact) ann = await this.currentAnn();
    // Dense candidates: through the ANN index or the binary first pass, as the index holds them.
    const denseCandidates = async (vector: Float32Array, limit: number): Promise<DenseCandidate[]> =>
      searchChunks(this.store, vector, {
        limit,
        where,
        precision: binary ? "binary" : "float32",
        ann: ann ?? undefined,
        tuning,
        exact,
        rescore,
        rescoreWith,
      });
    let hits: IndexHit[];
    if (plan.mode === "dense") {
      const vector = await this.queryVector(query, options.embedQuery);
      hits = (await denseCandidates(vector, topN)).map(({ docId, hash: _hash, ...h }) => ({
        id: docId,
        ...h,
      }));
    } else {
      const vector = plan.mode === "hybrid" ? await this.queryVector(query, options.embedQuery) : undefined;
      hits = await this.sparseSearcher!.search(query, {
        mode: plan.mode,
        limit: topN,
        candidates: plan.candidates,
        fusion: plan.fusion,
        where,
        ...(vector !== undefined ? { dense: (limit: number) => denseCandidates(vector, limit) } : {}),
      });
    }
    if (rerank === undefined) return hits;
    return rerankHits(query, hits, {
      model: rerank.model,
      topK,
      keepScoreAs: plan.mode === "dense" ? "denseScore" : plan.mode === "sparse" ? "sparseScore" : undefined,
    });
  }

  /** The ANN index as of the table's current version (read again after any commit, here or elsewhere). */
  private async currentAnn(): Promise<AnnInfo | null> {
    const version = await this.store.version();
    if (this.annKind?.version !== version) {
      const info = annInfo(this.path, this.store).catch((e: unknown) => {
        if (this.annKind?.info === info) this.annKind = undefined; // read again by the next search
        throw e;
      });
      this.annKind = { version, info };
    }
    return this.annKind.info;
  }

  /**
   * The metadata fields `filter` is checked against: the ones known, read again from the table
   * when the filter names one not known (another process may have added it since the open).
   */
  private async filterFields(filter: unknown): Promise<ReadonlyMap<string, MetadataType>> {
    const fields = this.store.metadataFields();
    if (filter === null || typeof filter !== "object") return fields;
    return Object.keys(filter).every((k) => fields.has(k)) ? fields : this.store.reloadMetadataFields();
  }

  /** The query's dense vector: the caller's `embedQuery`, else the model's with its query prompt. */
  private async queryVector(
    query: string,
    embedQuery: ((query: string) => Promise<Float32Array>) | undefined,
  ): Promise<Float32Array> {
    const vector = await (embedQuery ?? ((q: string) => this.engine.queryEmbed(q)))(query);
    if (vector.length !== this.settings.dimension) {
      throw new EmbedkitError(
        ERROR_CODES.INDEX_DIMENSION_MISMATCH,
        `vector index at "${this.path}" stores ${this.settings.dimension}-dimensional vectors; embedQuery gave ${vector.length}`,
        { path: this.path, field: "embedQuery", stored: this.settings.dimension, given: vector.length },
      );
    }
    return vector;
  }

  /** Every stored chunk of the records `ids`, with vectors, by id then chunk index. */
  async chunksOf(ids: readonly string[]): Promise<ChunkRow[]> {
    this.assertOpen();
    return this.store.readDocs(ids);
  }

  /**
   * Compacts the index (merges small files, drops deleted and replaced rows, adds chunks written
   * since the ANN build to it, removes every old version) and with `ann` builds the ANN index
   * (`{}`: the default kind, ivf_hnsw_sq). Waits for writes in progress; run it while no other
   * process writes the folder.
   */
  async optimize(options: OptimizeOptions = {}): Promise<OptimizeResult> {
    this.assertOpen();
    return this.exclusive(async () => {
      this.annKind = undefined;
      const r = await optimizeIndex(this.path, this.store, options);
      this.annKind = { version: await this.store.version(), info: Promise.resolve(r.ann) };
      return r;
    });
  }

  /** The settings, record and chunk counts, metadata fields, ANN index and size on disk. */
  async info(): Promise<IndexInfo> {
    this.assertOpen();
    return describeIndex(this.path, this.settings, this.store);
  }

  /**
   * What {@link VectorIndex.info} reports of the index in folder `path`, read from its settings
   * and files without loading its model (or its SPLADE model); `invalid_option` when the folder
   * holds no index.
   */
  static async inspect(path: string): Promise<IndexInfo> {
    return inspectIndex(path);
  }

  /** Waits for writes in progress, then releases the store and (unless it was given) the model. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing.catch(() => undefined);
    this.store.close();
    if (this.ownsEngine) await this.engine.dispose();
    await this.sparse?.dispose();
  }

  private async writeBatch(batch: readonly CheckedRecord[], fields: ReadonlyMap<string, MetadataType>) {
    const ids = batch.map((r) => r.id);
    const existing = await this.store.docHashes(ids);
    const changed = batch.filter((r) => existing.get(r.id) !== r.hash);
    const unchanged = batch.length - changed.length;
    if (changed.length === 0) return { added: 0, updated: 0, unchanged, chunks: 0 };
    const rows = await this.withSparse(await this.embedRecords(changed));
    await this.commits.write(async () => {
      await this.store.addMetadataFields(fields);
      await this.store.replaceDocs(
        changed.map((r) => r.id),
        rows,
      );
    });
    const updated = changed.filter((r) => existing.has(r.id)).length;
    return { added: changed.length - updated, updated, unchanged, chunks: rows.length };
  }

  private async embedRecords(records: readonly CheckedRecord[]): Promise<ChunkRow[]> {
    const { chunking } = this.settings;
    if (chunking.strategy === "none") {
      const vectors = await this.engine.passageEmbed(records.map((r) => r.text));
      return records.map((r, i) => ({
        docId: r.id,
        chunkIndex: 0,
        text: r.text,
        start: 0,
        end: r.text.length,
        hash: r.hash,
        metadata: r.metadata,
        vector: vectors[i]!,
      }));
    }
    const rows: ChunkRow[] = [];
    const byId = new Map(records.map((r) => [r.id, r]));
    const { strategy, ...split } = chunking;
    for await (const doc of this.engine.embedChunks(
      records.map((r) => ({ id: r.id, text: r.text })),
      { chunking: { strategy, ...split } },
    )) {
      const r = byId.get(String(doc.id))!;
      for (const c of doc.chunks) {
        rows.push({
          docId: r.id,
          chunkIndex: c.index,
          text: c.text,
          start: c.start,
          end: c.end,
          hash: r.hash,
          metadata: r.metadata,
          vector: c.vector,
        });
      }
    }
    return rows;
  }

  /** The rows with their sparse vectors (one per chunk text), when the index stores them. */
  private async withSparse(rows: ChunkRow[]): Promise<ChunkRow[]> {
    if (this.sparse === undefined) return rows;
    const vectors = await this.sparse.chunks(rows.map((r) => r.text));
    return rows.map((r, i) => ({ ...r, sparse: vectors[i]! }));
  }

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.writing.then(f, f);
    this.writing = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new EmbedkitError(ERROR_CODES.DISPOSED, `vector index at "${this.path}" is closed`, { path: this.path });
    }
  }
}
