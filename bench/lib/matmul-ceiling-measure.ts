/**
 * The hardware ceiling as ONNX Runtime itself reaches it: GFLOP/s of its MatMul kernels at the
 * dense shapes a BERT layer uses ([tokens, K] x [K, N]), in fp32 and int8, on the given number of
 * threads. bench/ programs may import onnxruntime-node directly (src/ may not, outside runtime/).
 *
 * int8 is measured two ways: "int8" is MatMulInteger alone on uint8 activations and int8 weights
 * (the kernel's ceiling); "int8-dyn" is the path the quantized model's graph runs per matmul,
 * DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul (ONNX Runtime fuses it), so it includes
 * quantizing the activations.
 */
import * as ort from "onnxruntime-node";
import { denseMatmulMix } from "./flops.js";
import type { BertArchitecture } from "./bench-models.js";
import { DataType, encodeModel, rawBytes, type GraphSpec } from "./onnx-graph.js";
import { seededRng } from "./rng.js";

export type MatmulKind = "fp32" | "int8" | "int8-dyn";
export const MATMUL_KINDS: readonly MatmulKind[] = ["fp32", "int8", "int8-dyn"];

export interface MatmulMeasurement {
  readonly kind: MatmulKind;
  readonly tokens: number;
  readonly k: number;
  readonly n: number;
  readonly msPerRun: number;
  readonly gflops: number;
}

export interface CeilingResult {
  readonly threads: number;
  readonly measurements: MatmulMeasurement[];
  /** GFLOP/s of the layer's dense matmul mix (time-weighted), at the best token count, per kind. */
  readonly ceiling: Readonly<Record<MatmulKind, { gflops: number; tokens: number }>>;
}

export interface CeilingOptions {
  readonly threads: number;
  /** Rows (tokens in one runtime call) to try. */
  readonly tokens: readonly number[];
  /** Least time spent timing each shape. */
  readonly minSeconds: number;
  readonly arch: BertArchitecture;
}

function graphFor(kind: MatmulKind, k: number, n: number): GraphSpec {
  const rng = seededRng(k * 7919 + n);
  const rows = ["tokens", k];
  if (kind === "fp32") {
    const w = Float32Array.from({ length: k * n }, () => rng() * 2 - 1);
    return {
      name: "matmul_fp32",
      nodes: [{ op: "MatMul", inputs: ["x", "w"], outputs: ["y"] }],
      inputs: [{ name: "x", type: DataType.FLOAT, dims: rows }],
      outputs: [{ name: "y", type: DataType.FLOAT, dims: ["tokens", n] }],
      initializers: [{ name: "w", type: DataType.FLOAT, dims: [k, n], raw: rawBytes(w) }],
    };
  }
  const w = Int8Array.from({ length: k * n }, () => Math.floor(rng() * 255) - 127);
  const wZero = new Int8Array(n);
  const initializers = [
    { name: "w", type: DataType.INT8, dims: [k, n], raw: rawBytes(w) },
    { name: "w_zero", type: DataType.INT8, dims: [n], raw: rawBytes(wZero) },
  ] as const;
  if (kind === "int8") {
    return {
      name: "matmul_integer",
      nodes: [{ op: "MatMulInteger", inputs: ["x", "w", "x_zero", "w_zero"], outputs: ["y"] }],
      inputs: [{ name: "x", type: DataType.UINT8, dims: rows }],
      outputs: [{ name: "y", type: DataType.INT32, dims: ["tokens", n] }],
      initializers: [...initializers, { name: "x_zero", type: DataType.UINT8, dims: [], raw: Uint8Array.of(128) }],
    };
  }
  const wScale = new Float32Array([0.01]);
  return {
    name: "dynamic_quantize_matmul",
    nodes: [
      { op: "DynamicQuantizeLinear", inputs: ["x"], outputs: ["xq", "x_scale", "x_zero"] },
      { op: "MatMulInteger", inputs: ["xq", "w", "x_zero", "w_zero"], outputs: ["yi"] },
      { op: "Cast", inputs: ["yi"], outputs: ["yf"], intAttributes: { to: DataType.FLOAT } },
      { op: "Mul", inputs: ["x_scale", "w_scale"], outputs: ["scale"] },
      { op: "Mul", inputs: ["yf", "scale"], outputs: ["y"] },
    ],
    inputs: [{ name: "x", type: DataType.FLOAT, dims: rows }],
    outputs: [{ name: "y", type: DataType.FLOAT, dims: ["tokens", n] }],
    initializers: [...initializers, { name: "w_scale", type: DataType.FLOAT, dims: [], raw: rawBytes(wScale) }],
  };
}

function inputFor(kind: MatmulKind, tokens: number, k: number): ort.Tensor {
  const rng = seededRng(tokens + k);
  if (kind === "int8")
    return new ort.Tensor(
      "uint8",
      Uint8Array.from({ length: tokens * k }, () => Math.floor(rng() * 256)),
      [tokens, k],
    );
  return new ort.Tensor(
    "float32",
    Float32Array.from({ length: tokens * k }, () => rng() * 2 - 1),
    [tokens, k],
  );
}

async function timeRuns(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  minSeconds: number,
): Promise<number> {
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start) / 1000 < minSeconds) {
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  // The fastest run: a ceiling is what the kernel can do, and on a shared machine slower runs
  // mostly measure other processes.
  return Math.min(...times);
}

export async function measureMatmulCeiling(o: CeilingOptions): Promise<CeilingResult> {
  const measurements: MatmulMeasurement[] = [];
  const mix = denseMatmulMix(o.arch);
  for (const kind of MATMUL_KINDS) {
    for (const { k, n } of mix.filter((m, i) => mix.findIndex((x) => x.k === m.k && x.n === m.n) === i)) {
      const session = await ort.InferenceSession.create(encodeModel(graphFor(kind, k, n)), {
        executionProviders: ["cpu"],
        intraOpNumThreads: o.threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      });
      try {
        for (const tokens of o.tokens) {
          const ms = await timeRuns(session, { x: inputFor(kind, tokens, k) }, o.minSeconds);
          measurements.push({ kind, tokens, k, n, msPerRun: ms, gflops: (2 * tokens * k * n) / (ms / 1000) / 1e9 });
        }
      } finally {
        await session.release();
      }
    }
  }
  const ceiling = {} as Record<MatmulKind, { gflops: number; tokens: number }>;
  for (const kind of MATMUL_KINDS) {
    let best = { gflops: 0, tokens: 0 };
    for (const tokens of o.tokens) {
      let flops = 0;
      let seconds = 0;
      for (const { k, n, count } of mix) {
        const m = measurements.find((x) => x.kind === kind && x.tokens === tokens && x.k === k && x.n === n)!;
        flops += count * 2 * k * n;
        seconds += (count * 2 * k * n) / m.gflops;
      }
      const gflops = flops / seconds; // FLOPs / (FLOPs per GFLOP/s) = GFLOP/s
      if (gflops > best.gflops) best = { gflops, tokens };
    }
    ceiling[kind] = best;
  }
  return { threads: o.threads, measurements, ceiling };
}
