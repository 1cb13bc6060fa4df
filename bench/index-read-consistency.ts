/**
 * What VectorIndex's readConsistencyInterval costs a search: the same folder opened with `null`
 * (never check for other processes' commits), N seconds and 0 (check on every read), searched
 * with a fixed query vector (so embedding is not measured) in rounds that alternate the settings,
 * reporting CPU-ms and wall-ms per search and the ratio to `null` in one run.
 *
 *   npx tsx bench/index-read-consistency.ts [--records 2000] [--searches 300] [--rounds 2] [--interval 1]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { TextEmbedding, VectorIndex } from "../src/index.js";
import { loadAverage } from "./lib/machine.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "2000" },
    searches: { type: "string", default: "300" },
    rounds: { type: "string", default: "2" },
    interval: { type: "string", default: "1" },
  },
});
const nRecords = Number(values.records);
const nSearches = Number(values.searches);
const settings: (number | null)[] = [null, Number(values.interval), 0];
console.log(`index-read-consistency: ${new Date().toISOString()}, node ${process.version}; ${loadAverage()}`);

const dir = mkdtempSync(join(tmpdir(), "embedkit-consistency-"));
const engine = await TextEmbedding.create({
  model: "sentence-transformers/all-MiniLM-L6-v2",
  quantization: "int8",
  store: { offline: true },
});
try {
  const writer = await VectorIndex.open(dir, { engine });
  const records = Array.from({ length: nRecords }, (_, i) => ({
    id: String(i),
    text: `Record ${i} is about topic ${i % 37} and item ${(i * 7919) % 1000}.`,
    metadata: { group: i % 5 },
  }));
  await writer.add(records, { batchSize: 500 });
  await writer.close();
  const vector = await engine.queryEmbed("topic 12 and item 55");
  const embedQuery = async (): Promise<Float32Array> => vector;
  const cpu = new Map<number | null, number[]>(settings.map((s) => [s, []]));
  const wall = new Map<number | null, number[]>(settings.map((s) => [s, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const interval of settings) {
      const index = await VectorIndex.open(dir, { engine, readConsistencyInterval: interval });
      await index.search("warm-up", { embedQuery });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < nSearches; i++) await index.search("q", { embedQuery, topK: 10, filter: { group: i % 5 } });
      const c = process.cpuUsage(c0);
      wall.get(interval)!.push((performance.now() - t0) / nSearches);
      cpu.get(interval)!.push((c.user + c.system) / 1000 / nSearches);
      await index.close();
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = mean(cpu.get(null)!);
  console.log(
    `${nRecords} records, ${nSearches} filtered top-10 searches per round, ${values.rounds} rounds (settings alternate)`,
  );
  console.log(
    formatTable(
      ["readConsistencyInterval", "CPU-ms/search", "wall-ms/search", "CPU vs null"],
      settings.map((s) => [
        s === null ? "null (never)" : `${s} s`,
        fmt(mean(cpu.get(s)!)),
        fmt(mean(wall.get(s)!)),
        `${fmt(mean(cpu.get(s)!) / base)}x`,
      ]),
    ),
  );
} finally {
  await engine.dispose();
  rmSync(dir, { recursive: true, force: true });
}
