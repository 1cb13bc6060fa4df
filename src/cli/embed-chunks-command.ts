/**
 * L7: `embedkit embed --chunk late|naive`: documents in, one JSON line per chunk out,
 * `{"id","chunk","start","end","text","embedding"}`; with `.npy` output the vectors go to the
 * matrix (one row per chunk, in order) and the rest of each line to `<output>.chunks.jsonl`.
 */
import type { ChunkBy } from "../chunking/chunk-types.js";
import type { ChunkedDocument, EmbedChunksOptions, ChunkStrategy } from "../embed/embed-chunks.js";
import type { TextEmbedding } from "../embed/text-embedding.js";
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../errors.js";
import { intFlag, type CliContext } from "./common.js";
import { NpyWriter } from "./npy-writer.js";
import { OutputFile } from "./output-file.js";
import type { InputRecord } from "./read-inputs.js";

/** The chunking flags as parseArgs gives them. */
export interface ChunkFlagValues {
  readonly chunk?: string | undefined;
  readonly "chunk-size"?: string | undefined;
  readonly "chunk-by"?: string | undefined;
  readonly "chunk-overlap"?: string | undefined;
}

/** The embedChunks options the flags ask for (checked by the library, which names the flag via FLAG_FOR_OPTION). */
export function chunkOptionsFrom(values: ChunkFlagValues): EmbedChunksOptions {
  return {
    chunking: {
      strategy: values.chunk as ChunkStrategy,
      ...(values["chunk-by"] !== undefined ? { by: values["chunk-by"] as ChunkBy } : {}),
      ...(values["chunk-size"] !== undefined ? { size: intFlag("--chunk-size", values["chunk-size"]) } : {}),
      ...(values["chunk-overlap"] !== undefined
        ? { overlap: intFlag("--chunk-overlap", values["chunk-overlap"]) }
        : {}),
    },
  };
}

/** A record's id, else its line number ("line 7 of docs.jsonl"), else its position from 1. */
function idOf(rec: InputRecord, position: number): unknown {
  if (rec.id !== undefined) return rec.id;
  const m = rec.where !== undefined ? /^line (\d+)/.exec(rec.where) : null;
  return m ? Number(m[1]) : position + 1;
}

/** Names the CLI's source of the document a library error is about ("line 7 of docs.jsonl"). */
function locate(e: unknown, records: readonly InputRecord[]): unknown {
  if (!isEmbedkitError(e)) return e;
  const field = e.details["field"];
  const m = typeof field === "string" ? /^documents\[(\d+)\]/.exec(field) : null;
  const where = m ? records[Number(m[1])]?.where : undefined;
  if (where === undefined) return e;
  return new EmbedkitError(e.code, `${where}: ${e.message}`, { ...e.details, where }, { cause: e });
}

interface ChunkRunParams {
  readonly model: TextEmbedding;
  readonly records: AsyncIterable<InputRecord> | InputRecord[];
  readonly options: EmbedChunksOptions;
  /** undefined: JSON lines on stdout. */
  readonly output: string | undefined;
  readonly out: OutputFile | undefined;
  readonly ctx: CliContext;
}

/** Runs the chunked embedding and writes its output; the caller disposes the model. */
export async function runChunkedEmbed(p: ChunkRunParams): Promise<void> {
  const seen: InputRecord[] = [];
  async function* documents(): AsyncGenerator<{ id: string | number; text: string }> {
    for await (const r of p.records) {
      const id = idOf(r, seen.length);
      seen.push(r);
      yield { id: typeof id === "number" ? id : String(id), text: r.text };
    }
  }
  const npy = p.output !== undefined && p.output.toLowerCase().endsWith(".npy");
  const sidecar = npy ? await OutputFile.open(`${p.output!}.chunks.jsonl`) : undefined;
  const matrix = npy ? await NpyWriter.create(p.out!, p.model.dim) : undefined;
  const lines = sidecar ?? p.out;
  let buffered: string[] = [];
  const flush = async (): Promise<void> => {
    const data = buffered.join("");
    buffered = [];
    if (data === "") return;
    if (lines) await lines.write(Buffer.from(data, "utf8"));
    else if (!p.ctx.stdout.write(data)) await new Promise((r) => p.ctx.stdout.once("drain", r));
  };
  const write = async (d: ChunkedDocument): Promise<void> => {
    for (const c of d.chunks) {
      const rec: Record<string, unknown> = { id: d.id, chunk: c.index, start: c.start, end: c.end, text: c.text };
      if (!npy) rec["embedding"] = Array.from(c.vector);
      buffered.push(`${JSON.stringify(rec)}\n`);
    }
    await matrix?.write(d.chunks.map((c) => c.vector));
    if (buffered.length >= 256) await flush();
  };
  try {
    for await (const d of p.model.embedChunks(documents(), p.options)) await write(d);
    await flush();
    await matrix?.finish();
    await sidecar?.commit();
    await p.out?.commit();
  } catch (e) {
    await sidecar?.abandon();
    await p.out?.abandon();
    throw locate(e, seen);
  }
}

/** `--chunk` must be late or naive (checked before the model loads). */
/**
 * Flags --chunk cannot be combined with: chunks are dense vectors embedded with the model's
 * passage prompt, so --prompt would be ignored and --sparse (or a sparse model) has no chunking.
 */
export function checkChunkCombination(v: {
  chunk: string | undefined;
  prompt: string | undefined;
  sparse: boolean;
}): void {
  if (v.chunk === undefined) return;
  if (v.prompt !== undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--prompt cannot be used with --chunk (got --prompt ${v.prompt}): chunks are embedded with the model's passage prompt`,
      { flag: "--prompt", value: v.prompt, with: "--chunk" },
    );
  }
  if (v.sparse) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      "--sparse (or a sparse model) cannot be used with --chunk: chunking makes dense vectors only",
      { flag: "--sparse", with: "--chunk" },
    );
  }
}

export function checkChunkFlag(value: string | undefined): void {
  if (value !== undefined && value !== "late" && value !== "naive") {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `--chunk must be late or naive, got ${JSON.stringify(value)}`, {
      flag: "--chunk",
      value,
    });
  }
}
