/**
 * L2: a .tar.gz/.tgz/.tar as an import source. A tar has no index, so listing is one streaming
 * pass and reading the chosen entries is a second one (each streams; nothing is buffered whole).
 */
import { createReadStream } from "node:fs";
import { Parser, type ReadEntry } from "tar";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { normalizeEntryPath, type EntrySink, type ImportEntry, type ImportSource } from "./import-source.js";

const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);

function corrupt(location: string, e: unknown): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.MODEL_FILE_CORRUPT,
    `cannot read the archive "${location}": ${e instanceof Error ? e.message : String(e)}`,
    { source: location },
    { cause: e },
  );
}

/** One pass over the archive; `onFile` gets each regular file and must consume or resume it. */
function pass(location: string, onFile: (entry: ReadEntry, path: string) => Promise<void> | void): Promise<void> {
  return new Promise((resolve, reject) => {
    const input = createReadStream(location);
    const pending: Promise<void>[] = [];
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      input.destroy();
      reject(e instanceof EmbedkitError ? e : corrupt(location, e));
    };
    const parser = new Parser({
      strict: true,
      noResume: true,
      onReadEntry: (entry: ReadEntry) => {
        if (!FILE_TYPES.has(entry.type)) {
          entry.resume();
          return;
        }
        pending.push(Promise.resolve(onFile(entry, normalizeEntryPath(entry.path))).catch((e: unknown) => fail(e)));
      },
    });
    parser.on("error", fail);
    parser.on("end", () => {
      Promise.all(pending).then(() => {
        if (!failed) resolve();
      }, fail);
    });
    input.on("error", fail);
    input.on("data", (chunk) => {
      if (!parser.write(chunk as Buffer)) {
        input.pause();
        parser.once("drain", () => input.resume());
      }
    });
    input.on("end", () => parser.end());
  });
}

export function openTarSource(location: string): ImportSource {
  let listed: readonly ImportEntry[] | undefined;
  return {
    kind: "tar",
    location,
    async list() {
      if (listed === undefined) {
        const out: ImportEntry[] = [];
        await pass(location, (entry, path) => {
          out.push({ path, size: entry.size });
          entry.resume();
        });
        listed = out;
      }
      return listed;
    },
    async read(paths: ReadonlySet<string>, sink: EntrySink) {
      await pass(location, async (entry, path) => {
        if (paths.has(path)) await sink(path, entry);
        else entry.resume();
      });
    },
    async close() {},
  };
}
