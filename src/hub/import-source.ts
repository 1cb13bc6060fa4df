/**
 * L2: what `embedkit models import` reads from: a folder, a .zip/.jar, or a .tar.gz/.tgz/.tar.
 * Entries are listed first, then only the chosen ones are streamed (never held in memory).
 */
export interface ImportEntry {
  /** Path inside the source, "/"-separated, no leading "./". */
  readonly path: string;
  readonly size: number;
}

export type EntrySink = (path: string, data: AsyncIterable<Uint8Array>) => Promise<void>;

export interface ImportSource {
  readonly kind: "folder" | "zip" | "tar";
  /** Absolute path of the folder or archive. */
  readonly location: string;
  list(): Promise<readonly ImportEntry[]>;
  /** Streams each wanted entry to `sink` (one at a time, in source order) and waits for all. */
  read(paths: ReadonlySet<string>, sink: EntrySink): Promise<void>;
  close(): Promise<void>;
}

/** Normalizes an archive entry path ("./a/b" -> "a/b", backslashes -> "/"). */
export function normalizeEntryPath(p: string): string {
  return p
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "");
}
