/**
 * L3: the SPLADE backend of SparseTextEmbedding. Texts are tokenized (cut to the model's window,
 * or `input_too_long` with truncation off), planned into token-budget batches, and run through
 * the executor's `sparse` head, which reduces the [batch, seq, vocab] logits inside the worker:
 * only the sparse rows cross threads. Doc-only models (OpenSearch) weight query tokens by their
 * IDF table instead of running the model.
 */
import { readFile } from "node:fs/promises";
import { tooLongError } from "../embed/encoder.js";
import { execute, onePackedBatch } from "../engine/execute.js";
import { planBatches } from "../engine/plan-batches.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { ResolvedSparseModel } from "../hub/resolve-sparse.js";
import type { SparseModelSpec } from "../models/spec.js";
import { loadOnnxModel, type OnnxModel, type RuntimeOptions } from "../runtime/onnx-model.js";
import { loadTokenizer, type TextTokenizer } from "../tokenizer/tokenizer.js";
import type { Encoding } from "../types.js";
import type { SparseBackend, SparseBatchOptions, SparseSide } from "./sparse-backend.js";
import { sparseFromMap, type SparseVector } from "./sparse-vector.js";

/**
 * Default padded tokens per runtime call. The graph's output is batch x seq x vocab floats
 * (512 tokens x 30522 x 4 bytes = 62 MB), so the budget is far below the dense default.
 */
export const SPLADE_MAX_BATCH_TOKENS = 512;

/** How a SPLADE model batches and cuts its inputs. */
export interface SpladeOptions {
  /** Largest number of texts per runtime call. Default 32. */
  readonly batchSize: number;
  /** Largest number of padded tokens (rows x longest row) per runtime call. Default 512. */
  readonly maxBatchTokens: number;
  /** Cut inputs longer than the model's window (default true) or fail with `input_too_long`. */
  readonly truncate: boolean;
  /** Keep only the k largest weights of each vector. Default: all. */
  readonly topK: number | undefined;
}

/** One vocabulary term of a decoded sparse vector. */
export interface SparseTerm {
  /** The vocabulary string ("capital", "##ing"). */
  readonly token: string;
  /** Its weight. */
  readonly value: number;
}

export function checkTopK(value: unknown, field = "topK"): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `${field} must be an integer >= 1, got ${JSON.stringify(value)}`,
      {
        field,
        value,
        min: 1,
      },
    );
  }
  return value;
}

async function readIdf(path: string): Promise<Map<string, number>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new EmbedkitError(
      ERROR_CODES.MODEL_FILE_CORRUPT,
      `the IDF table "${path}" is not readable JSON: ${(e as Error).message}`,
      {
        path,
      },
    );
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new EmbedkitError(
      ERROR_CODES.MODEL_FILE_CORRUPT,
      `the IDF table "${path}" must be an object of token -> weight`,
      {
        path,
      },
    );
  }
  const out = new Map<string, number>();
  for (const [token, w] of Object.entries(raw)) if (typeof w === "number" && Number.isFinite(w)) out.set(token, w);
  return out;
}

export class SpladeBackend implements SparseBackend {
  readonly modelId: string;
  readonly spec: SparseModelSpec;
  readonly options: SpladeOptions;
  private readonly tokenizer: TextTokenizer;
  private readonly model: OnnxModel;
  private readonly idf: Map<string, number> | undefined;

  private constructor(
    resolved: ResolvedSparseModel,
    parts: { tokenizer: TextTokenizer; model: OnnxModel; idf: Map<string, number> | undefined },
    options: SpladeOptions,
  ) {
    this.modelId = resolved.modelId;
    this.spec = resolved.spec;
    this.tokenizer = parts.tokenizer;
    this.model = parts.model;
    this.idf = parts.idf;
    this.options = options;
  }

  /** Loads the tokenizer, the session (in its worker) and, for doc-only models, the IDF table. */
  static async load(
    resolved: ResolvedSparseModel,
    options: SpladeOptions,
    runtime: RuntimeOptions,
  ): Promise<SpladeBackend> {
    const loading = loadOnnxModel(resolved.onnxPath, runtime);
    let tokenizer: TextTokenizer | undefined;
    try {
      tokenizer = loadTokenizer(resolved.tokenizerPath);
      let idf: Map<string, number> | undefined;
      if (resolved.spec.queryEncoder === "idf") {
        if (resolved.idfPath === undefined) {
          throw new EmbedkitError(
            ERROR_CODES.MODEL_FILE_MISSING,
            `the doc-only sparse model "${resolved.modelId}" needs its IDF table (idf.json)`,
            { model: resolved.modelId, looked_for: "idf.json" },
          );
        }
        idf = await readIdf(resolved.idfPath);
      }
      const model = await loading;
      return new SpladeBackend(resolved, { tokenizer, model, idf }, options);
    } catch (e) {
      tokenizer?.dispose();
      await loading.then(
        (m) => m.dispose(),
        () => undefined,
      );
      throw e;
    }
  }

  async embedBatch(texts: readonly string[], side: SparseSide, call: SparseBatchOptions = {}): Promise<SparseVector[]> {
    const topK = call.topK !== undefined ? call.topK : this.options.topK;
    if (side === "query" && this.idf !== undefined) return this.idfVectors(texts, topK);
    const encodings = await this.encode(texts, call.truncate ?? this.options.truncate, call.firstIndex ?? 0);
    return this.run(encodings, topK);
  }

  /** Tokenizes; with truncation off, the first over-long text is an `input_too_long` error. */
  async encode(texts: readonly string[], truncate: boolean, firstIndex = 0): Promise<Encoding[]> {
    const maxTokens = this.spec.maxTokens;
    const encodings = await this.tokenizer.encode(texts, { maxTokens, truncate });
    const bad = encodings.findIndex((e) => e.ids.length > maxTokens);
    if (bad >= 0) throw tooLongError(firstIndex + bad, encodings[bad]!.originalLength, maxTokens);
    return encodings;
  }

  /** Runs encodings through the model's `sparse` head in token-budget batches; vectors in input order. */
  run(encodings: readonly Encoding[], topK: number | undefined): Promise<SparseVector[]> {
    const plan = planBatches(
      encodings.map((e) => e.ids.length),
      { batchSize: this.options.batchSize, maxBatchTokens: this.options.maxBatchTokens },
    );
    return execute({ model: this.model, encodings, plan, head: { kind: "sparse", topK } });
  }

  /** Runs encodings already packed into one batch (by a request batcher) as one runtime call. */
  runPacked(encodings: readonly Encoding[]): Promise<SparseVector[]> {
    return execute({ model: this.model, encodings, plan: onePackedBatch(encodings.length), head: { kind: "sparse" } });
  }

  /** Doc-only query side: each distinct non-special token, weighted by the IDF table (absent: dropped). */
  private async idfVectors(texts: readonly string[], topK: number | undefined): Promise<SparseVector[]> {
    const out: SparseVector[] = [];
    for (const text of texts) {
      const t = await this.tokenizer.tokens(text);
      const weights = new Map<number, number>();
      t.ids.forEach((id, i) => {
        if (t.special[i]) return;
        const w = this.idf!.get(t.tokens[i]!);
        if (w !== undefined && w > 0) weights.set(id, w);
      });
      let entries = [...weights];
      if (topK !== undefined && entries.length > topK)
        entries = entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, topK);
      out.push(sparseFromMap(new Map(entries)));
    }
    return out;
  }

  /** The vector's terms, in index order: [{token, value}]. */
  decode(vector: SparseVector): SparseTerm[] {
    return Array.from(vector.indices, (id, i) => ({
      token: this.tokenizer.idToToken(id) ?? `[unused id ${id}]`,
      value: vector.values[i]!,
    }));
  }

  async dispose(): Promise<void> {
    this.tokenizer.dispose();
    await this.model.dispose();
  }
}
