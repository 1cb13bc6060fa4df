/**
 * L5 (storage adapter): the sparse columns of the LanceDB chunk table, kept out of lance-store.ts.
 * A sparse index's rows carry `sparse_indices` (list of uint32) and `sparse_values` (list of
 * float32) beside the dense `vector`, so both are written by the same commit. A full scan reads
 * the two list columns straight from Arrow's buffers (no per-row objects), in compressed-row form.
 */
import type * as LanceDb from "@lancedb/lancedb";
import type * as Arrow from "apache-arrow";
import type { SparseVector } from "../../types.js";
import type { SparseChunks } from "./chunk-store.js";

/** Column of a chunk's sparse ids. */
export const SPARSE_INDICES = "sparse_indices";
/** Column of a chunk's sparse weights. */
export const SPARSE_VALUES = "sparse_values";

/** The two sparse columns, for a new table's schema. */
export function sparseFields(arrow: typeof Arrow): Arrow.Field[] {
  return [
    new arrow.Field(SPARSE_INDICES, new arrow.List(new arrow.Field("item", new arrow.Uint32(), true)), false),
    new arrow.Field(SPARSE_VALUES, new arrow.List(new arrow.Field("item", new arrow.Float32(), true)), false),
  ];
}

/** Whether a table's schema has the sparse columns. */
export function hasSparseColumns(schema: Arrow.Schema): boolean {
  return schema.fields.some((f) => f.name === SPARSE_INDICES) && schema.fields.some((f) => f.name === SPARSE_VALUES);
}

/** A chunk's sparse vector as row values (plain arrays, as makeArrowTable takes them). */
export function sparseRecord(v: SparseVector): Record<string, number[]> {
  return { [SPARSE_INDICES]: Array.from(v.indices), [SPARSE_VALUES]: Array.from(v.values) };
}

/** A row's sparse vector, from a row LanceDB returned (list columns as Arrow vectors). */
export function sparseFromRecord(r: Record<string, unknown>): SparseVector {
  return {
    indices: Uint32Array.from(r[SPARSE_INDICES] as Iterable<number>),
    values: Float32Array.from(r[SPARSE_VALUES] as Iterable<number>),
  };
}

interface ListData {
  readonly length: number;
  readonly valueOffsets: Int32Array;
  readonly children: readonly { readonly values: ArrayLike<number> }[];
}

/** Every row's key and sparse vector, from the table's current version. */
export async function scanSparseColumns(table: LanceDb.Table, keyColumn: string): Promise<SparseChunks> {
  const version = await table.version();
  const data = await table.query().select([keyColumn, SPARSE_INDICES, SPARSE_VALUES]).toArrow();
  const keys: string[] = [];
  const offsets: number[] = [0];
  let total = 0;
  for (const batch of data.batches) {
    const n = batch.numRows;
    const key = batch.getChild(keyColumn)!;
    for (let i = 0; i < n; i++) keys.push(String(key.get(i)));
    for (const d of batch.getChild(SPARSE_INDICES)!.data as unknown as ListData[]) {
      for (let i = 0; i < d.length; i++) {
        total += d.valueOffsets[i + 1]! - d.valueOffsets[i]!;
        offsets.push(total);
      }
    }
  }
  const indices = new Uint32Array(total);
  const values = new Float32Array(total);
  for (const [column, out] of [
    [SPARSE_INDICES, indices],
    [SPARSE_VALUES, values],
  ] as const) {
    let at = 0;
    for (const batch of data.batches) {
      for (const d of batch.getChild(column)!.data as unknown as ListData[]) {
        const child = d.children[0]!.values;
        for (let i = 0; i < d.length; i++) {
          for (let j = d.valueOffsets[i]!; j < d.valueOffsets[i + 1]!; j++) out[at++] = child[j]!;
        }
      }
    }
  }
  if (offsets.length !== keys.length + 1) throw new Error("sparse scan: the list columns and the keys disagree");
  return { version, keys, offsets: Uint32Array.from(offsets), indices, values };
}
