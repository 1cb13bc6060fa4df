/**
 * L5: one unit of a chunked job: its records are whole documents, split and embedded by
 * TextEmbedding.embedChunks with the job's chunking settings; one row per chunk, in document
 * then chunk order, with the same fields as `embedkit embed --chunk`.
 */
import { isEmbedkitError } from "../errors.js";
import type { EmbedChunksOptions } from "../embed/embed-chunks.js";
import type { TextEmbedding } from "../embed/text-embedding.js";
import { recordError, readUnit } from "./embed-unit.js";
import type { ChunkOutputRow } from "./files-sink.js";
import type { JobChunking, JobSpec, UnitData } from "./job-spec.js";
import type { ShardRecord } from "./shard-records.js";

/** The embedChunks options a job's chunking settings stand for. */
export function embedChunksOptions(c: JobChunking): EmbedChunksOptions {
  return {
    chunking: {
      strategy: c.strategy,
      ...(c.by !== undefined ? { by: c.by } : {}),
      ...(c.size !== undefined ? { size: c.size } : {}),
      ...(c.overlap !== undefined ? { overlap: c.overlap } : {}),
      ...(c.locale !== undefined ? { locale: c.locale } : {}),
    },
  };
}

/** As `embed --chunk`: the record's id (numbers kept, anything else as a string), else its line number. */
function documentId(r: ShardRecord): string | number {
  if (r.id === undefined) return r.line;
  return typeof r.id === "number" ? r.id : String(r.id);
}

export async function embedChunkedUnit(
  spec: JobSpec & { chunking: JobChunking },
  unit: UnitData,
  model: TextEmbedding,
): Promise<ChunkOutputRow[]> {
  const records = await readUnit(spec, unit);
  const bad = records.findIndex((r) => r.error);
  if (bad >= 0) throw recordError(records[bad]!.error!, spec, unit, records[bad]!, bad);
  const rows: ChunkOutputRow[] = [];
  const documents = records.map((r) => ({ id: documentId(r), text: r.text }));
  try {
    for await (const d of model.embedChunks(documents, embedChunksOptions(spec.chunking))) {
      for (const c of d.chunks) {
        rows.push({ id: d.id, chunk: c.index, start: c.start, end: c.end, text: c.text, embedding: c.vector });
      }
    }
  } catch (e) {
    const field = isEmbedkitError(e) ? e.details["field"] : undefined;
    const m = typeof field === "string" ? /^documents\[(\d+)\]/.exec(field) : null;
    if (m && isEmbedkitError(e)) throw recordError(e, spec, unit, records[Number(m[1])]!, Number(m[1]));
    throw e;
  }
  return rows;
}
