/**
 * L5: a unit's vectors as one NumPy `.npy` file (format 1.0, little-endian float32, C order,
 * shape `(rows, dim)`), built whole in memory so the files sink can write it atomically, and
 * read back (for tests and for readers without NumPy).
 *
 * The header is padded to 128 bytes, as `numpy.save` does for a small 2-D array, so the data
 * starts at byte 128 whatever the shape.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);
const DATA_OFFSET = 128;

/** The `.npy` bytes of `vectors` (each of length `dim`); no rows gives shape (0, dim). */
export function npyBytes(vectors: readonly Float32Array[], dim: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${vectors.length}, ${dim}), }`;
  const headerLen = DATA_OFFSET - MAGIC.length - 2;
  const out = Buffer.alloc(DATA_OFFSET + vectors.length * dim * 4);
  MAGIC.copy(out, 0);
  out.writeUInt16LE(headerLen, MAGIC.length);
  out.write(dict.padEnd(headerLen - 1, " ") + "\n", MAGIC.length + 2, "latin1");
  vectors.forEach((v, r) => {
    if (v.length !== dim) throw new Error(`npy rows must share one width: row ${r} has ${v.length}, not ${dim}`);
    Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(out, DATA_OFFSET + r * dim * 4);
  });
  return out;
}

/** A `.npy` float32 matrix read back: its shape and its rows. */
export interface NpyMatrix {
  /** Number of rows (vectors). */
  readonly rows: number;
  /** Values per row. */
  readonly dim: number;
  /** Row-major values, `rows * dim` of them. */
  readonly data: Float32Array;
}

function badNpy(path: string, why: string): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${path} is not a float32 (rows, dim) .npy file: ${why}`, {
    field: "npy",
    path,
  });
}

/** Parses a 2-D little-endian float32 `.npy` file (format 1.x or 2.x), as numpy.load would. */
export function parseNpy(bytes: Buffer, path = "the .npy file"): NpyMatrix {
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC.subarray(0, 6))) throw badNpy(path, "no NUMPY magic");
  const major = bytes[6]!;
  const lenBytes = major >= 2 ? 4 : 2;
  const headerLen = major >= 2 ? bytes.readUInt32LE(8) : bytes.readUInt16LE(8);
  const start = 8 + lenBytes + headerLen;
  const header = bytes.subarray(8 + lenBytes, start).toString("latin1");
  if (!/'descr':\s*'<f4'/.test(header)) throw badNpy(path, `dtype is not <f4 (${header.trim()})`);
  if (!/'fortran_order':\s*False/.test(header)) throw badNpy(path, "Fortran order");
  const shape = /'shape':\s*\((\d+),\s*(\d+),?\)/.exec(header);
  if (!shape) throw badNpy(path, `shape is not 2-D (${header.trim()})`);
  const rows = Number(shape[1]);
  const dim = Number(shape[2]);
  if (bytes.length !== start + rows * dim * 4) {
    throw badNpy(path, `${bytes.length - start} data bytes for shape (${rows}, ${dim})`);
  }
  const data = new Float32Array(rows * dim);
  Buffer.from(data.buffer).set(bytes.subarray(start));
  return { rows, dim, data };
}
