/**
 * Peer runner: embedkit itself, through its public API only, reading the model from the
 * embedkit cache (offline).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TextEmbedding, type TextEmbeddingOptions } from "../../src/index.js";
import { runPeer } from "./runner-kit.js";

/** The version in embedkit's package.json, found upward (this file may run compiled elsewhere). */
function embedkitVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (!existsSync(path)) continue;
    const pkg = JSON.parse(readFileSync(path, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "embedkit" && pkg.version) return pkg.version;
  }
  return "unknown";
}

await runPeer("embedkit", async (args) => {
  const extra = args.engineOptions ? (JSON.parse(args.engineOptions) as Partial<TextEmbeddingOptions>) : {};
  const model = await TextEmbedding.create({
    model: args.model,
    quantization: args.quantization,
    intraOpThreads: args.threads,
    store: { offline: true, ...(args.cacheDir ? { cacheDir: args.cacheDir } : {}) },
    ...(args.batch > 0 ? { batchSize: args.batch } : {}),
    ...(args.maxBatchTokens > 0 ? { maxBatchTokens: args.maxBatchTokens } : {}),
    ...extra,
  });
  const notes = [
    ...(args.maxBatchTokens > 0 ? [`maxBatchTokens ${args.maxBatchTokens}`] : []),
    ...(args.engineOptions ? [args.engineOptions] : []),
  ];
  return {
    version: embedkitVersion(),
    batch: args.batch > 0 ? args.batch : 64,
    notes,
    embed: (texts) => model.embedAll(texts),
  };
});
