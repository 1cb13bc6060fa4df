/**
 * L4: reads a data file a task names, turning "missing" and "unreadable" into INVALID_TASK errors
 * that name the file and what it is for.
 */
import { readFile } from "node:fs/promises";
import { EmbedkitError, ERROR_CODES } from "../../errors.js";

export async function readDataFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(e)})`;
    throw new EmbedkitError(ERROR_CODES.INVALID_TASK, `${what}: ${path} ${reason}`, { file: path }, { cause: e });
  }
}

/** An INVALID_TASK error about one line of a data file. */
export function badLine(file: string, line: number, problem: string): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_TASK, `${file} line ${line}: ${problem}`, { file, line });
}
