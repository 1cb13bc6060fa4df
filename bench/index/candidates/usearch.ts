/**
 * usearch (HNSW, prebuilt N-API binary): vectors added in one multi-threaded call, the graph
 * saved to one file. expansion_search is fixed when an Index is constructed, so each search
 * setting loads the saved file into a new Index built with that expansion.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Index, MetricKind, ScalarKind } from "usearch";
import type { Candidate, OpenIndex, SearchSetting } from "../candidate.js";

const FILE = "index.usearch";
const CONNECTIVITY = 16;
const EXPANSION_ADD = 128;

function makeIndex(dim: number, expansionSearch: number): Index {
  return new Index({
    dimensions: dim,
    metric: MetricKind.Cos,
    quantization: ScalarKind.F32,
    connectivity: CONNECTIVITY,
    expansion_add: EXPANSION_ADD,
    expansion_search: expansionSearch,
    multi: false,
  });
}

function keys(ids: Int32Array): BigUint64Array {
  return BigUint64Array.from(ids, (i) => BigInt(i));
}

let appending: Index | undefined;

export const usearchCandidate: Candidate = {
  name: "usearch",
  pkg: "usearch 2.26.2",
  indexKind: `HNSW f32 cosine, connectivity ${CONNECTIVITY}, expansion_add ${EXPANSION_ADD}`,
  offers: {
    persistence: "save(path)/load/view(mmap) of the whole index, one file",
    filters: "none on metadata (a predicate callback exists in C++, not in the JS binding)",
    deleteUpsert: "remove(keys) and add (no in-place upsert); ids are uint64 keys only, no metadata",
    crashGuarantee: "none documented: save() rewrites the file in place",
  },
  settings: [16, 32, 64, 128, 256, 512].map((ef) => ({ label: `ef ${ef}`, params: { ef } })),
  async build(dir, docs) {
    const index = makeIndex(docs.dim, 64);
    const ids = Int32Array.from({ length: docs.count }, (_, i) => i);
    index.add(keys(ids), docs.data, availableParallelism());
    index.save(join(dir, FILE));
  },
  async open(dir, dim): Promise<OpenIndex> {
    const path = join(dir, FILE);
    let index = makeIndex(dim, 64);
    index.load(path);
    return {
      async configure(setting: SearchSetting) {
        index = makeIndex(dim, setting.params.ef ?? 64);
        index.load(path);
      },
      async searchAll(queries, k) {
        const out: Int32Array[] = [];
        for (let q = 0; q < queries.count; q++) {
          const m = index.search(queries.data.subarray(q * dim, (q + 1) * dim), k, 1);
          out.push(Int32Array.from(m.keys, (x) => Number(x)));
        }
        return out;
      },
      async count() {
        return index.size();
      },
      async ids(below) {
        // The binding cannot list keys; probe every id the crash test may have written.
        const probe = Array.from({ length: below }, (_, i) => BigInt(i));
        const has = index.contains(probe) as boolean[];
        return Int32Array.from(
          probe.filter((_, i) => has[i]),
          (x) => Number(x),
        );
      },
      async close() {},
    };
  },
  async append(dir, ids, batch) {
    const path = join(dir, FILE);
    if (appending === undefined) {
      appending = makeIndex(batch.dim, 64);
      if (existsSync(path)) appending.load(path);
    }
    appending.add(keys(ids), batch.data, availableParallelism());
    appending.save(path);
  },
};
