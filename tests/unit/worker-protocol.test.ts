/**
 * What crosses the thread boundary between a session worker and its owner: typed errors keep
 * their code, message and details; a result buffer is moved only when the array owns all of it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../../src/errors.js";
import { reviveError, serializeError, transferableBuffer } from "../../src/runtime/worker-protocol.js";

test("a typed error survives structured cloning with its code, message and details", () => {
  const original = new EmbedkitError(ERROR_CODES.MODEL_FILE_CORRUPT, "model.onnx is not an ONNX file", {
    path: "/x/model.onnx",
  });
  const revived = reviveError(structuredClone(serializeError(original)));
  assert.ok(isEmbedkitError(revived));
  assert.equal(revived.code, "model_file_corrupt");
  assert.equal(revived.message, "model.onnx is not an ONNX file");
  assert.deepEqual(revived.details, { path: "/x/model.onnx" });
});

test("any other failure becomes runtime_failure and keeps its message", () => {
  const revived = reviveError(structuredClone(serializeError(new RangeError("bad shape [0, 3]"))));
  assert.equal(revived.code, "runtime_failure");
  assert.match(revived.message, /bad shape \[0, 3\]/);
  assert.equal(reviveError(serializeError("plain string")).code, "runtime_failure");
});

test("a result buffer is transferred only when the array spans all of it", () => {
  const whole = new Float32Array(8);
  assert.equal(transferableBuffer(whole), whole.buffer);
  const view = new Float32Array(new ArrayBuffer(64), 16, 4);
  assert.equal(
    transferableBuffer(view),
    undefined,
    "a view into a larger buffer would hand over bytes that are not its own",
  );
  const shared = new Float32Array(new SharedArrayBuffer(32));
  assert.equal(transferableBuffer(shared), undefined);
});
