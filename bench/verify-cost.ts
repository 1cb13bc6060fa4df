/**
 * `npm run bench:verify` — what verifying a cached model file costs at load time.
 *
 * A load trusts a file whose size and mtime match the manifest's record (one stat), and hashes
 * it otherwise (after a change, or once for a manifest that predates the record). This prints
 * the time of each: the stat check, a full sha256 of the ONNX file (streamed, 1 MiB reads, from
 * the page cache once warm), and, to set them against, the ONNX Runtime session load of the same
 * file and a whole `TextEmbedding.create`.
 *
 * Flags: --model id[:int8] (default BAAI/bge-small-en-v1.5 fp32), --repeat N (best of, default 3).
 */
import { stat } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { storeConfigFromEnv, TextEmbedding } from "../src/index.js";
import { resolveModelFiles } from "../src/hub/index.js";
import { sha256File } from "../src/hub/sha256-file.js";
import { loadOnnxModel } from "../src/runtime/onnx-model.js";
import { loadAverage } from "./lib/machine.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "BAAI/bge-small-en-v1.5" },
    repeat: { type: "string", default: "3" },
  },
});
const [modelId, variant] = values.model.split(":");
const quantization = variant === "int8" ? "int8" : "fp32";
const store = storeConfigFromEnv(undefined, { offline: true });
const resolved = await resolveModelFiles({ model: modelId!, quantization, store });
const size = (await stat(resolved.onnxPath)).size;
const repeat = Math.max(1, Number(values.repeat));

async function best(fn: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

const statMs = await best(() => stat(resolved.onnxPath));
const hashMs = await best(() => sha256File(resolved.onnxPath));
const sessionMs = await best(async () => (await loadOnnxModel(resolved.onnxPath, {})).dispose());
const createMs = await best(async () =>
  (await TextEmbedding.create({ model: modelId!, quantization, store: { offline: true } })).dispose(),
);

console.log(`verify cost: ${values.model} ${quantization}, ${resolved.onnxPath} (${(size / 1e6).toFixed(1)} MB)`);
console.log(loadAverage());
console.log(
  formatTable(
    ["step", "ms (best of " + String(repeat) + ")", "MB/s"],
    [
      ["stat (size + mtime check, every load)", fmt(statMs), "-"],
      ["sha256 of the ONNX file (after a change)", fmt(hashMs), fmt(size / 1e6 / (hashMs / 1000))],
      ["ONNX Runtime session load", fmt(sessionMs), "-"],
      ["TextEmbedding.create (stat check included)", fmt(createMs), "-"],
    ],
  ),
);
console.log(
  `a re-hash adds ${fmt((hashMs / createMs) * 100)}% to a cold start; the stat check ${fmt((statMs / createMs) * 100)}%`,
);
