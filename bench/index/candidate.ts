/**
 * What every index candidate of bench/index-candidates.ts implements: build from a vector set
 * and persist to a folder, reopen from that folder, search with a tunable setting, and the
 * incremental write the crash test kills. Ids are document row numbers (0..n-1).
 */

export interface VectorSet {
  /** Row-major, `count` x `dim`, each row of unit length. */
  readonly data: Float32Array;
  readonly count: number;
  readonly dim: number;
}

/** One point of a candidate's speed/recall knob, e.g. HNSW ef or IVF nprobes. */
export interface SearchSetting {
  readonly label: string;
  readonly params: Readonly<Record<string, number>>;
}

export interface OpenIndex {
  /** Applies a search setting (may reopen internally). */
  configure(setting: SearchSetting): Promise<void>;
  /** Top-k row ids for each query, best first. Timed as a whole by the caller. */
  searchAll(queries: VectorSet, k: number): Promise<Int32Array[]>;
  count(): Promise<number>;
  /** The stored ids below `below` (crash check), ascending. */
  ids(below: number): Promise<Int32Array>;
  close(): Promise<void>;
}

/** What the library offers, as documented (not measured here). */
export interface Offers {
  readonly persistence: string;
  readonly filters: string;
  readonly deleteUpsert: string;
  /** The library's documented write guarantee, with its source. */
  readonly crashGuarantee: string;
}

export interface Candidate {
  readonly name: string;
  /** Package and version, or "embedkit". */
  readonly pkg: string;
  /** Index type and build parameters, as reported. */
  readonly indexKind: string;
  readonly offers: Offers;
  /** Ascending cost; the bench stops at the first reaching the recall target. */
  readonly settings: readonly SearchSetting[];
  /** Builds the index over `docs` and persists it in `dir` (a fresh folder). */
  build(dir: string, docs: VectorSet): Promise<void>;
  open(dir: string, dim: number): Promise<OpenIndex>;
  /** Crash test: one durable write of a batch (creating the store on first call). */
  append(dir: string, ids: Int32Array, batch: VectorSet): Promise<void>;
}

export function row(set: VectorSet, i: number): Float32Array {
  return set.data.subarray(i * set.dim, (i + 1) * set.dim);
}
