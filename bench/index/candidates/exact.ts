/**
 * The reference: embedkit's own exact search (src/eval/search/exact-search.ts) over a flat
 * float32 file (what embedkit would write itself; no library). Queries run as one batch, which
 * is how exactSearch is meant to be called (it packs the corpus once per call).
 */
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exactSearch } from "../../../src/eval/search/exact-search.js";
import { row, type Candidate, type OpenIndex, type VectorSet } from "../candidate.js";

const FILE = "vectors.f32";

function rows(set: VectorSet): Float32Array[] {
  return Array.from({ length: set.count }, (_, i) => row(set, i));
}

export const exact: Candidate = {
  name: "exact",
  pkg: "embedkit exactSearch",
  indexKind: "flat float32 file, brute force (float64 dot products, top-k heaps)",
  offers: {
    persistence: "ours to write (a flat file)",
    filters: "ours to write",
    deleteUpsert: "ours to write",
    crashGuarantee: "ours to design (append + length check)",
  },
  settings: [{ label: "exact", params: {} }],
  async build(dir, docs) {
    writeFileSync(join(dir, FILE), new Uint8Array(docs.data.buffer, docs.data.byteOffset, docs.data.byteLength));
  },
  async open(dir, dim): Promise<OpenIndex> {
    const buf = readFileSync(join(dir, FILE));
    const count = Math.floor(buf.byteLength / (dim * 4));
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + count * dim * 4));
    const docs: VectorSet = { data, count, dim };
    const docRows = rows(docs);
    return {
      async configure() {},
      async searchAll(queries, k) {
        return exactSearch(rows(queries), docRows, k).map((h) => h.ids);
      },
      async count() {
        return count;
      },
      async ids(below) {
        return Int32Array.from({ length: Math.min(count, below) }, (_, i) => i);
      },
      async close() {},
    };
  },
  async append(dir, _ids, batch) {
    appendFileSync(join(dir, FILE), new Uint8Array(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength));
  },
};
