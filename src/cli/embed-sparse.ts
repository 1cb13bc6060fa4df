/**
 * L7: `embedkit embed --sparse` (or `--model <sparse model>`): texts -> sparse vectors as JSON
 * lines `{"index","id"?,"indices","values"}`, in input order, streamed. BM25 or a SPLADE model.
 */
import { once } from "node:events";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { SparseTextEmbedding, type SparseTextEmbeddingOptions } from "../sparse/sparse-text-embedding.js";
import { checkTopK } from "../sparse/splade-backend.js";
import type { SparseVector } from "../types.js";
import type { CliContext } from "./common.js";
import { OutputFile, outputError } from "./output-file.js";
import type { InputRecord } from "./read-inputs.js";

/** The sparse model `embed --sparse` uses without --model (FastEmbed's SPLADE). */
export const DEFAULT_SPARSE_MODEL = "prithivida/Splade_PP_en_v1";

export interface SparseEmbedRun {
  readonly options: SparseTextEmbeddingOptions;
  readonly records: AsyncIterable<InputRecord> | InputRecord[];
  readonly output: string | undefined;
  readonly topK: number | undefined;
}

function line(index: number, rec: InputRecord, v: SparseVector): string {
  return `${JSON.stringify({
    index,
    ...(rec.id !== undefined ? { id: rec.id } : {}),
    indices: Array.from(v.indices),
    values: Array.from(v.values),
  })}\n`;
}

/** Runs the sparse embedding of `records`; errors name the input's place (line N of FILE). */
export async function embedSparse(run: SparseEmbedRun, ctx: CliContext): Promise<number> {
  if (run.output?.toLowerCase().endsWith(".npy")) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--output ${run.output}: sparse vectors are written as JSON lines; .npy holds dense matrices only`,
      { flag: "--output", value: run.output },
    );
  }
  checkTopK(run.topK, "--top-k"); // before the model loads
  const out = run.output !== undefined ? await OutputFile.open(run.output) : undefined;
  let model: SparseTextEmbedding;
  try {
    model = await SparseTextEmbedding.create(run.options);
  } catch (e) {
    await out?.abandon();
    throw e;
  }
  const pending: InputRecord[] = [];
  async function* texts(): AsyncGenerator<string> {
    for await (const r of run.records) {
      pending.push(r);
      yield r.text;
    }
  }
  let index = 0;
  try {
    for await (const batch of model.embed(texts(), run.topK !== undefined ? { topK: run.topK } : {})) {
      const data = batch.map((v) => line(index++, pending.shift()!, v)).join("");
      if (out !== undefined) await out.write(Buffer.from(data, "utf8"));
      else if (!ctx.stdout.write(data)) {
        await once(ctx.stdout, "drain").catch((e: unknown) => {
          throw outputError("stdout", e, "stdout");
        });
      }
    }
    await out?.commit();
  } catch (e) {
    await out?.abandon();
    const field = e instanceof EmbedkitError ? e.details["field"] : undefined;
    const m = typeof field === "string" ? /^inputs\[(\d+)\]/.exec(field) : null;
    const where = m ? pending[Number(m[1]) - index]?.where : undefined;
    if (e instanceof EmbedkitError && where !== undefined) {
      throw new EmbedkitError(
        e.code,
        e.code === ERROR_CODES.INPUT_TOO_LONG
          ? `${where} has ${String(e.details["tokens"])} tokens; the model accepts at most ${String(e.details["maxTokens"])} (without --no-truncate, long texts are cut to the limit)`
          : e.message.split(field as string).join(where),
        { ...e.details, where },
        { cause: e },
      );
    }
    throw e;
  } finally {
    await model.dispose();
  }
  return 0;
}
