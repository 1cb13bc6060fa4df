/**
 * L6: writes a float32 matrix as a NumPy .npy file (format 1.0) while rows stream in. The header
 * reserves room for the row count and is rewritten with the real shape on finish. The width is
 * the model's dimension, so an empty input gives shape (0, dim), as numpy.save of an empty
 * (0, dim) array does.
 */
import type { OutputFile } from "./output-file.js";

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);
const HEADER_LEN = 118; // 10 bytes of magic+len + 118 = 128, a multiple of 64 as the format asks

function header(rows: number, cols: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const padded = dict.padEnd(HEADER_LEN - 1, " ") + "\n";
  const len = Buffer.alloc(2);
  len.writeUInt16LE(HEADER_LEN);
  return Buffer.concat([MAGIC, len, Buffer.from(padded, "latin1")]);
}

export class NpyWriter {
  private rows = 0;
  private constructor(
    private readonly out: OutputFile,
    private readonly cols: number,
  ) {}

  /** Starts a [n, cols] matrix in `out` (which the caller commits or abandons). */
  static async create(out: OutputFile, cols: number): Promise<NpyWriter> {
    await out.write(header(0, cols), 0);
    return new NpyWriter(out, cols);
  }

  async write(vectors: readonly Float32Array[]): Promise<void> {
    if (vectors.length === 0) return;
    const buf = Buffer.alloc(vectors.length * this.cols * 4);
    vectors.forEach((v, r) => {
      if (v.length !== this.cols) throw new Error(`npy rows must share one width: ${v.length} vs ${this.cols}`);
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(buf, r * this.cols * 4);
    });
    await this.out.write(buf, 128 + this.rows * this.cols * 4);
    this.rows += vectors.length;
  }

  /** Writes the final shape into the header. */
  async finish(): Promise<void> {
    await this.out.write(header(this.rows, this.cols), 0);
  }
}
