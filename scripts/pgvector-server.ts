/**
 * A pgvector server for manual use and local development: PGlite 0.4.6 with its bundled
 * `vector` extension (pgvector 0.8.1), served over the Postgres wire protocol by pglite-socket.
 * Any Postgres client (psql, node-postgres, embedkit's PgVectorSink) connects to the URL printed.
 *
 *   npx tsx scripts/pgvector-server.ts [--port 5433] [--db ./pgdata]   (default: in memory, port 5433)
 *
 * PGlite is one session shared by every connection (pglite-socket multiplexes them and runs one
 * transaction at a time); for production use a Postgres server with pgvector.
 */
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "5433" },
    host: { type: "string", default: "127.0.0.1" },
    db: { type: "string" },
  },
});
const db = await PGlite.create(values.db ?? "memory://", { extensions: { vector } });
const server = new PGLiteSocketServer({ db, host: values.host, port: Number(values.port), maxConnections: 16 });
let port = Number(values.port);
server.addEventListener("listening", (e) => {
  port = (e as CustomEvent<{ port: number }>).detail.port;
});
await server.start();
const [{ version }] = (await db.query<{ version: string }>("SELECT current_setting('server_version') AS version"))
  .rows as [{ version: string }];
console.log(`pgvector server (PGlite, Postgres ${version}) at postgres://postgres@${values.host}:${port}/postgres`);
const stop = async (): Promise<void> => {
  await server.stop();
  await db.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
