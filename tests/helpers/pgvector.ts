/**
 * Test helper: a real pgvector (PGlite 0.4.6 with its bundled `vector` extension, pgvector 0.8.1)
 * served on a loopback port by pglite-socket, so the sink's `pg` client speaks the Postgres wire
 * protocol to it exactly as to a Postgres server. `withVector: false` gives a server without the
 * extension (for the missing-extension case).
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface TestPgvector {
  readonly url: string;
  readonly port: number;
  /** Runs SQL directly on the database (for checks that bypass the sink). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

export async function startPgvector(
  options: { withVector?: boolean; maxConnections?: number } = {},
): Promise<TestPgvector> {
  const db = await PGlite.create(options.withVector === false ? {} : { extensions: { vector } });
  const server = new PGLiteSocketServer({
    db,
    port: 0,
    host: "127.0.0.1",
    maxConnections: options.maxConnections ?? 8,
  });
  let port = 0;
  server.addEventListener("listening", (e) => {
    port = (e as CustomEvent<{ port: number }>).detail.port;
  });
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    query: async <R>(sql: string, params: unknown[] = []) => (await db.query<R>(sql, params)).rows,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
