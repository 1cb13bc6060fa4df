/**
 * L2: opens an import source by its kind: a folder, a .zip/.jar, or a .tar.gz/.tgz/.tar.
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { openFolderSource } from "./folder-source.js";
import type { ImportSource } from "./import-source.js";
import { openTarSource } from "./tar-source.js";
import { openZipSource } from "./zip-source.js";

const ZIP = /\.(zip|jar)$/i;
const TAR = /\.(tar\.gz|tgz|tar)$/i;

export async function openImportSource(path: string): Promise<ImportSource> {
  const location = resolve(path);
  let isDir: boolean;
  try {
    isDir = (await stat(location)).isDirectory();
  } catch {
    throw new EmbedkitError(ERROR_CODES.MODEL_FILE_MISSING, `the import source "${location}" does not exist`, {
      source: location,
    });
  }
  if (isDir) return openFolderSource(location);
  if (ZIP.test(location)) return openZipSource(location);
  if (TAR.test(location)) return openTarSource(location);
  throw new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `cannot import "${location}": the source must be a folder, a .zip or .jar, or a .tar.gz, .tgz or .tar archive`,
    { source: location },
  );
}
