/**
 * Peer runner: fastembed-js (npm `fastembed`), loaded as a custom model from a prepared folder
 * (tokenizer.json, config.json, tokenizer_config.json, special_tokens_map.json, onnx/) so it never
 * downloads. It has no thread option: its own copy of onnxruntime-node is given the thread count
 * by wrapping InferenceSession.create before fastembed loads the model.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { EmbeddingModel, FlagEmbedding } from "fastembed";
import { runPeer } from "./runner-kit.js";

interface OrtSessionFactory {
  create(pathOrBuffer: unknown, options?: Record<string, unknown>): Promise<unknown>;
}

const FASTEMBED_DEFAULT_BATCH = 256;

/** fastembed's own onnxruntime-node (it pins an older release than embedkit's). */
function fastembedOrt(): { version: string; session: OrtSessionFactory } {
  const requireFromFastembed = createRequire(createRequire(import.meta.url).resolve("fastembed"));
  const ortMain = requireFromFastembed.resolve("onnxruntime-node");
  const ort = requireFromFastembed(ortMain) as { InferenceSession: OrtSessionFactory };
  const pkgPath =
    ortMain.slice(0, ortMain.lastIndexOf("/onnxruntime-node/") + "/onnxruntime-node/".length) + "package.json";
  const version = (JSON.parse(readFileSync(pkgPath, "utf8")) as { version: string }).version;
  return { version, session: ort.InferenceSession };
}

function fastembedVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve("fastembed");
  const pkgPath = main.slice(0, main.lastIndexOf("/fastembed/") + "/fastembed/".length) + "package.json";
  return (JSON.parse(readFileSync(pkgPath, "utf8")) as { version: string }).version;
}

await runPeer("fastembed-js", async (args) => {
  const ort = fastembedOrt();
  const create = ort.session.create.bind(ort.session);
  ort.session.create = (pathOrBuffer, options) =>
    create(pathOrBuffer, { ...options, intraOpNumThreads: args.threads, interOpNumThreads: 1 });
  const model = await FlagEmbedding.init({
    model: EmbeddingModel.CUSTOM,
    modelAbsoluteDirPath: args.modelDir,
    modelName: args.onnx,
    maxLength: args.maxTokens,
    showDownloadProgress: false,
  });
  const batch = args.batch > 0 ? args.batch : FASTEMBED_DEFAULT_BATCH;
  const notes = [`onnxruntime-node ${ort.version}`, `pads every batch to ${args.maxTokens} tokens`];
  if (args.pooling !== "cls") notes.push(`CLS-pools (the model needs ${args.pooling} pooling)`);
  return {
    version: fastembedVersion(),
    batch,
    notes,
    async embed(texts) {
      const out: number[][] = [];
      for await (const b of model.embed([...texts], batch)) out.push(...b);
      return out;
    },
  };
});
