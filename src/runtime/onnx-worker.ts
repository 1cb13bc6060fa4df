/**
 * L2: the body of a session worker thread. Opens one ONNX Runtime session and runs the batches
 * it is sent, one at a time, in the order they arrive, applying each run's output head here, so
 * only the head's result is posted back. Result buffers are moved, not copied.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { openOnnxSession } from "./onnx-session.js";
import type { OnnxModel } from "./runtime-types.js";
import { serializeError, transferList, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("onnx-worker.ts runs only as a worker thread");
const init = workerData as WorkerInit;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

async function open(): Promise<OnnxModel | undefined> {
  try {
    const model = await openOnnxSession(init.path, init.options);
    post({
      type: "ready",
      inputNames: model.inputNames,
      outputName: model.outputName,
      usesTokenTypeIds: model.usesTokenTypeIds,
    });
    return model;
  } catch (e) {
    post({ type: "load-failed", error: serializeError(e) });
    port?.close(); // nothing else keeps the thread alive: it ends
    return undefined;
  }
}

function serve(model: OnnxModel, on: MessagePort): void {
  let tail: Promise<void> = Promise.resolve();
  on.on("message", (message: ToWorker) => {
    tail = tail.then(async () => {
      if (message.type === "dispose") {
        await model.dispose();
        post({ type: "disposed" });
        on.close();
        return;
      }
      try {
        const output = await model.run(message.batch, message.head);
        post({ type: "result", id: message.id, output }, transferList(output));
      } catch (e) {
        post({ type: "run-failed", id: message.id, error: serializeError(e) });
      }
    });
  });
}

const model = await open();
if (model) serve(model, port);
