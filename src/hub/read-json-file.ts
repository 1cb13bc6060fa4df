/**
 * L2: reads an optional JSON file of a model folder; unparsable JSON is MODEL_FILE_CORRUPT naming the file.
 */
import { readFile } from "node:fs/promises";
import { EmbedkitError, ERROR_CODES } from "../errors.js";

/** The parsed JSON, or undefined when the file does not exist. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new EmbedkitError(
      ERROR_CODES.MODEL_FILE_CORRUPT,
      `cannot read "${path}": ${(e as Error).message}`,
      { path },
      { cause: e },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new EmbedkitError(
      ERROR_CODES.MODEL_FILE_CORRUPT,
      `"${path}" is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
      { path },
      { cause: e },
    );
  }
}

/** Like readJsonFile, but the top level must be an object (MODEL_FILE_CORRUPT otherwise). */
export async function readJsonObject(path: string): Promise<Readonly<Record<string, unknown>> | undefined> {
  const value = await readJsonFile(path);
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EmbedkitError(ERROR_CODES.MODEL_FILE_CORRUPT, `"${path}" must hold a JSON object`, { path });
  }
  return value as Record<string, unknown>;
}
