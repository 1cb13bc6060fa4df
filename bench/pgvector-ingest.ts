/**
 * bench: rows/s of PgVectorSink.upsert into pgvector over the wire protocol, by rows per
 * multi-row INSERT (1, 50, 500), synthetic unit vectors (speed only; correctness is in the tests).
 * Against PGlite 0.4.6 + pgvector 0.8.1 on loopback by default, or a real server with --url.
 * COPY is not compared: node-postgres needs pg-copy-streams for it, which embedkit does not ship.
 *
 *   npx tsx bench/pgvector-ingest.ts [--rows 5000] [--dim 384] [--url postgres://...]
 */
import { parseArgs } from "node:util";
import { PgVectorSink } from "../src/index.js";
import { startPgvector } from "../tests/helpers/pgvector.js";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "5000" },
    dim: { type: "string", default: "384" },
    url: { type: "string" },
  },
});
const rows = Number(values.rows);
const dim = Number(values.dim);
const server = values.url === undefined ? await startPgvector() : undefined;
const url = values.url ?? server!.url;

let seed = 42;
const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const data = Array.from({ length: rows }, (_, i) => {
  const v = Float32Array.from({ length: dim }, rand);
  const norm = Math.hypot(...v);
  return {
    id: `r${i}`,
    docId: `r${i}`,
    chunkIndex: 0,
    text: `synthetic row ${i}`,
    metadata: { i },
    embedding: v.map((x) => x / norm),
  };
});

console.log(`${rows} rows of dimension ${dim} into ${server ? "PGlite 0.4.6 (pgvector 0.8.1) over loopback" : url}`);
console.log("rows/INSERT  seconds  rows/s");
for (const batchRows of [1, 50, 500]) {
  const table = `bench_insert_${batchRows}`;
  const sink = await PgVectorSink.open({ url, table, model: "synthetic", dimension: dim, batchRows });
  const t0 = performance.now();
  for (let at = 0; at < rows; at += 1000) await sink.upsert(data.slice(at, at + 1000));
  const s = (performance.now() - t0) / 1000;
  const { rows: stored } = await sink.count();
  if (stored !== rows) throw new Error(`${table} holds ${stored} rows, expected ${rows}`);
  console.log(
    `${String(batchRows).padStart(11)}  ${s.toFixed(2).padStart(7)}  ${Math.round(rows / s)
      .toString()
      .padStart(6)}`,
  );
  await sink.close();
}
await server?.stop();
