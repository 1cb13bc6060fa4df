/**
 * L1: output precision of embeddings, as sentence-transformers' `quantize_embeddings` (6.x,
 * `sentence_transformers/util/quantization.py`) defines it.
 *
 * - `float32`: the vectors as they are.
 * - `int8` / `uint8` (scalar quantization): per dimension d, a range [min_d, max_d] is cut into
 *   255 steps of `step = (max - min) / 255` (1 when the range is empty);
 *   `uint8 = clip(floor((v - min) / step), 0, 255)` and `int8 = uint8 - 128`. Every operation is
 *   done in float32, as numpy does on float32 embeddings, so the bytes match the reference
 *   exactly. The ranges come from `ranges`, else from calibration embeddings, else from the
 *   embeddings being quantized (at least two of them: one vector has no range).
 * - `binary` / `ubinary`: one sign bit per dimension (`v > 0`), packed 8 to a byte, the first
 *   dimension in the most significant bit, each row padded with 0 bits to whole bytes; `ubinary`
 *   is the packed byte, `binary` the byte minus 128 as int8.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";

/** Every output precision, in the order sentence-transformers lists them. */
export const PRECISIONS = ["float32", "int8", "uint8", "binary", "ubinary"] as const;

/** An output precision of embeddings: float32, scalar-quantized int8/uint8, or packed sign bits. */
export type Precision = (typeof PRECISIONS)[number];

/** The precisions that need per-dimension ranges. */
export type ScalarPrecision = "int8" | "uint8";

/** The row type a precision gives: Float32Array, Int8Array (int8, binary) or Uint8Array (uint8, ubinary). */
export type QuantizedRow<P extends Precision = Precision> = P extends "float32"
  ? Float32Array
  : P extends "int8" | "binary"
    ? Int8Array
    : Uint8Array;

/**
 * Per-dimension ranges of scalar (int8/uint8) quantization: `min[d]` and `max[d]` bound
 * dimension d; `min[d] < max[d]`. Kept in float32, as the reference computes them.
 */
export interface QuantizationRanges {
  /** The lowest value of each dimension (the start of its 255 steps). */
  readonly min: Float32Array;
  /** The highest value of each dimension. */
  readonly max: Float32Array;
}

/** Ranges as a user may give them (plain arrays or typed arrays), one value per dimension; checked before use. */
export interface RangesInput {
  /** The lowest value of each dimension. */
  readonly min: ArrayLike<number>;
  /** The highest value of each dimension (at least its min). */
  readonly max: ArrayLike<number>;
}

/** How {@link quantizeEmbeddings} finds int8/uint8 ranges: given ranges win over calibration embeddings, which win over the batch itself. */
export interface QuantizeOptions {
  /** The per-dimension [min, max] to quantize with. */
  readonly ranges?: RangesInput;
  /** Embeddings to take the per-dimension min and max from (e.g. a sample of the corpus). */
  readonly calibration?: readonly ArrayLike<number>[];
}

/** True when `value` names a precision. */
export function isPrecision(value: unknown): value is Precision {
  return typeof value === "string" && (PRECISIONS as readonly string[]).includes(value);
}

/** Parses a precision given by a user (`field` names it in the error), e.g. "int8". */
export function parsePrecision(value: unknown, field = "precision"): Precision {
  if (isPrecision(value)) return value;
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `${field} must be one of ${PRECISIONS.join(", ")}; got ${JSON.stringify(value)}`,
    { field, value, allowed: PRECISIONS },
  );
}

/** Bytes (elements) of one quantized row of a `dim`-dimensional vector: dim, or dim / 8 for the packed bits; float32 gives 4 × dim bytes in dim elements. */
export function quantizedLength(precision: Precision, dim: number): number {
  return precision === "binary" || precision === "ubinary" ? Math.ceil(dim / 8) : dim;
}

/** Memory of one vector in bytes: 4 × dim for float32, dim for int8/uint8, dim / 8 for binary/ubinary. */
export function bytesPerVector(precision: Precision, dim: number): number {
  return precision === "float32" ? 4 * dim : quantizedLength(precision, dim);
}

/** The per-dimension minimum and maximum of `embeddings` (all of length `dim`), in float32. */
export function calibrationRanges(embeddings: readonly ArrayLike<number>[], field = "calibration"): QuantizationRanges {
  if (embeddings.length === 0) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field} holds no embeddings; give at least one`, {
      field,
      count: 0,
    });
  }
  const dim = embeddings[0]!.length;
  const min = new Float32Array(dim).fill(Infinity);
  const max = new Float32Array(dim).fill(-Infinity);
  embeddings.forEach((e, i) => {
    if (e.length !== dim) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `${field}[${i}] has ${e.length} dimensions; ${field}[0] has ${dim}`,
        { field: `${field}[${i}]`, dimensions: e.length, expected: dim },
      );
    }
    for (let d = 0; d < dim; d++) {
      const v = Math.fround(e[d]!);
      if (!Number.isFinite(v)) {
        throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field}[${i}][${d}] is ${v}; values must be finite`, {
          field: `${field}[${i}][${d}]`,
          value: String(v),
        });
      }
      if (v < min[d]!) min[d] = v;
      if (v > max[d]!) max[d] = v;
    }
  });
  return { min, max };
}

/**
 * Checks ranges given by a user against the vectors' dimension `dim`: both arrays of length
 * dim, finite, and `min[d] <= max[d]`. Returns them as float32 arrays.
 */
export function checkRanges(ranges: RangesInput, dim: number, field = "ranges"): QuantizationRanges {
  for (const side of ["min", "max"] as const) {
    const a = ranges[side] as ArrayLike<number> | undefined;
    if (a === null || typeof a !== "object" || typeof a.length !== "number") {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${field}.${side} must be an array of ${dim} numbers`, {
        field: `${field}.${side}`,
        expected: dim,
      });
    }
    if (a.length !== dim) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `${field}.${side} has ${a.length} values; the vectors have ${dim} dimensions`,
        { field: `${field}.${side}`, length: a.length, expected: dim },
      );
    }
  }
  const min = Float32Array.from(ranges.min);
  const max = Float32Array.from(ranges.max);
  for (let d = 0; d < dim; d++) {
    const lo = min[d]!;
    const hi = max[d]!;
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      const side = Number.isFinite(lo) ? "max" : "min";
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `${field}.${side}[${d}] is ${String(ranges[side][d])}; ranges must be finite numbers`,
        { field: `${field}.${side}[${d}]`, value: String(ranges[side][d]) },
      );
    }
    if (lo > hi) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `${field}.min[${d}] is ${lo} and ${field}.max[${d}] is ${hi}; each min must be at most its max`,
        { field: `${field}.min[${d}]`, min: lo, max: hi, dimension: d },
      );
    }
  }
  return { min, max };
}

/**
 * Quantizes one vector with float32 ranges (already checked) and steps from {@link scalarSteps}:
 * `q = clip(floor((v - min) / step), 0, 255)` in float32; uint8 = q, int8 = q - 128.
 */
function quantizeScalar(v: ArrayLike<number>, precision: ScalarPrecision, min: Float32Array, steps: Float32Array) {
  const dim = v.length;
  const f = Math.fround;
  const out = precision === "uint8" ? new Uint8Array(dim) : new Int8Array(dim);
  const offset = precision === "uint8" ? 0 : 128;
  for (let d = 0; d < dim; d++) {
    const q = Math.floor(f(f(f(v[d]!) - min[d]!) / steps[d]!));
    out[d] = (q < 0 ? 0 : q > 255 ? 255 : q) - offset;
  }
  return out;
}

/** The float32 step of each dimension: (max - min) / 255, or 1 where the range is empty (as the reference). */
export function scalarSteps(ranges: QuantizationRanges): Float32Array {
  const steps = new Float32Array(ranges.min.length);
  for (let d = 0; d < steps.length; d++) {
    steps[d] = Math.fround(ranges.max[d]! - ranges.min[d]!) / 255;
    if (steps[d] === 0) steps[d] = 1;
  }
  return steps;
}

/**
 * The float value an int8/uint8 value stands for: `(q (+ 128 for int8)) × step + min`, as the
 * reference restores candidates before rescoring them with the float query.
 */
export function dequantizeRow(
  row: Int8Array | Uint8Array,
  precision: ScalarPrecision,
  ranges: QuantizationRanges,
  steps: Float32Array = scalarSteps(ranges),
): Float64Array {
  const out = new Float64Array(row.length);
  const offset = precision === "int8" ? 128 : 0;
  for (let d = 0; d < row.length; d++) out[d] = (row[d]! + offset) * steps[d]! + ranges.min[d]!;
  return out;
}

/** Packs the sign bits (`v > 0`) of a vector, first dimension in the most significant bit of byte 0. */
export function packSignBits(v: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(v.length / 8));
  for (let d = 0; d < v.length; d++) if (v[d]! > 0) out[d >> 3]! |= 0x80 >> (d & 7);
  return out;
}

/**
 * The 0/1 bits of a packed row (from binary or ubinary), the first `dim` of them (the padding dropped). A binary (int8) row is
 * first turned back into its ubinary byte (+128).
 */
export function unpackSignBits(row: Int8Array | Uint8Array, dim: number, precision: "binary" | "ubinary"): Uint8Array {
  const out = new Uint8Array(dim);
  for (let d = 0; d < dim; d++) {
    const byte = precision === "binary" ? row[d >> 3]! + 128 : row[d >> 3]!;
    out[d] = (byte >> (7 - (d & 7))) & 1;
  }
  return out;
}

/**
 * Quantizes embeddings to `precision`, as sentence-transformers' `quantize_embeddings` does:
 * float32 rows for float32, Int8Array rows for int8 and binary, Uint8Array rows for uint8 and
 * ubinary. int8/uint8 use `options.ranges`, else the min/max of `options.calibration`, else the
 * min/max of `embeddings` themselves (then the result of a row depends on the other rows; give
 * ranges or calibration embeddings for values that are stable from call to call). Throws
 * `invalid_option` for bad ranges, or for int8/uint8 of one vector without ranges or calibration.
 */
export function quantizeEmbeddings<P extends Precision>(
  embeddings: readonly ArrayLike<number>[],
  precision: P,
  options: QuantizeOptions = {},
): QuantizedRow<P>[] {
  parsePrecision(precision);
  if (embeddings.length === 0) return [];
  const dim = embeddings[0]!.length;
  embeddings.forEach((e, i) => {
    if (e.length !== dim) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `embeddings[${i}] has ${e.length} dimensions; embeddings[0] has ${dim}`,
        { field: `embeddings[${i}]`, dimensions: e.length, expected: dim },
      );
    }
  });
  if (precision === "float32") return embeddings.map((e) => Float32Array.from(e)) as QuantizedRow<P>[];
  if (precision === "ubinary") return embeddings.map(packSignBits) as QuantizedRow<P>[];
  if (precision === "binary") {
    return embeddings.map((e) => {
      const u = packSignBits(e);
      const out = new Int8Array(u.length);
      for (let i = 0; i < u.length; i++) out[i] = u[i]! - 128;
      return out;
    }) as QuantizedRow<P>[];
  }
  const ranges = resolveRanges(embeddings, dim, options);
  const steps = scalarSteps(ranges);
  return embeddings.map((e) => quantizeScalar(e, precision as ScalarPrecision, ranges.min, steps)) as QuantizedRow<P>[];
}

/** The ranges int8/uint8 quantization of `embeddings` uses, checked: given, from calibration, or from the embeddings. */
export function resolveRanges(
  embeddings: readonly ArrayLike<number>[],
  dim: number,
  options: QuantizeOptions,
): QuantizationRanges {
  if (options.ranges !== undefined) return checkRanges(options.ranges, dim);
  if (options.calibration !== undefined) {
    const r = calibrationRanges(options.calibration);
    if (r.min.length !== dim) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `calibration embeddings have ${r.min.length} dimensions; the vectors have ${dim}`,
        { field: "calibration", dimensions: r.min.length, expected: dim },
      );
    }
    return r;
  }
  if (embeddings.length < 2) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `int8/uint8 of ${embeddings.length} vector needs ranges or calibration embeddings: one vector has no range`,
      { field: "ranges", count: embeddings.length, min: 2 },
    );
  }
  return calibrationRanges(embeddings, "embeddings");
}
