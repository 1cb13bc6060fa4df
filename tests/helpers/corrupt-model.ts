/**
 * Test helper: a real model with corrupt weights. Copies a cached model's ONNX file and
 * tokenizer into a temporary local model folder and overwrites the bytes of one weight tensor
 * with 0xFF, which as float32 is NaN. The file keeps its size and still parses; every output
 * becomes NaN. The initializer is found by walking the ONNX protobuf (ModelProto.graph = 7,
 * GraphProto.initializer = 5, TensorProto.name = 8, TensorProto.raw_data = 9).
 */
import { copyFile, mkdir, mkdtemp, open, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Field {
  readonly field: number;
  readonly start: number;
  readonly end: number;
}

function varint(buf: Buffer, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** The fields of one protobuf message in buf[start, end). */
function* fields(buf: Buffer, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, afterKey] = varint(buf, pos);
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    pos = afterKey;
    if (wireType === 0) {
      const [, next] = varint(buf, pos);
      yield { field, start: pos, end: next };
      pos = next;
    } else if (wireType === 2) {
      const [length, next] = varint(buf, pos);
      yield { field, start: next, end: next + length };
      pos = next + length;
    } else if (wireType === 5 || wireType === 1) {
      const size = wireType === 5 ? 4 : 8;
      yield { field, start: pos, end: pos + size };
      pos += size;
    } else {
      throw new Error(`unexpected protobuf wire type ${wireType} at byte ${pos}`);
    }
  }
}

/** Byte range of the raw data of the initializer named `name` in an ONNX file. */
export function initializerBytes(onnx: Buffer, name: string): { start: number; end: number } {
  for (const graph of fields(onnx, 0, onnx.length)) {
    if (graph.field !== 7) continue;
    for (const init of fields(onnx, graph.start, graph.end)) {
      if (init.field !== 5) continue;
      let found = false;
      let raw: Field | undefined;
      for (const f of fields(onnx, init.start, init.end)) {
        if (f.field === 8 && onnx.toString("utf8", f.start, f.end) === name) found = true;
        if (f.field === 9) raw = f;
      }
      if (found && raw) return { start: raw.start, end: raw.end };
    }
  }
  throw new Error(`no initializer ${name} with raw data in the ONNX file`);
}

/**
 * A local model folder (CLS pooling, normalized, 384 dims: bge-small-en-v1.5's facts) whose
 * position embeddings are all NaN. Remove the returned folder when done.
 */
export async function corruptModelFolder(cachedModelDir: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "embedkit-corrupt-"));
  const onnxPath = join(dir, "model.onnx");
  await copyFile(join(cachedModelDir, "onnx", "model.onnx"), onnxPath);
  await copyFile(join(cachedModelDir, "tokenizer.json"), join(dir, "tokenizer.json"));
  await writeFile(join(dir, "config.json"), JSON.stringify({ hidden_size: 384, max_position_embeddings: 512 }));
  await mkdir(join(dir, "1_Pooling"));
  await writeFile(
    join(dir, "1_Pooling", "config.json"),
    JSON.stringify({ word_embedding_dimension: 384, pooling_mode_cls_token: true }),
  );
  const { start, end } = initializerBytes(await readFile(onnxPath), "embeddings.position_embeddings.weight");
  const file = await open(onnxPath, "r+");
  try {
    await file.write(Buffer.alloc(end - start, 0xff), 0, end - start, start);
  } finally {
    await file.close();
  }
  return dir;
}
