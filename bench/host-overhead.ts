/**
 * `npm run bench:host` — where the calling thread's time goes, next to inference.
 *
 * Embeds the mixed corpus phase by phase with embedkit's own parts on one thread: tokenize,
 * plan + pad (allocating fresh input arrays per batch), inference (the session on this thread,
 * timed alone), pool + normalize. With inference in a worker (the default), every phase but
 * inference runs on the main thread while a batch computes; this shows whether reusing input
 * buffers or a faster pooling loop could pay: they can only save time that is not overlapped.
 *
 * Flags: --size N (texts, default 400), --model id[:int8], --repeat N (best of, default 3).
 */
import { parseArgs } from "node:util";
import { storeConfigFromEnv } from "../src/index.js";
import { resolveModelFiles } from "../src/hub/index.js";
import { padBatch } from "../src/engine/pad-batch.js";
import { planBatches } from "../src/engine/plan-batches.js";
import { DEFAULT_BATCH_SIZE } from "../src/embed/engine-options.js";
import { DEFAULT_MAX_BATCH_TOKENS } from "../src/engine/token-budget.js";
import { l2NormalizeInPlace } from "../src/pooling/normalize.js";
import { splitRows } from "../src/pooling/output-head.js";
import { loadOnnxModel } from "../src/runtime/onnx-model.js";
import { loadTokenizer } from "../src/tokenizer/tokenizer.js";
import { loadAverage } from "./lib/machine.js";
import { buildCorpus, DEFAULT_SEED } from "./lib/sts-corpus.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "400" },
    model: { type: "string", default: "BAAI/bge-small-en-v1.5" },
    repeat: { type: "string", default: "3" },
  },
});
const [modelId, variant] = values.model.split(":");
const resolved = await resolveModelFiles({
  model: modelId!,
  quantization: variant === "int8" ? "int8" : "fp32",
  store: storeConfigFromEnv(undefined, { offline: true }),
});
const tokenizer = loadTokenizer(resolved.tokenizerPath);
const model = await loadOnnxModel(resolved.onnxPath, { inferenceThread: "main" });
const max = resolved.spec.maxTokens;
const corpus = await buildCorpus(
  { kind: "mixed", size: Number(values.size), passageFraction: 0.2, seed: DEFAULT_SEED },
  async (t) => (await tokenizer.encode(t, { maxTokens: max, truncate: false })).map((e) => e.originalLength),
);

const phases = { tokenize: Infinity, "plan + pad": Infinity, inference: Infinity, "pool + normalize": Infinity };
let batches = 0;
for (let rep = 0; rep < Number(values.repeat); rep++) {
  const t: Record<keyof typeof phases, number> = { tokenize: 0, "plan + pad": 0, inference: 0, "pool + normalize": 0 };
  let t0 = performance.now();
  const encodings = await tokenizer.encode(corpus.texts, { maxTokens: max, truncate: true });
  t.tokenize = performance.now() - t0;
  t0 = performance.now();
  const plan = planBatches(
    encodings.map((e) => e.ids.length),
    { batchSize: DEFAULT_BATCH_SIZE, maxBatchTokens: DEFAULT_MAX_BATCH_TOKENS },
  );
  const padded = plan.map((rows) => padBatch(rows.map((i) => encodings[i]!)));
  t["plan + pad"] = performance.now() - t0;
  batches = plan.length;
  for (const batch of padded) {
    t0 = performance.now();
    // The session applies the pooled head itself, so inference here includes pooling.
    const out = await model.run(batch, { kind: "pooled", pooling: resolved.spec.pooling });
    t.inference += performance.now() - t0;
    t0 = performance.now();
    if (out.kind === "pooled") for (const v of splitRows(out)) l2NormalizeInPlace(v);
    t["pool + normalize"] += performance.now() - t0;
  }
  for (const k of Object.keys(phases) as (keyof typeof phases)[]) phases[k] = Math.min(phases[k], t[k]);
}
await model.dispose();
tokenizer.dispose();

const total = Object.values(phases).reduce((a, b) => a + b, 0);
console.log(
  `embedkit host overhead: ${values.model}, ${corpus.texts.length} mixed texts, ${batches} batches; ${loadAverage()}`,
);
console.log(
  formatTable(
    ["phase", "ms (best of " + values.repeat + ")", "share", "ms per batch"],
    Object.entries(phases).map(([k, ms]) => [k, fmt(ms), `${fmt((100 * ms) / total)}%`, fmt(ms / batches)]),
  ),
);
const host = total - phases.inference;
console.log(
  `host work (everything but inference): ${fmt(host)} ms = ${fmt((100 * host) / phases.inference)}% of inference time, ` +
    `overlapped with inference when the session runs in its worker thread`,
);
