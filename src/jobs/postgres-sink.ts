/**
 * L5: the Postgres sink of bulk jobs: `--sink postgres://user@host:port/db?table=name` writes
 * every unit's rows into a pgvector table through PgVectorSink (default table `embeddings`).
 *
 * The same contract as the files sink: at submission the sink is checked (reachable, pgvector
 * present, the table created for the job's model and dimension or already holding them); a unit's
 * rows are upserted by record id in ONE transaction, so a unit that runs twice (a stalled
 * worker's unit taken over) leaves each record once, and a failed or killed write leaves nothing
 * of the unit. Each row's metadata holds `{job, unit, position}`.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { isPostgresUrl, parseDatabaseUrl } from "../sinks/postgres/database-url.js";
import { PgVectorSink } from "../sinks/postgres/pg-vector-sink.js";
import type { SinkRow } from "./files-sink.js";
import type { JobSpec } from "./job-spec.js";

export const isPostgresSink = isPostgresUrl;
const DEFAULT_TABLE = "embeddings";

/** The sink string split into the URL node-postgres gets and the table (the `table` query parameter). */
export function postgresSinkTarget(sink: string): { url: string; table: string; display: string } {
  let parsed: URL;
  try {
    parsed = new URL(sink);
  } catch {
    parseDatabaseUrl(sink); // throws the typed bad-url error
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `sink ${sink} is not a URL`, { field: "sink" });
  }
  const table = parsed.searchParams.get("table") ?? DEFAULT_TABLE;
  parsed.searchParams.delete("table");
  const url = parsed.toString();
  return { url, table, display: `${parseDatabaseUrl(url).display} table ${table}` };
}

async function openFor(sink: string, model: string, dimension: number): Promise<PgVectorSink> {
  const { url, table } = postgresSinkTarget(sink);
  return PgVectorSink.open({ url, table, model, dimension });
}

/** Checks at submission that the database takes the job's vectors (creates the table on first use). */
export async function checkPostgresSink(sink: string, model: string, dimension: number): Promise<void> {
  const opened = await openFor(sink, model, dimension);
  await opened.close();
}

/** One open PgVectorSink per sink/model/dimension for a worker process; close() on drain. */
export class PostgresUnitWriter {
  private readonly open = new Map<string, Promise<PgVectorSink>>();

  /** Upserts a unit's rows in one transaction. */
  async write(spec: JobSpec, unit: number, rows: readonly SinkRow[]): Promise<void> {
    const key = `${spec.sink}|${spec.model}|${spec.dim}`;
    let sink = this.open.get(key);
    if (!sink) {
      sink = openFor(spec.sink, spec.model, spec.dim);
      this.open.set(key, sink);
      sink.catch(() => this.open.delete(key));
    }
    const opened = await sink;
    try {
      await opened.upsert(
        rows.map((r) =>
          // A chunk is stored as `ingest()` stores it: row id `doc#chunk`, its offsets in the document.
          "chunk" in r
            ? {
                id: `${r.id}#${r.chunk}`,
                docId: String(r.id),
                chunkIndex: r.chunk,
                text: r.text,
                start: r.start,
                end: r.end,
                metadata: { job: spec.jobId, unit },
                embedding: r.embedding,
              }
            : {
                id: String(r.id),
                docId: String(r.id),
                chunkIndex: 0,
                text: r.text ?? "",
                metadata: { job: spec.jobId, unit, position: r.position },
                embedding: r.embedding,
              },
        ),
      );
    } catch (e) {
      // A lost connection is not kept: the retry opens a new one.
      if (e instanceof EmbedkitError && e.code === ERROR_CODES.DATABASE_UNREACHABLE) {
        this.open.delete(key);
        await opened.close();
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((s) => s.close()).catch(() => undefined)));
  }
}
