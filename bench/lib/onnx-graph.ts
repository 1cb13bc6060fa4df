/**
 * Writes tiny ONNX models (protobuf bytes) for the matmul micro-benchmark, with no dependency:
 * just the handful of ModelProto fields a one-or-few-node graph needs. Field numbers are those of
 * onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, TypeProto).
 */

export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

export interface TensorValue {
  readonly name: string;
  readonly type: DataTypeCode;
  readonly dims: readonly number[];
  /** Little-endian raw bytes of the values. */
  readonly raw: Uint8Array;
}

export interface ValueInfo {
  readonly name: string;
  readonly type: DataTypeCode;
  /** A number is a fixed size; a string a symbolic one. */
  readonly dims: readonly (number | string)[];
}

export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer attributes (e.g. Cast's `to`). */
  readonly intAttributes?: Readonly<Record<string, number>>;
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly GraphNode[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: readonly TensorValue[];
  readonly opset?: number;
}

/** A growable byte buffer with the protobuf wire encodings we need. */
class Writer {
  private bytes: number[] = [];

  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint out of range: ${value}`);
    let v = value;
    while (v >= 0x80) {
      this.bytes.push(v % 0x80 | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
    return this;
  }

  /** Field with wire type 0 (varint). */
  int(field: number, value: number): this {
    return this.varint(field << 3).varint(value);
  }

  /** Field with wire type 2 (length-delimited). */
  bytesField(field: number, data: Uint8Array | readonly number[]): this {
    this.varint((field << 3) | 2).varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function writeValueInfo(w: Writer, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type).message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === "number" ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeTensor(w: Writer, t: TensorValue): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type).string(8, t.name).bytesField(9, t.raw);
}

const ATTRIBUTE_TYPE_INT = 2;

function writeNode(w: Writer, n: GraphNode, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.op}_${index}`).string(4, n.op);
  for (const [name, value] of Object.entries(n.intAttributes ?? {})) {
    w.message(5, (a) => a.string(1, name).int(3, value).int(20, ATTRIBUTE_TYPE_INT));
  }
}

/** Serializes a ModelProto (IR version 7, default-domain opset 13 unless given). */
export function encodeModel(g: GraphSpec): Uint8Array {
  const w = new Writer();
  w.int(1, 7).string(2, "embedkit-bench");
  w.message(7, (graph) => {
    g.nodes.forEach((n, i) => graph.message(1, (node) => writeNode(node, n, i)));
    graph.string(2, g.name);
    for (const t of g.initializers) graph.message(5, (tensor) => writeTensor(tensor, t));
    for (const v of g.inputs) graph.message(11, (vi) => writeValueInfo(vi, v));
    for (const v of g.outputs) graph.message(12, (vi) => writeValueInfo(vi, v));
  });
  w.message(8, (opset) => opset.string(1, "").int(2, g.opset ?? 13));
  return w.finish();
}

/** Raw bytes of a typed array (little-endian on every platform Node runs on here). */
export function rawBytes(a: Float32Array | Int8Array | Uint8Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
