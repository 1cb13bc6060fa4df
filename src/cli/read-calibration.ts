/**
 * L7: reads the calibration embeddings of `embedkit embed --precision int8|uint8 --calibration
 * FILE`: a float32 [n, dim] .npy (as `embedkit embed -o FILE.npy` writes), or JSON lines each
 * holding an array of numbers or an object with an "embedding" array (as `embedkit embed` prints).
 */
import { readFile } from "node:fs/promises";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { readNpyFloat32Rows } from "./npy-reader.js";

function calibrationError(
  path: string,
  why: string,
  extra: Record<string, unknown> = {},
  cause?: unknown,
): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `--calibration "${path}" ${why}`,
    { flag: "--calibration", field: "--calibration", path, ...extra },
    cause === undefined ? undefined : { cause },
  );
}

/** The embeddings of a calibration file; typed `invalid_option` errors name the file and line. */
export async function readCalibration(path: string): Promise<Float32Array[]> {
  const buf = await readFile(path).catch((e: unknown) => {
    const code = (e as { code?: unknown }).code;
    const why =
      code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory, not a file" : "cannot be read";
    throw calibrationError(path, why, typeof code === "string" ? { errno: code } : {}, e);
  });
  if (path.toLowerCase().endsWith(".npy")) {
    try {
      return readNpyFloat32Rows(buf, `--calibration "${path}"`);
    } catch (e) {
      throw calibrationError(path, (e as Error).message.replace(/^.*? is not/, "is not"), {}, e);
    }
  }
  const rows: Float32Array[] = [];
  buf
    .toString("utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw calibrationError(path, `line ${i + 1} is not JSON`, { line: i + 1 }, e);
      }
      const v =
        value !== null && typeof value === "object" && !Array.isArray(value)
          ? (value as { embedding?: unknown }).embedding
          : value;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
        throw calibrationError(
          path,
          `line ${i + 1} is not an embedding: give an array of finite numbers or {"embedding": [...]}`,
          { line: i + 1 },
        );
      }
      rows.push(Float32Array.from(v as number[]));
    });
  if (rows.length === 0) throw calibrationError(path, "holds no embeddings", { count: 0 });
  return rows;
}
