/**
 * Real embeddings for the index bench: the real-sentence corpus embedded once with
 * sentence-transformers/all-MiniLM-L6-v2 int8 through embedkit (normalized, 384-d) and cached as
 * raw little-endian float32 under bench/results/ (gitignored: about 150 MB for 100k), next to a
 * JSON header naming the model, the count and a hash of the texts, so a changed corpus re-embeds.
 * Documents are the first n texts, queries the next nq: the same n gives the same split.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TextEmbedding } from "../../src/index.js";
import { realSentences } from "./real-corpus.js";

export const REAL_MODEL = "sentence-transformers/all-MiniLM-L6-v2";
const CHUNK = 2048;

export interface VectorSet {
  /** Row-major, `count` x `dim`, each row of unit length. */
  readonly data: Float32Array;
  readonly count: number;
  readonly dim: number;
}

export interface RealVectors {
  readonly docs: VectorSet;
  readonly queries: VectorSet;
  readonly source: string;
}

interface Header {
  readonly model: string;
  readonly quantization: "int8";
  readonly count: number;
  readonly dim: number;
  readonly textsSha256: string;
}

function slice(all: Float32Array, dim: number, from: number, to: number): VectorSet {
  return { data: all.subarray(from * dim, to * dim), count: to - from, dim };
}

/** The first `n` texts as documents and the next `nq` as held-out queries, embedded (cached). */
export async function realVectors(opts: {
  readonly dataDir: string;
  readonly resultsDir: string;
  readonly n: number;
  readonly nq: number;
  readonly log: (line: string) => void;
  /** Embed (and cache) this many texts from the start of the corpus, at least n + nq. */
  readonly embed?: number;
}): Promise<RealVectors> {
  const texts = await realSentences(opts.dataDir);
  const total = opts.n + opts.nq;
  const need = Math.max(opts.embed ?? 0, total);
  if (need > texts.length) {
    throw new RangeError(
      `${need} real texts asked for (--n + --queries, or --embed), but the real corpus has ${texts.length}`,
    );
  }
  const sha = createHash("sha256").update(texts.join("\n")).digest("hex");
  mkdirSync(opts.resultsDir, { recursive: true });
  const bin = join(opts.resultsDir, "index-real-minilm-int8.f32");
  const headerPath = join(opts.resultsDir, "index-real-minilm-int8.json");
  // Embedded in chunks appended to the cache file (the header counts the rows written), so an
  // interrupted run resumes where it stopped; `--embed-only` runs can fill it ahead of time.
  let header: Header = { model: REAL_MODEL, quantization: "int8", count: 0, dim: 384, textsSha256: sha };
  if (existsSync(bin) && existsSync(headerPath)) {
    const h = JSON.parse(readFileSync(headerPath, "utf8")) as Header;
    if (h.textsSha256 === sha && h.model === REAL_MODEL && statSync(bin).size >= h.count * h.dim * 4) header = h;
  }
  if (header.count === 0) writeFileSync(bin, new Uint8Array(0));
  else truncateSync(bin, header.count * header.dim * 4);
  if (header.count < need) {
    opts.log(`real vectors: ${header.count} cached, embedding texts ${header.count}..${need - 1} (${REAL_MODEL} int8)`);
    const model = await TextEmbedding.create({ model: REAL_MODEL, quantization: "int8", store: { offline: true } });
    try {
      const t0 = performance.now();
      const start = header.count;
      while (header.count < need) {
        const end = Math.min(need, header.count + CHUNK);
        const vectors = await model.embedAll(texts.slice(header.count, end));
        const chunk = new Float32Array(vectors.length * model.dim);
        vectors.forEach((v, i) => chunk.set(v, i * model.dim));
        appendFileSync(bin, new Uint8Array(chunk.buffer));
        header = { ...header, count: end, dim: model.dim };
        writeFileSync(headerPath, `${JSON.stringify(header)}\n`);
        const rate = (end - start) / ((performance.now() - t0) / 1000);
        opts.log(`embedded ${end}/${need} (${rate.toFixed(1)} texts/s)`);
      }
    } finally {
      await model.dispose();
    }
  }
  const buf = readFileSync(bin);
  const all = new Float32Array(buf.buffer, buf.byteOffset, header.count * header.dim);
  const dim = header.dim;
  opts.log(`real vectors: ${header.count} in ${bin}`);
  return {
    docs: slice(all, dim, 0, opts.n),
    queries: slice(all, dim, opts.n, total),
    source: `${opts.n} real texts (sentences and runs of 2-3 adjacent sentences from the shared data sets) embedded with ${REAL_MODEL} int8; ${opts.nq} held-out texts as queries`,
  };
}
