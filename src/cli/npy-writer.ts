/**
 * L6: writes a float32 matrix as a NumPy .npy file (format 1.0) while rows stream in. The header
 * reserves room for the row count and is rewritten with the real shape on close.
 */
import { open, type FileHandle } from "node:fs/promises";

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
  private cols: number | undefined;
  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string): Promise<NpyWriter> {
    const fh = await open(path, "w");
    await fh.write(header(0, 0), 0, 128, 0);
    return new NpyWriter(fh);
  }

  async write(vectors: readonly Float32Array[]): Promise<void> {
    if (vectors.length === 0) return;
    this.cols ??= vectors[0]!.length;
    const buf = Buffer.alloc(vectors.length * this.cols * 4);
    vectors.forEach((v, r) => {
      if (v.length !== this.cols) throw new Error(`npy rows must share one width: ${v.length} vs ${this.cols}`);
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(buf, r * this.cols! * 4);
    });
    await this.fh.write(buf, 0, buf.length, 128 + this.rows * this.cols * 4);
    this.rows += vectors.length;
  }

  async close(): Promise<void> {
    await this.fh.write(header(this.rows, this.cols ?? 0), 0, 128, 0);
    await this.fh.close();
  }
}
