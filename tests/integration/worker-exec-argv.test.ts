/**
 * `node --input-type=module -e "..."` with the built package: the inference worker must not
 * inherit `--input-type` (Node refuses it for a worker started from a file). Runs dist/ (CI
 * builds before testing) with a real model, and checks the flag filter itself.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { promisify } from "node:util";
import { workerExecArgv } from "../../src/runtime/worker-model.js";
import { TEST_MODELS } from "../helpers/models.js";

const DIST_INDEX = new URL("../../dist/src/index.js", import.meta.url).href;

test("workerExecArgv drops --input-type in both spellings and keeps the rest", () => {
  assert.deepEqual(workerExecArgv(["--input-type=module", "--max-old-space-size=512"]), ["--max-old-space-size=512"]);
  assert.deepEqual(workerExecArgv(["--input-type", "module", "--enable-source-maps"]), ["--enable-source-maps"]);
  assert.deepEqual(workerExecArgv([]), []);
});

test("the built package embeds from node --input-type=module -e", async () => {
  const script = [
    `import { TextEmbedding } from ${JSON.stringify(DIST_INDEX)};`,
    `const m = await TextEmbedding.create({ model: ${JSON.stringify(TEST_MODELS.miniLM)}, quantization: "int8", store: { offline: true } });`,
    `const [v] = await m.embedAll(["hello"]);`,
    `console.log(v.length);`,
    `await m.dispose();`,
  ].join("\n");
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    env: process.env,
  });
  assert.equal(stdout.trim(), "384");
});
