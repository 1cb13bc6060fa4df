/**
 * L3: the output-precision step that follows post-processing (normalize, Matryoshka), shared by
 * the library (TextEmbedding.embedAll / embed) and the server (/v1/embeddings, /embed): parse
 * the precision and its ranges once, before any work, then quantize the finished float vectors.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import {
  calibrationRanges,
  checkRanges,
  parsePrecision,
  quantizeEmbeddings,
  type Precision,
  type QuantizationRanges,
  type QuantizedRow,
  type RangesInput,
} from "../pooling/quantize.js";

export { PRECISIONS, type Precision, type QuantizedRow } from "../pooling/quantize.js";

/** The precision options of one call, as a user gives them. */
export interface PrecisionOptions {
  /**
   * Output precision: "float32" (default), "int8" / "uint8" (scalar quantization with
   * per-dimension ranges), "binary" / "ubinary" (packed sign bits, dim / 8 bytes). See
   * {@link quantizeEmbeddings}.
   */
  readonly precision?: Precision;
  /** int8/uint8: the per-dimension [min, max] to quantize with, one value per output dimension. */
  readonly ranges?: RangesInput;
  /** int8/uint8: embeddings (of the output dimension) to take the per-dimension min and max from. */
  readonly calibration?: readonly ArrayLike<number>[];
}

/** A parsed output precision: for int8/uint8, ranges fixed up front or taken from the call's own vectors. */
export interface OutputPrecision {
  readonly precision: Precision;
  /** Fixed ranges (given or from calibration); undefined: from the vectors of the call (int8/uint8 only). */
  readonly ranges?: QuantizationRanges;
}

/**
 * Parses the precision options for vectors of dimension `dim` (after Matryoshka truncation),
 * failing with `invalid_option` before any work: an unknown precision, ranges or calibration
 * for a precision that takes none, ranges or calibration of another dimension (the message
 * names `dimensions` when the call truncates), min above max. `needsFixedRanges`: a stream's
 * int8/uint8 must get ranges or calibration, since ranges from each batch would differ batch to
 * batch. `count`: the number of vectors the ranges would come from (one has no range).
 */
export function resolveOutputPrecision(
  options: PrecisionOptions,
  dim: number,
  {
    needsFixedRanges = false,
    truncated = false,
    count,
  }: { needsFixedRanges?: boolean; truncated?: boolean; count?: number | undefined } = {},
): OutputPrecision {
  const precision = options.precision === undefined ? "float32" : parsePrecision(options.precision);
  const scalar = precision === "int8" || precision === "uint8";
  for (const field of ["ranges", "calibration"] as const) {
    if (options[field] !== undefined && !scalar) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `${field} applies to precision int8 or uint8 only; the precision is ${precision}`,
        { field, precision },
      );
    }
  }
  if (!scalar) return { precision };
  const dimHint = truncated ? ` (the output dimension set by \`dimensions\`)` : "";
  if (options.ranges !== undefined) {
    const r = options.ranges as Partial<RangesInput> | null;
    if (r !== null && typeof r === "object" && r.min?.length !== undefined && r.min.length !== dim) {
      throw dimensionError("ranges.min", r.min.length, dim, dimHint);
    }
    if (r !== null && typeof r === "object" && r.max?.length !== undefined && r.max.length !== dim) {
      throw dimensionError("ranges.max", r.max.length, dim, dimHint);
    }
    return { precision, ranges: checkRanges(options.ranges, dim) };
  }
  if (options.calibration !== undefined) {
    if (!Array.isArray(options.calibration)) {
      throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, "calibration must be an array of embeddings", {
        field: "calibration",
      });
    }
    const ranges = calibrationRanges(options.calibration);
    if (ranges.min.length !== dim) throw dimensionError("calibration[0]", ranges.min.length, dim, dimHint);
    return { precision, ranges };
  }
  if (needsFixedRanges) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `precision ${precision} on a stream needs ranges or calibration embeddings: ranges taken from each batch would change from batch to batch`,
      { field: "ranges", precision },
    );
  }
  if (count !== undefined && count < 2) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `precision ${precision} of ${count} input needs ranges or calibration embeddings: ranges cannot be taken from one vector`,
      { field: "ranges", precision, count },
    );
  }
  return { precision };
}

function dimensionError(field: string, length: number, dim: number, hint: string): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `${field} has ${length} values; the output vectors have ${dim} dimensions${hint}`,
    { field, length, expected: dim },
  );
}

/**
 * Quantizes finished (post-processed) float vectors to the parsed precision: the last step of
 * every embedding path. float32 returns the vectors themselves. int8/uint8 without fixed
 * ranges take them from `vectors` (at least two).
 */
export function applyPrecision<P extends Precision>(
  vectors: Float32Array[],
  output: OutputPrecision & { readonly precision: P },
): QuantizedRow<P>[] {
  if (output.precision === "float32") return vectors as QuantizedRow<P>[];
  return quantizeEmbeddings(vectors, output.precision, output.ranges ? { ranges: output.ranges } : {});
}
