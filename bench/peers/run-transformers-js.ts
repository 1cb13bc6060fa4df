/**
 * Peer runner: transformers.js (`@huggingface/transformers`), remote models off, reading the
 * prepared folder in the Xenova layout (<localModelPath>/<org>/<name>/{config.json,
 * tokenizer.json, tokenizer_config.json, onnx/model*.onnx}). Pooling and normalization are
 * passed per model (CLS for BGE, mean for MiniLM).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, relative } from "node:path";
import { env, pipeline } from "@huggingface/transformers";
import { runPeer } from "./runner-kit.js";

function transformersVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve("@huggingface/transformers");
  const marker = "/@huggingface/transformers/";
  const pkgPath = main.slice(0, main.lastIndexOf(marker) + marker.length) + "package.json";
  return (JSON.parse(readFileSync(pkgPath, "utf8")) as { version: string }).version;
}

await runPeer("transformers.js", async (args) => {
  // --model-dir is <localModelPath>/<org>/<name>; the model id is the part below the root.
  const root = dirname(dirname(args.modelDir));
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root;
  env.useFSCache = false;
  const modelId = relative(root, args.modelDir);
  const extractor = await pipeline("feature-extraction", modelId, {
    dtype: args.quantization === "int8" ? "q8" : "fp32",
    device: "cpu",
    session_options: { intraOpNumThreads: args.threads, interOpNumThreads: 1 },
  });
  const batch = args.batch > 0 ? args.batch : 64;
  return {
    version: transformersVersion(),
    batch,
    notes: [`pooling ${args.pooling}`],
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batch) {
        const t = await extractor([...texts.slice(i, i + batch)], { pooling: args.pooling, normalize: true });
        const [rows, dim] = t.dims as [number, number];
        const data = t.data as Float32Array;
        for (let r = 0; r < rows; r++) out.push(data.slice(r * dim, (r + 1) * dim));
      }
      return out;
    },
  };
});
