/**
 * L7: writes a float32 matrix as a NumPy .npy file (format 1.0) while rows stream in. The header
 * reserves room for the row count and is rewritten with the real shape on finish. The width is
 * the model's dimension, so an empty input gives shape (0, dim), as numpy.save of an empty
 * (0, dim) array does. `--precision` writes int8 (`|i1`) or uint8 (`|u1`) matrices the same way
 * (binary/ubinary: dim / 8 packed bytes per row).
 */
import type { OutputFile } from "./output-file.js";

/** The .npy element types embedkit writes, by NumPy descr. */
export type NpyDtype = "<f4" | "|i1" | "|u1";
type NpyRow = Float32Array | Int8Array | Uint8Array;

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);
const HEADER_LEN = 118; // 10 bytes of magic+len + 118 = 128, a multiple of 64 as the format asks

function header(rows: number, cols: number, dtype: NpyDtype): Buffer {
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const padded = dict.padEnd(HEADER_LEN - 1, " ") + "\n";
  const len = Buffer.alloc(2);
  len.writeUInt16LE(HEADER_LEN);
  return Buffer.concat([MAGIC, len, Buffer.from(padded, "latin1")]);
}

export class NpyWriter {
  private rows = 0;
  private readonly itemSize: number;
  private constructor(
    private readonly out: OutputFile,
    private readonly cols: number,
    private readonly dtype: NpyDtype,
  ) {
    this.itemSize = dtype === "<f4" ? 4 : 1;
  }

  /** Starts a [n, cols] matrix of `dtype` (default float32) in `out` (which the caller commits or abandons). */
  static async create(out: OutputFile, cols: number, dtype: NpyDtype = "<f4"): Promise<NpyWriter> {
    await out.write(header(0, cols, dtype), 0);
    return new NpyWriter(out, cols, dtype);
  }

  async write(vectors: readonly NpyRow[]): Promise<void> {
    if (vectors.length === 0) return;
    const rowBytes = this.cols * this.itemSize;
    const buf = Buffer.alloc(vectors.length * rowBytes);
    vectors.forEach((v, r) => {
      if (v.length !== this.cols) throw new Error(`npy rows must share one width: ${v.length} vs ${this.cols}`);
      if (v.BYTES_PER_ELEMENT !== this.itemSize) throw new Error(`npy rows must be of dtype ${this.dtype}`);
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(buf, r * rowBytes);
    });
    await this.out.write(buf, 128 + this.rows * rowBytes);
    this.rows += vectors.length;
  }

  /** Writes the final shape into the header. */
  async finish(): Promise<void> {
    await this.out.write(header(this.rows, this.cols, this.dtype), 0);
  }
}
