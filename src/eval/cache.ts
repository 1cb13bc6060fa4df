/**
 * L4: an on-disk cache of embeddings, so a re-run (or a resumed run) of an evaluation does not
 * embed the same texts with the same model again.
 *
 * Key: model id + quantization + variant + prompt name + dimension select a shard file; inside it each
 * vector is found by the sha256 of its text (UTF-8, before any prompt is prepended: the prompt
 * is part of the shard key). A shard is an append-only file of records
 *     [32-byte sha256 of the text][dim little-endian float32]
 * so writes never rewrite old data; a record cut short by a crash is ignored on load.
 * The cache is only as correct as its key: a changed model file under the same id and
 * quantization needs a new cache folder.
 */
import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { endianness } from "node:os";
import { dirname, join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { Embedder, PromptName } from "../types.js";

export interface EmbedOptions {
  readonly promptName?: PromptName;
  readonly batchSize?: number;
  /** Quantization of the model, part of the key. Default: `embedder.quantization` if it has one, else "default". */
  readonly quantization?: string;
  /**
   * How the embedder was configured, when that changes its vectors and is not in its id (for
   * example "normalize=false"). Part of the key. Default: none.
   */
  readonly variant?: string;
  /** Texts sent to the model per call (progress is reported after each). Default 256. */
  readonly chunkSize?: number;
  /** Called with (texts done, total texts) as embedding proceeds; cached texts count as done at once. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface CacheStats {
  hits: number;
  misses: number;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** A string made safe for a cache file name (at most 80 characters). */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
}

function quantizationOf(embedder: Embedder, given: string | undefined): string {
  if (given !== undefined) return given;
  const q = (embedder as { quantization?: unknown }).quantization;
  return typeof q === "string" ? q : "default";
}

interface Shard {
  readonly file: string;
  readonly dim: number;
  readonly vectors: Map<string, Float32Array>;
}

export class EmbeddingCache {
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly shards = new Map<string, Promise<Shard>>();

  constructor(readonly dir: string) {}

  private shard(modelId: string, quantization: string, variant: string, prompt: string, dim: number): Promise<Shard> {
    const key = JSON.stringify({ modelId, quantization, variant, prompt, dim });
    let s = this.shards.get(key);
    if (!s) {
      const hash = createHash("sha256").update(key).digest("hex").slice(0, 16);
      const v = variant === "" ? "" : `.${slug(variant)}`;
      const file = join(this.dir, `${slug(modelId)}.${slug(quantization)}${v}.${prompt}.d${dim}.${hash}.emb`);
      s = this.loadShard(file, dim);
      this.shards.set(key, s);
    }
    return s;
  }

  private async loadShard(file: string, dim: number): Promise<Shard> {
    const vectors = new Map<string, Float32Array>();
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { file, dim, vectors };
      throw e;
    }
    const record = 32 + dim * 4;
    const whole = Math.floor(data.length / record);
    // One aligned copy of the file; vectors are views into it (records are 4-byte aligned).
    const bytes = new Uint8Array(whole * record);
    bytes.set(data.subarray(0, whole * record));
    const le = endianness() === "LE";
    for (let r = 0; r < whole; r++) {
      const o = r * record;
      const key = data.subarray(o, o + 32).toString("hex");
      let v: Float32Array;
      if (le) v = new Float32Array(bytes.buffer, o + 32, dim);
      else {
        v = new Float32Array(dim);
        for (let j = 0; j < dim; j++) v[j] = data.readFloatLE(o + 32 + j * 4);
      }
      vectors.set(key, v);
    }
    return { file, dim, vectors };
  }

  private async append(shard: Shard, keys: readonly string[], vectors: readonly Float32Array[]): Promise<void> {
    const record = 32 + shard.dim * 4;
    const buf = Buffer.alloc(record * keys.length);
    keys.forEach((k, r) => {
      const o = r * record;
      Buffer.from(k, "hex").copy(buf, o);
      const v = vectors[r] as Float32Array;
      for (let j = 0; j < shard.dim; j++) buf.writeFloatLE(v[j] as number, o + 32 + j * 4);
    });
    await appendCacheRecords(shard.file, buf, "embedding cache");
  }

  /**
   * Embeds `texts` in order, reading cached vectors and sending only the missing (distinct)
   * texts to the model, then storing them.
   */
  async embed(embedder: Embedder, texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const shard = await this.shard(
      embedder.modelId,
      quantizationOf(embedder, options.quantization),
      options.variant ?? "",
      options.promptName ?? "none",
      embedder.dim,
    );
    const keys = texts.map((t) => sha256(t).toString("hex"));
    const missing = new Map<string, string>();
    keys.forEach((k, i) => {
      if (!shard.vectors.has(k)) missing.set(k, texts[i] as string);
    });
    this.stats.hits += texts.length - [...keys].filter((k) => missing.has(k)).length;
    this.stats.misses += missing.size;
    const todo = [...missing.entries()];
    const chunk = options.chunkSize ?? 256;
    const total = texts.length;
    let done = total - todo.length;
    options.onProgress?.(done, total);
    for (let s = 0; s < todo.length; s += chunk) {
      const part = todo.slice(s, s + chunk);
      const vectors = await embedder.embedAll(
        part.map(([, t]) => t),
        embedOptions(options),
      );
      checkVectors(embedder, vectors, part.length);
      part.forEach(([k], i) => shard.vectors.set(k, vectors[i] as Float32Array));
      await this.append(
        shard,
        part.map(([k]) => k),
        vectors,
      );
      done += part.length;
      options.onProgress?.(Math.min(done, total), total);
    }
    return keys.map((k) => shard.vectors.get(k) as Float32Array);
  }
}

/** Appends records to a cache file (creating its folder); a failure is CACHE_WRITE_FAILED naming the file. */
export async function appendCacheRecords(file: string, records: Uint8Array, what: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, records);
  } catch (e) {
    throw new EmbedkitError(
      ERROR_CODES.CACHE_WRITE_FAILED,
      `cannot write the ${what} ${file}: ${(e as Error).message}`,
      { file },
      { cause: e },
    );
  }
}

function embedOptions(o: EmbedOptions): { promptName?: PromptName; batchSize?: number } {
  return {
    ...(o.promptName !== undefined ? { promptName: o.promptName } : {}),
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
  };
}

function checkVectors(embedder: Embedder, vectors: readonly Float32Array[], expected: number): void {
  if (vectors.length !== expected) {
    throw new EmbedkitError(
      ERROR_CODES.RUNTIME_FAILURE,
      `${embedder.modelId} returned ${vectors.length} vectors for ${expected} texts`,
      { expected, got: vectors.length },
    );
  }
  for (const v of vectors) {
    if (v.length !== embedder.dim) {
      throw new EmbedkitError(
        ERROR_CODES.RUNTIME_FAILURE,
        `${embedder.modelId} returned a vector of length ${v.length}; its dim is ${embedder.dim}`,
        { expected: embedder.dim, got: v.length },
      );
    }
  }
}

/**
 * Embeds `texts` in order, with the cache when one is given. Without a cache, distinct texts are
 * still embedded once each, in chunks so that progress can be reported.
 */
export async function embedTexts(
  embedder: Embedder,
  texts: readonly string[],
  options: EmbedOptions & { readonly cache?: EmbeddingCache } = {},
): Promise<Float32Array[]> {
  if (options.cache) return options.cache.embed(embedder, texts, options);
  const distinct = [...new Set(texts)];
  const chunk = options.chunkSize ?? 256;
  const byText = new Map<string, Float32Array>();
  options.onProgress?.(0, texts.length);
  for (let s = 0; s < distinct.length; s += chunk) {
    const part = distinct.slice(s, s + chunk);
    const vectors = await embedder.embedAll(part, embedOptions(options));
    checkVectors(embedder, vectors, part.length);
    part.forEach((t, i) => byText.set(t, vectors[i] as Float32Array));
    options.onProgress?.(
      Math.round((Math.min(s + chunk, distinct.length) / distinct.length) * texts.length),
      texts.length,
    );
  }
  return texts.map((t) => byText.get(t) as Float32Array);
}
