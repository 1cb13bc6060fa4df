/**
 * L2: streaming sha256 of a file (never loads the file into memory).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

export interface FileDigest {
  readonly sha256: string;
  readonly size: number;
}

export async function sha256File(path: string): Promise<FileDigest> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    size += buf.length;
  }
  return { sha256: hash.digest("hex"), size };
}
