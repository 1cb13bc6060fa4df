/**
 * L4: the eval cache's counterpart for chunked documents, so that a re-run of a chunked task
 * (another precision, the index path, a resumed run) does not chunk and embed the documents again.
 *
 * Key: model id + quantization + variant (the eval's "normalize=…,chunking=…") + the full chunking
 * options (JSON) select a shard file; inside it a document is found by the sha256 of its text. A
 * shard is an append-only file of records
 *     [32-byte sha256 of the text][u32 chunk count n][u32 dim][n × (u32 start, u32 end)][n × dim float32]
 * (little-endian), so writes never rewrite old data; a record cut short by a crash is ignored on
 * load, and a later record for the same text replaces an earlier one.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { appendCacheRecords, slug } from "./cache.js";

/** One cached chunk: its character range in the document and its vector. */
export interface CachedChunk {
  readonly start: number;
  readonly end: number;
  readonly vector: Float32Array;
}

/** What a shard's vectors depend on. */
export interface ChunkShardKey {
  readonly modelId: string;
  readonly quantization: string;
  readonly variant: string;
  /** The chunking options as given (strategy, by, size, overlap, macro window...). */
  readonly chunking: unknown;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The chunked documents of one configuration, read from and appended to one file. */
export class ChunkShard {
  private constructor(
    readonly file: string,
    private readonly docs: Map<string, readonly CachedChunk[]>,
  ) {}

  static async open(dir: string, key: ChunkShardKey): Promise<ChunkShard> {
    const json = JSON.stringify([key.modelId, key.quantization, key.variant, key.chunking ?? null]);
    const hash = createHash("sha256").update(json).digest("hex").slice(0, 16);
    const file = join(dir, `${slug(key.modelId)}.${slug(key.quantization)}.chunks.${hash}.bin`);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return new ChunkShard(file, new Map());
      throw e;
    }
    return new ChunkShard(file, parseRecords(data));
  }

  /** Number of documents held. */
  get size(): number {
    return this.docs.size;
  }

  /** The document's chunks, when this configuration has embedded that exact text before. */
  get(text: string): readonly CachedChunk[] | undefined {
    return this.docs.get(sha256(text));
  }

  /** Stores a document's chunks (in memory and appended to the file). */
  async put(
    text: string,
    chunks: readonly { readonly start: number; readonly end: number; readonly vector: ArrayLike<number> }[],
  ): Promise<void> {
    const key = sha256(text);
    const dim = chunks[0]?.vector.length ?? 0;
    const buf = Buffer.alloc(32 + 8 + chunks.length * (8 + dim * 4));
    Buffer.from(key, "hex").copy(buf, 0);
    buf.writeUInt32LE(chunks.length, 32);
    buf.writeUInt32LE(dim, 36);
    let o = 40;
    for (const c of chunks) {
      buf.writeUInt32LE(c.start, o);
      buf.writeUInt32LE(c.end, o + 4);
      o += 8;
    }
    for (const c of chunks) {
      if (c.vector.length !== dim) {
        throw new EmbedkitError(
          ERROR_CODES.RUNTIME_FAILURE,
          `a chunk vector of length ${c.vector.length} in a document whose first chunk has ${dim}`,
          { expected: dim, got: c.vector.length },
        );
      }
      for (let j = 0; j < dim; j++, o += 4) buf.writeFloatLE(c.vector[j] as number, o);
    }
    await appendCacheRecords(this.file, buf, "chunk cache");
    this.docs.set(
      key,
      chunks.map((c) => ({ start: c.start, end: c.end, vector: Float32Array.from(c.vector) })),
    );
  }
}

function parseRecords(data: Buffer): Map<string, readonly CachedChunk[]> {
  const docs = new Map<string, readonly CachedChunk[]>();
  let o = 0;
  while (o + 40 <= data.length) {
    const key = data.subarray(o, o + 32).toString("hex");
    const n = data.readUInt32LE(o + 32);
    const dim = data.readUInt32LE(o + 36);
    const end = o + 40 + n * (8 + dim * 4);
    if (end > data.length) break; // cut short by a crash
    const chunks: CachedChunk[] = [];
    let v = o + 40 + n * 8;
    for (let i = 0; i < n; i++) {
      const vector = new Float32Array(dim);
      for (let j = 0; j < dim; j++, v += 4) vector[j] = data.readFloatLE(v);
      chunks.push({ start: data.readUInt32LE(o + 40 + i * 8), end: data.readUInt32LE(o + 44 + i * 8), vector });
    }
    docs.set(key, chunks);
    o = end;
  }
  return docs;
}
