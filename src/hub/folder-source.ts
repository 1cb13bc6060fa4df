/**
 * L2: an unpacked model folder as an import source.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { EntrySink, ImportEntry, ImportSource } from "./import-source.js";

const MAX_DEPTH = 6;

async function walk(root: string, rel: string, depth: number, out: ImportEntry[]): Promise<void> {
  const dir = rel === "" ? root : join(root, ...rel.split("/"));
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const relPath = rel === "" ? name : `${rel}/${name}`;
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st?.isFile()) out.push({ path: relPath, size: st.size });
    else if (st?.isDirectory() && depth < MAX_DEPTH) await walk(root, relPath, depth + 1, out);
  }
}

export function openFolderSource(location: string): ImportSource {
  let listed: readonly ImportEntry[] | undefined;
  return {
    kind: "folder",
    location,
    async list() {
      if (listed === undefined) {
        const out: ImportEntry[] = [];
        await walk(location, "", 0, out);
        listed = out;
      }
      return listed;
    },
    async read(paths: ReadonlySet<string>, sink: EntrySink) {
      for (const p of paths)
        await sink(p, createReadStream(join(location, ...p.split("/")), { highWaterMark: 1 << 20 }));
    },
    async close() {},
  };
}
