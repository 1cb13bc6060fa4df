/**
 * `tsx bench/matmul-ceiling.ts [--threads 2] [--tokens 1024,8192] [--min-seconds 0.5] [--json]`
 *
 * Measures ONNX Runtime's own matrix multiply on this machine at bge-small-en-v1.5's dense shapes
 * ([tokens, 384] x [384, 384], [384, 1536], [1536, 384]) in fp32 and int8, and prints GFLOP/s per
 * shape, the ceiling for the layer's matmul mix, and the model's FLOPs per token, so throughput
 * figures can be stated as a fraction of what this machine's runtime can reach.
 */
import { parseArgs } from "node:util";
import { ARCHITECTURES } from "./lib/bench-models.js";
import { denseFlopsPerToken, flopsPerToken } from "./lib/flops.js";
import { measureMatmulCeiling, MATMUL_KINDS } from "./lib/matmul-ceiling-measure.js";
import { fmt, formatTable } from "./lib/table.js";

const { values } = parseArgs({
  options: {
    threads: { type: "string", default: "2" },
    tokens: { type: "string", default: "1024,8192" },
    "min-seconds": { type: "string", default: "0.5" },
    json: { type: "boolean", default: false },
  },
});
const arch = ARCHITECTURES["BAAI/bge-small-en-v1.5"]!;
const result = await measureMatmulCeiling({
  threads: Number(values.threads),
  tokens: values.tokens.split(",").map(Number),
  minSeconds: Number(values["min-seconds"]),
  arch,
});
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  console.log(`ONNX Runtime matmul ceiling, ${result.threads} intra-op threads (fastest of the timed runs)\n`);
  console.log(
    formatTable(
      ["kind", "tokens", "shape", "ms/run", "GFLOP/s"],
      result.measurements.map((m) => [
        m.kind,
        String(m.tokens),
        `[${m.tokens},${m.k}]x[${m.k},${m.n}]`,
        fmt(m.msPerRun),
        fmt(m.gflops),
      ]),
    ),
  );
  console.log("\nceiling for one layer's dense matmul mix (4x 384x384, 384x1536, 1536x384), time-weighted:");
  for (const kind of MATMUL_KINDS) {
    const c = result.ceiling[kind];
    console.log(`  ${kind.padEnd(8)} ${fmt(c.gflops)} GFLOP/s (at ${c.tokens} tokens per call)`);
  }
  console.log(
    `\nbge-small-en-v1.5 FLOPs per token: ${fmt(denseFlopsPerToken(arch) / 1e6)} M dense + attention 12 x 4 x L x 384 ` +
      `= ${[16, 128, 350, 512].map((l) => `${fmt(flopsPerToken(arch, l) / 1e6)} M at L=${l}`).join(", ")}`,
  );
}
