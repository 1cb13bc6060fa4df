/**
 * The package as users receive it: `npm pack`, then an empty project installs the tarball with
 * `npm ci --offline` (its lock pins each runtime dependency to this repository's lock entry, so
 * the npm cache filled by installing this repository suffices), and there: ESM import, CJS
 * require (Node >= 20.19 loads the ES module synchronously), TypeScript under node16, nodenext
 * (CommonJS) and bundler resolution, the inference worker found in the installed package, the
 * CLI through npx, and the framework subpaths failing clearly without their optional peers; then
 * the same ESM and CJS programs on Node 22 and on Bun (from `scripts/fetch-test-runtimes.sh`).
 * Needs `npm run build` first (CI builds before testing) and the test models in the cache.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { consumerLock } from "./consumer-lock.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const RUNTIMES = join(ROOT, ".cache/runtimes/node_modules/.bin");
const PKG = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};
const ENV = {
  ...process.env,
  ONNXRUNTIME_NODE_INSTALL: "skip",
  ONNXRUNTIME_NODE_INSTALL_CUDA: "skip",
  EMBEDKIT_OFFLINE: "1",
  npm_config_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

/** Runs a command in the consumer project; output is returned, a failure throws with stderr. */
async function sh(cwd: string, file: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, { cwd, env: ENV, maxBuffer: 64 << 20, timeout: 120_000 });
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed:\n${err.stderr ?? ""}\n${err.stdout ?? ""}\n${err.message}`);
  }
}

const EMBED_ONE = `const m = await TextEmbedding.create({ inferenceThread: "worker" });
const [v] = await m.embedAll(["hello from the installed package"]);
console.log(JSON.stringify({ dim: m.dim, vector: Array.from(v) }));
await m.dispose();`;

describe("the npm tarball, installed offline into an empty project", { timeout: 300_000 }, () => {
  let dir: string;
  let tarball: string;
  let files: string[];
  /** The vector Node 20 computed through the installed package (set by the ESM test). */
  let reference: number[] = [];
  before(async () => {
    assert.ok(
      existsSync(join(ROOT, "dist/src/index.js")) && existsSync(join(ROOT, "dist/src/runtime/onnx-worker.js")),
      "dist/ is missing: run `npm run build` first",
    );
    dir = await mkdtemp(join(tmpdir(), "embedkit-consumer-"));
    const packed = await sh(ROOT, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir]);
    const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, info[0]!.filename);
    files = info[0]!.files.map((f) => f.path);
    const { packageJson, lock } = consumerLock({
      repoLockPath: join(ROOT, "package-lock.json"),
      repoPackageJson: PKG,
      tarballName: info[0]!.filename,
    });
    await writeFile(join(dir, "package.json"), JSON.stringify(packageJson, null, 2));
    await writeFile(join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
    await sh(dir, "npm", ["ci", "--offline", "--no-audit", "--no-fund"]);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the tarball holds the build, the README and package.json, and no tests, benches or caches", (t) => {
    const size = statSync(tarball).size;
    t.diagnostic(`${files.length} files, ${(size / 1024).toFixed(0)} KiB packed`);
    assert.ok(files.includes("package.json") && files.includes("README.md"));
    assert.ok(files.includes("dist/src/index.js") && files.includes("dist/src/index.d.ts"));
    assert.ok(files.includes("dist/src/runtime/onnx-worker.js"));
    for (const sub of ["langchain", "llamaindex", "ai-sdk"])
      assert.ok(files.includes(`dist/src/integrations/${sub}.js`));
    const stray = files.filter(
      (f) =>
        !(f.startsWith("dist/src/") || ["package.json", "README.md", "LICENSE"].includes(f)) ||
        /(^|\/)(tests?|bench|examples|scripts|\.cache|node_modules|results)\//.test(f) ||
        /\.test\.|\.onnx$|\.tgz$/.test(f),
    );
    assert.deepEqual(stray, []);
    assert.ok(size < 2 << 20, `the tarball is ${size} bytes; something large got in`);
  });

  test("ESM import embeds a text through the installed package's inference worker", async () => {
    await writeFile(join(dir, "esm.mjs"), `import { TextEmbedding } from "embedkit";\n${EMBED_ONE}\n`);
    const out = JSON.parse((await sh(dir, process.execPath, ["esm.mjs"])).stdout) as { dim: number; vector: number[] };
    assert.equal(out.dim, 384);
    assert.equal(out.vector.length, 384);
    assert.ok(Math.abs(Math.hypot(...out.vector) - 1) < 1e-5);
    reference = out.vector;
    const worker = join(dir, "node_modules/embedkit/dist/src/runtime/onnx-worker.js");
    assert.ok(existsSync(worker), worker);
  });

  test("CommonJS require() gives the same vector, and loads no framework", async () => {
    const cjs = `const { TextEmbedding } = require("embedkit");
(async () => {
${EMBED_ONE}
const frameworks = Object.keys(require.cache).filter((p) => /@langchain|llamaindex|@ai-sdk|node_modules\\/ai\\//.test(p));
console.error(JSON.stringify(frameworks));
})().catch((e) => { console.error(e); process.exit(1); });`;
    await writeFile(join(dir, "cjs.cjs"), cjs);
    await writeFile(join(dir, "esm-ref.mjs"), `import { TextEmbedding } from "embedkit";\n${EMBED_ONE}\n`);
    const viaRequire = await sh(dir, process.execPath, ["cjs.cjs"]);
    const a = JSON.parse(viaRequire.stdout) as { vector: number[] };
    const b = JSON.parse((await sh(dir, process.execPath, ["esm-ref.mjs"])).stdout) as { vector: number[] };
    assert.deepEqual(a.vector, b.vector);
    assert.deepEqual(JSON.parse(viaRequire.stderr.trim().split("\n").at(-1)!), []);
  });

  test("a framework subpath without its optional peer fails naming the missing package", async () => {
    for (const [sub, peer] of [
      ["langchain", "@langchain/core"],
      ["llamaindex", "@llamaindex/core"],
      ["ai-sdk", "@ai-sdk/provider"],
    ] as const) {
      await writeFile(join(dir, `peer-${sub}.mjs`), `await import("embedkit/${sub}");\n`);
      await assert.rejects(sh(dir, process.execPath, [`peer-${sub}.mjs`]), (e: Error) =>
        e.message.includes(`Cannot find package '${peer}'`),
      );
    }
  });

  test("TypeScript resolves the types under node16, nodenext (CommonJS) and bundler", async () => {
    const body = `const model = await TextEmbedding.create({ model: "BAAI/bge-small-en-v1.5", quantization: "int8" });
const dim: number = model.dim;
const vectors: Float32Array[] = await model.embedAll(["x"]);
// @ts-expect-error the types are real: dim is not a string
const wrong: string = model.dim;
// @ts-expect-error and options are checked
await TextEmbedding.create({ quantization: "int4" });
export { dim, vectors, wrong };
`;
    await writeFile(join(dir, "esm.mts"), `import { TextEmbedding } from "embedkit";\n${body}`);
    await writeFile(
      join(dir, "cjs.cts"),
      `import { TextEmbedding } from "embedkit";\nexport async function main() {\n${body.replace(/^export .*$/m, "return [dim, vectors, wrong];")}}\n`,
    );
    await writeFile(join(dir, "bundler.ts"), `import { TextEmbedding } from "embedkit";\n${body}`);
    const common = [
      "--noEmit",
      "--strict",
      "--skipLibCheck",
      "--target",
      "es2022",
      "--types",
      "node",
      "--typeRoots",
      join(ROOT, "node_modules/@types"),
    ];
    // Three independent compilations, run side by side.
    await Promise.all([
      sh(dir, process.execPath, [TSC, ...common, "--module", "node16", "--moduleResolution", "node16", "esm.mts"]),
      sh(dir, process.execPath, [TSC, ...common, "--module", "nodenext", "--moduleResolution", "nodenext", "cjs.cts"]),
      sh(dir, process.execPath, [TSC, ...common, "--module", "esnext", "--moduleResolution", "bundler", "bundler.ts"]),
    ]);
  });

  test("npx embedkit embed prints the vector as a JSON line", async () => {
    const { stdout } = await sh(dir, "npx", ["--no-install", "embedkit", "embed", "hello from npx"]);
    const line = JSON.parse(stdout.trim()) as { index: number; embedding: number[] };
    assert.equal(line.index, 0);
    assert.equal(line.embedding.length, 384);
  });

  test("Node 22 and Bun run the same ESM and CommonJS programs with the same vectors", async () => {
    const missing = ["node", "bun"].filter((b) => !existsSync(join(RUNTIMES, b)));
    assert.deepEqual(missing, [], "run `bash scripts/fetch-test-runtimes.sh` first (CI does)");
    assert.equal(reference.length, 384, "the ESM test ran first");
    for (const runtime of ["node", "bun"]) {
      for (const program of ["esm.mjs", "cjs.cjs"]) {
        const { stdout } = await sh(dir, join(RUNTIMES, runtime), [program]);
        const out = JSON.parse(stdout) as { dim: number; vector: number[] };
        assert.equal(out.dim, 384, `${runtime} ${program}`);
        const dot = out.vector.reduce((acc, x, i) => acc + x * reference[i]!, 0);
        assert.ok(dot >= 0.99999, `${runtime} ${program}: cosine ${dot} with Node 20's vector`);
      }
    }
  });
});
