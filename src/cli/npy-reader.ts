/**
 * L7: reads a 2-D little-endian float32 NumPy .npy file (format 1.x or 2.x, C order), e.g. the
 * calibration embeddings of `embedkit embed --precision int8 --calibration FILE` (as
 * `embedkit embed -o FILE.npy` or numpy.save of a float32 matrix writes them).
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";

/** The parsed header of a .npy file. */
export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the data. */
  readonly dataOffset: number;
}

function bad(where: string, why: string): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${where} is not a usable .npy file: ${why}`, { field: where });
}

/** Parses the header of a .npy buffer; `where` names the file in errors. */
export function parseNpyHeader(buf: Buffer, where: string): NpyHeader {
  if (buf.length < 10 || buf.readUInt32BE(0) !== 0x934e554d || buf.readUInt16BE(4) !== 0x5059) {
    throw bad(where, "it does not start with the .npy magic bytes");
  }
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const text = buf.subarray(start, start + headerLen).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw bad(where, "its header is malformed");
  const shape = shapeText
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "")
    .map(Number);
  return { descr, fortranOrder: fortran === "True", shape, dataOffset: start + headerLen };
}

/** The rows of a 2-D float32 .npy file. */
export function readNpyFloat32Rows(buf: Buffer, where: string): Float32Array[] {
  const h = parseNpyHeader(buf, where);
  if (h.descr !== "<f4") throw bad(where, `its dtype is ${h.descr}; float32 ('<f4') is needed`);
  if (h.fortranOrder) throw bad(where, "it is in Fortran order; save it in C order");
  if (h.shape.length !== 2) throw bad(where, `its shape is (${h.shape.join(", ")}); a 2-D [n, dim] matrix is needed`);
  const [rows, cols] = h.shape as [number, number];
  if (buf.length < h.dataOffset + rows * cols * 4) throw bad(where, "it is shorter than its shape says");
  const data = new Float32Array(rows * cols);
  Buffer.from(data.buffer).set(buf.subarray(h.dataOffset, h.dataOffset + rows * cols * 4));
  return Array.from({ length: rows }, (_, r) => data.subarray(r * cols, (r + 1) * cols));
}
