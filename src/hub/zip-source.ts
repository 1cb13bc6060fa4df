/**
 * L2: a .zip or .jar as an import source (yauzl: central directory first, entries streamed).
 */
import yauzl from "yauzl";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { normalizeEntryPath, type EntrySink, type ImportEntry, type ImportSource } from "./import-source.js";

function corrupt(location: string, e: unknown): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.MODEL_FILE_CORRUPT,
    `cannot read the archive "${location}": ${e instanceof Error ? e.message : String(e)}`,
    { source: location },
    { cause: e },
  );
}

function openZip(location: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(location, { lazyEntries: true, autoClose: false }, (err, zip) =>
      err ? reject(corrupt(location, err)) : resolve(zip),
    );
  });
}

function readEntries(zip: yauzl.ZipFile, location: string): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, yauzl.Entry>();
    zip.on("entry", (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith("/")) entries.set(normalizeEntryPath(entry.fileName), entry);
      zip.readEntry();
    });
    zip.once("end", () => resolve(entries));
    zip.once("error", (e: unknown) => reject(corrupt(location, e)));
    zip.readEntry();
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, location: string): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err ? reject(corrupt(location, err)) : resolve(stream)));
  });
}

export async function openZipSource(location: string): Promise<ImportSource> {
  const zip = await openZip(location);
  let entries: Map<string, yauzl.Entry>;
  try {
    entries = await readEntries(zip, location);
  } catch (e) {
    zip.close();
    throw e;
  }
  return {
    kind: "zip",
    location,
    async list(): Promise<readonly ImportEntry[]> {
      return [...entries].map(([path, e]) => ({ path, size: e.uncompressedSize }));
    },
    async read(paths: ReadonlySet<string>, sink: EntrySink) {
      for (const [path, entry] of entries) {
        if (!paths.has(path)) continue;
        const stream = await openEntry(zip, entry, location);
        try {
          await sink(path, stream as AsyncIterable<Uint8Array>);
        } catch (e) {
          const code = (e as { code?: unknown }).code;
          if (e instanceof EmbedkitError || (typeof code === "string" && code.startsWith("E"))) throw e;
          throw corrupt(location, e);
        }
      }
    },
    async close() {
      zip.close();
    },
  };
}
