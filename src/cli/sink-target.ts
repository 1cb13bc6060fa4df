/**
 * L7: which database sink a CLI target URL names, and how to open it: the one place the vector
 * index commands (`index add URL`, `search URL`) tell a database URL from a folder and pick the
 * sink (`postgres://...?table=T` PgVectorSink, `chroma://host:port/COLLECTION` ChromaSink), so
 * each sink's CLI is the same code.
 */
import { postgresSinkTarget } from "../jobs/postgres-sink.js";
import { ChromaSink } from "../sinks/chroma/chroma-sink.js";
import { isChromaUrl, parseChromaTarget } from "../sinks/chroma/chroma-url.js";
import type { SearchableSink } from "../sinks/document-sink.js";
import { isPostgresUrl } from "../sinks/postgres/database-url.js";
import { PgVectorSink } from "../sinks/postgres/pg-vector-sink.js";

/** A database sink named on the command line. */
export interface CliSinkTarget {
  /** The URL scheme, as refusals name it ("not available with a postgres:// target"). */
  readonly scheme: string;
  /** What the output names: the URL (password masked) and the table or collection. */
  readonly display: string;
  /** The sink, as refusals name it ("the Postgres sink"). */
  readonly sinkName: string;
  /** What it keeps rows in, as refusals name it ("a pgvector table"). */
  readonly storeName: string;
  /** Whether its search takes an HNSW candidate list per query (`--ef`: pgvector's hnsw.ef_search). */
  readonly perQueryEf: boolean;
  /** The model the table or collection holds, read without creating anything (undefined: none yet). */
  storedModel(): Promise<string | undefined>;
  /** Opens (creating on first use) the sink for this model and dimension. */
  open(model: string, dimension: number): Promise<SearchableSink>;
}

/** Whether a DIR argument names a database sink rather than a folder. */
export const isSinkUrl = (s: string): boolean => isPostgresUrl(s) || isChromaUrl(s);

/** The target a sink URL names (call only when {@link isSinkUrl} holds). */
export function sinkTarget(url: string): CliSinkTarget {
  if (isChromaUrl(url)) {
    const c = parseChromaTarget(url);
    return {
      scheme: "chroma",
      display: c.display,
      sinkName: "the Chroma sink",
      storeName: "a Chroma collection",
      perQueryEf: false, // Chroma sets search_ef per collection
      storedModel: async () => (await ChromaSink.collectionSettings(c))?.model,
      open: (model, dimension) => ChromaSink.open({ url: c.url, collection: c.collection, model, dimension }),
    };
  }
  const pg = postgresSinkTarget(url);
  return {
    scheme: "postgres",
    display: pg.display,
    sinkName: "the Postgres sink",
    storeName: "a pgvector table",
    perQueryEf: true,
    storedModel: async () => (await PgVectorSink.tableSettings(pg))?.model,
    open: (model, dimension) => PgVectorSink.open({ url: pg.url, table: pg.table, model, dimension }),
  };
}
