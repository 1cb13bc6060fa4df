/**
 * L3: embedChunks(): documents in, per document its chunks with vectors out, streaming.
 *
 * Documents (strings or `{ id, text }` records, from any iterable or async iterable) are read one
 * at a time; small documents are gathered so the runtime sees full batches, a long one is run
 * window by window, and each document is yielded as soon as its last chunk has a vector. A bad
 * document stops the stream with a typed error naming `documents[i]`, after every document before
 * it has been yielded.
 */
import { resolveChunkOptions } from "../chunking/chunk-options.js";
import { chunkDocuments } from "../chunking/chunk.js";
import { TokenIndex } from "../chunking/token-index.js";
import type { Chunk, ChunkOptions, ChunkSpan, ChunkTokenizer } from "../chunking/chunk-types.js";
import { describeValue, EmbedkitError, ERROR_CODES } from "../errors.js";
import { assertTextInput } from "../text-input.js";
import type { ModelSpec } from "../models/spec.js";
import type { TokenSpan } from "../pooling/head-types.js";
import type { Encoding, PromptName } from "../types.js";
import { tokenizeDocument, type SectionTokenizer } from "./document-tokens.js";
import type { PostProcessing } from "./encoder.js";
import {
  LateAccumulator,
  specialTemplate,
  windowJobs,
  windowsFor,
  type MacroWindowSetting,
  type SpecialTemplate,
  type WindowJob,
} from "./late-chunk.js";

/** "late": one pass over the document, a span mean per chunk; "naive": each chunk's text embedded on its own. */
export type ChunkStrategy = "late" | "naive";

/** Chunking options of embedChunks: how to split, and which strategy embeds the chunks. */
export interface EmbedChunkingOptions extends ChunkOptions {
  /** Default "late". */
  readonly strategy?: ChunkStrategy;
}

/** Options of {@link TextEmbedding.embedChunks}. */
export interface EmbedChunksOptions {
  /** How documents are split (by, size, overlap, locale) and embedded (strategy). */
  readonly chunking?: EmbedChunkingOptions;
  /**
   * Late chunking of documents longer than one window: `window` tokens per forward pass (special
   * tokens included; default the model's limit) and `overlap` tokens shared by neighbouring
   * windows (default a quarter of the model's limit, 128 for 512).
   */
  readonly macroWindow?: Partial<MacroWindowSetting>;
  /** L2-normalize each chunk vector. Default: the model's convention (true for every registry model). */
  readonly normalize?: boolean;
}

/** A document for embedChunks: its text, or a record with an id. */
export type ChunkDocumentInput = string | ChunkDocumentRecord;

/** A document with an id. */
export interface ChunkDocumentRecord {
  /** Copied to the output; default the document's position in the input. */
  readonly id?: string | number;
  /** The document's text. */
  readonly text: string;
}

/** One chunk of a document with its vector. */
export interface EmbeddedChunk extends Chunk {
  /** The chunk's embedding (late: its tokens' mean state; naive: its text embedded alone), post-processed. */
  readonly vector: Float32Array;
}

/** What embedChunks yields per document, in input order. */
export interface ChunkedDocument {
  /** The record's id, else the document's position in the input (from 0). */
  readonly id: string | number;
  /** The chunks in document order; none for an empty or whitespace-only document. */
  readonly chunks: EmbeddedChunk[];
}

/** What embedChunks needs from the model (TextEmbedding provides it). */
export interface ChunkEngine extends SectionTokenizer {
  readonly spec: ModelSpec;
  readonly maxTokens: number;
  runHead(
    encodings: readonly Encoding[],
    head: { kind: "spans"; spans: readonly (readonly TokenSpan[])[] },
  ): Promise<Float32Array[][]>;
  embedAll(
    texts: readonly string[],
    options: { promptName?: PromptName; batchSize?: number; normalize?: boolean },
  ): Promise<Float32Array[]>;
}

/** Engine facts embedChunks reads once per call. */
export interface ChunkCallContext {
  readonly post: PostProcessing;
  readonly batchSize: number;
  /** The model's chunking view (no prompt): for naive chunking and chunk(). */
  readonly chunkTokenizer: ChunkTokenizer;
}

/** No window limit on late chunks (their states come from macro windows). */
const LATE_MAX_CHUNK = Number.MAX_SAFE_INTEGER;

const STRATEGIES: readonly ChunkStrategy[] = ["late", "naive"];

function badOption(
  field: string,
  expected: string,
  value: unknown,
  details: Record<string, unknown> = {},
): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} must be ${expected}, got ${JSON.stringify(value)}`, {
    field,
    value,
    ...details,
  });
}

/**
 * Checks the options before any document is read; returns the macro-window setting.
 * `passagePromptTokens`: the tokens the passage prompt adds to a naive chunk (E5's "passage: ").
 */
export function resolveEmbedChunksOptions(
  options: EmbedChunksOptions | undefined,
  maxTokens: number,
  specials: number,
  passagePromptTokens = 0,
): { strategy: ChunkStrategy; chunking: ChunkOptions; macro: MacroWindowSetting } {
  if (options !== undefined && (options === null || typeof options !== "object"))
    throw badOption("options", "an object", options);
  const { strategy = "late", ...chunking } = options?.chunking ?? {};
  if (!STRATEGIES.includes(strategy)) throw badOption("chunking.strategy", `one of ${STRATEGIES.join(", ")}`, strategy);
  if (options?.normalize !== undefined && typeof options.normalize !== "boolean") {
    throw badOption("normalize", "true or false", options.normalize);
  }
  // Naive chunks are model inputs, so they fit the window; late chunks take their token states
  // from macro windows, so they may be longer than one.
  resolveChunkOptions(
    chunking,
    strategy === "naive" ? maxTokens - specials - passagePromptTokens : LATE_MAX_CHUNK,
    "chunking.",
  );
  const window = options?.macroWindow?.window ?? maxTokens;
  if (!Number.isInteger(window) || window > maxTokens) {
    throw badOption("macroWindow.window", `an integer of at most ${maxTokens} (the model's limit)`, window, {
      limit: maxTokens,
    });
  }
  const overlap =
    options?.macroWindow?.overlap ?? Math.min(Math.floor(maxTokens / 4), Math.max(0, window - specials - 1));
  const macro = { window, overlap };
  // planMacroWindows names the option when window or overlap is out of range.
  windowsFor(
    { ids: new Int32Array(0), promptTokens: 0, text: { starts: new Int32Array(0), ends: new Int32Array(0) } },
    { lead: new Int32Array(specials), trail: new Int32Array(0) },
    macro,
  );
  return { strategy, chunking, macro };
}

function parseDocument(value: unknown, index: number): { id: string | number; text: string } {
  const field = `documents[${index}]`;
  if (typeof value === "string") {
    assertTextInput(value, field);
    return { id: index, text: value };
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const r = value as { id?: unknown; text?: unknown };
    if (r.id !== undefined && typeof r.id !== "string" && typeof r.id !== "number") {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_INPUT,
        `${field}.id must be a string or a number, got ${describeValue(r.id)}`,
        { field: `${field}.id` },
      );
    }
    if (typeof r.text === "string") {
      assertTextInput(r.text, `${field}.text`);
      return { id: (r.id as string | number | undefined) ?? index, text: r.text };
    }
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${field}.text must be a string, got ${describeValue(r.text)}`, {
      field: `${field}.text`,
    });
  }
  throw new EmbedkitError(
    ERROR_CODES.INVALID_INPUT,
    `${field} must be a string or an { id, text } record, got ${describeValue(value)}`,
    { field },
  );
}

interface Pending {
  readonly id: string | number;
  readonly chunks: ChunkSpan[];
  /** How many of `chunks` each chunking gave, in order (one entry unless a sweep). */
  readonly groups: readonly number[];
  vectors: Float32Array[] | undefined;
  readonly acc?: LateAccumulator;
  jobsLeft: number;
}

const strip = ({ index, text, start, end, tokens }: ChunkSpan): Chunk => ({ index, text, start, end, tokens });

/** The stream behind TextEmbedding.embedChunks. */
export async function* embedChunkStream(
  engine: ChunkEngine,
  ctx: ChunkCallContext,
  documents: Iterable<unknown> | AsyncIterable<unknown>,
  options: EmbedChunksOptions | undefined,
): AsyncGenerator<ChunkedDocument, void, undefined> {
  const tpl = await specialTemplate(engine);
  const specials = tpl.lead.length + tpl.trail.length;
  // A naive chunk is embedded with the passage prompt, so its budget is the window less the prompt's tokens too.
  const [probe] = await engine.tokenize(["a"], { promptName: "passage" });
  const promptTokens = probe!.segments.filter((x) => x === -2).length;
  const { strategy, chunking, macro } = resolveEmbedChunksOptions(options, engine.maxTokens, specials, promptTokens);
  const naiveCtx: ChunkCallContext =
    strategy === "naive" && promptTokens > 0
      ? {
          ...ctx,
          chunkTokenizer: {
            ...ctx.chunkTokenizer,
            maxChunkTokens: ctx.chunkTokenizer.maxChunkTokens - promptTokens,
          },
        }
      : ctx;
  for await (const d of chunkStream(engine, naiveCtx, documents, { strategy, chunkings: [chunking], macro, tpl })) {
    yield { id: d.id, chunks: d.chunks };
  }
}

/** What chunkStream yields per document: every chunking's chunks, concatenated in chunking order. */
export interface ChunkGroups {
  readonly id: string | number;
  readonly chunks: EmbeddedChunk[];
  /** How many of `chunks` each chunking gave. */
  readonly groups: readonly number[];
}

/**
 * The one loop of embedChunks and the late-chunking sweep. Naive takes one chunking; late takes
 * any number, all pooled from the same forward passes over each document (the spans head takes
 * arbitrary ranges per row, so every chunking's spans ride on the same windows).
 */
export async function* chunkStream(
  engine: ChunkEngine,
  ctx: ChunkCallContext,
  documents: Iterable<unknown> | AsyncIterable<unknown>,
  plan: {
    strategy: ChunkStrategy;
    chunkings: readonly ChunkOptions[];
    macro: MacroWindowSetting;
    tpl: SpecialTemplate;
  },
): AsyncGenerator<ChunkGroups, void, undefined> {
  const { strategy, chunkings, macro, tpl } = plan;
  const chunking = chunkings[0]!;
  if (
    documents === null ||
    typeof documents !== "object" ||
    !(Symbol.iterator in documents || Symbol.asyncIterator in documents)
  ) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_INPUT,
      "documents must be an iterable of strings or { id, text } records",
      { field: "documents" },
    );
  }
  const pending: Pending[] = [];
  const lateQueue: { doc: Pending; job: WindowJob }[] = [];
  let naiveQueue: { doc: Pending; texts: string[] }[] = [];
  let queuedTokens = 0;
  let queuedTexts = 0;
  // Enough tokens to fill the runtime's batches a few times over, never a whole long document.
  const tokenBudget = ctx.batchSize * engine.maxTokens;

  const runLate = async (): Promise<void> => {
    const batch = lateQueue.splice(0);
    queuedTokens = 0;
    if (batch.length === 0) return;
    const means = await engine.runHead(
      batch.map((b) => b.job.encoding),
      { kind: "spans", spans: batch.map((b) => b.job.spans) },
    );
    batch.forEach((b, i) => {
      b.doc.acc!.add(b.job, means[i]!);
      if (--b.doc.jobsLeft === 0) b.doc.vectors = b.doc.acc!.finish(engine.spec, ctx.post);
    });
  };
  const runNaive = async (): Promise<void> => {
    const batch = naiveQueue;
    naiveQueue = [];
    queuedTexts = 0;
    const texts = batch.flatMap((b) => b.texts);
    if (texts.length === 0) return;
    const vectors = await engine.embedAll(texts, {
      promptName: "passage",
      batchSize: ctx.batchSize,
      normalize: ctx.post.normalize,
    });
    let k = 0;
    for (const b of batch) {
      b.doc.vectors = vectors.slice(k, k + b.texts.length);
      k += b.texts.length;
    }
  };
  function* done(): Generator<ChunkGroups> {
    while (pending.length > 0 && pending[0]!.vectors !== undefined) {
      const d = pending.shift()!;
      yield {
        id: d.id,
        chunks: d.chunks.map((c, i) => ({ ...strip(c), vector: d.vectors![i]! })),
        groups: d.groups,
      };
    }
  }

  let index = 0;
  let failure: unknown;
  try {
    for await (const value of documents as AsyncIterable<unknown>) {
      const i = index++;
      const { id, text } = parseDocument(value, i);
      const field = `documents[${i}]`;
      if (strategy === "naive") {
        const [chunks] = await chunkDocuments([text], chunking, ctx.chunkTokenizer, field);
        const doc: Pending = {
          id,
          chunks: chunks!,
          groups: [chunks!.length],
          vectors: chunks!.length === 0 ? [] : undefined,
          jobsLeft: 0,
        };
        pending.push(doc);
        if (chunks!.length > 0) naiveQueue.push({ doc, texts: chunks!.map((c) => c.text) });
        queuedTexts += chunks!.length;
        if (queuedTexts >= ctx.batchSize * 4) await runNaive();
      } else {
        const body = await tokenizeDocument(engine, text, "passage");
        const oneOff: ChunkTokenizer = {
          maxChunkTokens: LATE_MAX_CHUNK,
          documentTokens: async () => [body.text],
        };
        const sets: ChunkSpan[][] = [];
        for (const c of chunkings) sets.push((await chunkDocuments([text], c, oneOff, field))[0]!);
        const chunks = sets.flat();
        const acc = new LateAccumulator(chunks.length);
        const groups = sets.map((g) => g.length);
        const doc: Pending = { id, chunks, groups, vectors: undefined, acc, jobsLeft: 0 };
        pending.push(doc);
        // The reference's rule: a chunk holds the text tokens that start inside its character range
        // (two chunks may share a token that several tokens start at, e.g. a CJK character's pieces).
        const idx = new TokenIndex(body.text);
        const ranges = chunks.map((c) => [idx.at(c.start), idx.at(c.end)] as const);
        for (const job of windowJobs(body, ranges, tpl, windowsFor(body, tpl, macro))) {
          doc.jobsLeft++;
          lateQueue.push({ doc, job });
          queuedTokens += job.encoding.ids.length;
          if (queuedTokens >= tokenBudget) {
            await runLate();
            yield* done();
          }
        }
        if (doc.jobsLeft === 0) doc.vectors = acc.finish(engine.spec, ctx.post);
      }
      yield* done();
    }
  } catch (e) {
    failure = e; // a bad document or a failing source: every document before it is still handed out
  }
  await (strategy === "naive" ? runNaive() : runLate());
  yield* done();
  if (failure !== undefined) throw failure;
}
