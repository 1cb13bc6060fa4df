/**
 * L5: the settings a vector index is built with (model, dimension, normalization, prompts,
 * chunking, sparse kind), kept in `embedkit-index.json` next to the chunk table, and the checks
 * that an index is opened with the model it was built with.
 */
import { readFile, rename, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { CHUNK_BY, type ChunkBy } from "../chunking/chunk-types.js";

/** The file holding an index's settings, in the index folder. */
export const SETTINGS_FILE = "embedkit-index.json";

/** How an index splits records: "none" (one chunk per record), "naive" or "late" (see embedChunks). */
export type IndexChunkStrategy = "none" | "naive" | "late";

/** Every {@link IndexChunkStrategy}, for option parsers. */
export const INDEX_CHUNK_STRATEGIES: readonly IndexChunkStrategy[] = ["none", "naive", "late"];

/** An index's chunking: the strategy, and for naive/late the splitting options embedChunks takes. */
export interface IndexChunking {
  /** "none" (one chunk per record), "naive" or "late". */
  readonly strategy: IndexChunkStrategy;
  /** How records are split (see ChunkOptions.by); embedChunks' default when unset. */
  readonly by?: ChunkBy;
  /** Most tokens per chunk; embedChunks' default when unset. */
  readonly size?: number;
  /** Tokens shared with the previous chunk; embedChunks' default when unset. */
  readonly overlap?: number;
}

/** What an index is built with; fixed when it is created. */
export interface IndexSettings {
  /** The settings file's format. */
  readonly format: 1;
  /** The embedding model's id (registry id or local folder). */
  readonly model: string;
  /** The stored vectors' dimension. */
  readonly dimension: number;
  /** Whether the model's vectors are L2-normalized. */
  readonly normalize: boolean;
  /** The model's prompts: queries are embedded with `query`, records with `passage`. */
  readonly prompts: {
    /** Prepended to queries (E5 "query: ", BGE's instruction). */
    readonly query: string;
    /** Prepended to records (E5 "passage: "). */
    readonly passage: string;
  };
  /** How records are split into chunks. */
  readonly chunking: IndexChunking;
  /**
   * Sparse vectors stored next to the dense ones: "none", "bm25" (each chunk's term ids and term
   * frequencies; the BM25 statistics are derived from the stored chunks at search time), or the
   * SPLADE model id (registry id or local folder) whose vectors are stored.
   */
  readonly sparse: IndexSparse;
  /** What searches go by: float32 (absent: indexes made before precisions existed) or binary. */
  readonly precision?: "float32" | "binary";
}

/** An index's sparse side: "none", "bm25", or a SPLADE model id or folder. */
export type IndexSparse = "none" | "bm25" | (string & {});

function corrupt(dir: string, why: string): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INDEX_STORE_FAILED, `vector index at "${dir}": ${SETTINGS_FILE} ${why}`, {
    path: join(dir, SETTINGS_FILE),
    reason: why,
  });
}

/** Checks chunking options (from the caller or the settings file) and fills in the strategy. */
export function parseChunking(value: unknown, field = "chunking"): IndexChunking {
  if (value === undefined) return { strategy: "none" };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badOption(field, 'must be an object like { strategy: "late", size: 256 }', value);
  }
  const v = value as Record<string, unknown>;
  const strategy = v["strategy"] ?? "none";
  if (!INDEX_CHUNK_STRATEGIES.includes(strategy as IndexChunkStrategy)) {
    throw badOption(`${field}.strategy`, `must be one of ${INDEX_CHUNK_STRATEGIES.join(", ")}`, strategy);
  }
  const out: { strategy: IndexChunkStrategy; by?: ChunkBy; size?: number; overlap?: number } = {
    strategy: strategy as IndexChunkStrategy,
  };
  if (v["by"] !== undefined) {
    if (!CHUNK_BY.includes(v["by"] as ChunkBy))
      throw badOption(`${field}.by`, `must be one of ${CHUNK_BY.join(", ")}`, v["by"]);
    out.by = v["by"] as ChunkBy;
  }
  for (const k of ["size", "overlap"] as const) {
    const n = v[k];
    if (n === undefined) continue;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < (k === "size" ? 1 : 0)) {
      throw badOption(`${field}.${k}`, `must be an integer >= ${k === "size" ? 1 : 0}`, n);
    }
    out[k] = n;
  }
  if (out.strategy === "none" && (out.by !== undefined || out.size !== undefined || out.overlap !== undefined)) {
    throw badOption(`${field}.strategy`, "must be naive or late when by, size or overlap is set", strategy);
  }
  return out;
}

function badOption(field: string, message: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} ${message}, got ${describeValue(value)}`, {
    field,
    value: typeof value === "object" && value !== null ? describeValue(value) : value,
  });
}

/**
 * An `index_model_mismatch` error when `model` is given and is not the model the index in `dir`
 * was built with (its vectors would not be comparable). Callers that load a model for an index
 * (the server) check this before loading anything.
 */
export function checkIndexModel(dir: string, stored: IndexSettings, model: string | undefined): void {
  if (model !== undefined && model !== stored.model) {
    throw new EmbedkitError(
      ERROR_CODES.INDEX_MODEL_MISMATCH,
      `vector index at "${dir}" was built with model "${stored.model}"; model "${model}" was given (its vectors are not comparable)`,
      { path: dir, field: "model", stored: stored.model, given: model },
    );
  }
}

/** Whether two chunkings split the same way. */
export function sameChunking(a: IndexChunking, b: IndexChunking): boolean {
  return a.strategy === b.strategy && a.by === b.by && a.size === b.size && a.overlap === b.overlap;
}

/** The settings stored in `dir`, or undefined when the folder holds no index yet. */
export async function readSettings(dir: string): Promise<IndexSettings | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, SETTINGS_FILE), "utf8");
  } catch (e) {
    if ((e as { code?: unknown }).code === "ENOENT") return undefined;
    throw corrupt(dir, `cannot be read: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw corrupt(dir, "is not valid JSON");
  }
  const s = v as Partial<IndexSettings> | null;
  if (
    s === null ||
    typeof s !== "object" ||
    s.format !== 1 ||
    typeof s.model !== "string" ||
    typeof s.dimension !== "number" ||
    typeof s.normalize !== "boolean" ||
    typeof s.prompts?.query !== "string" ||
    typeof s.prompts.passage !== "string" ||
    typeof s.sparse !== "string" ||
    s.sparse === "" ||
    (s.precision !== undefined && s.precision !== "float32" && s.precision !== "binary")
  ) {
    throw corrupt(dir, "is not an embedkit index settings file (format 1)");
  }
  return { ...s, chunking: parseChunking(s.chunking, `${SETTINGS_FILE} chunking`) } as IndexSettings;
}

/** Writes the settings of a new index (to a temporary file, then renamed: never half a file). */
export async function writeSettings(dir: string, settings: IndexSettings): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${SETTINGS_FILE}.tmp-${process.pid}`);
    await writeFile(tmp, `${JSON.stringify(settings, null, 2)}\n`);
    await rename(tmp, join(dir, SETTINGS_FILE));
  } catch (e) {
    throw new EmbedkitError(
      ERROR_CODES.INDEX_STORE_FAILED,
      `vector index at "${dir}": cannot write ${SETTINGS_FILE}: ${(e as Error).message}`,
      { path: join(dir, SETTINGS_FILE), reason: (e as Error).message },
      { cause: e },
    );
  }
}
