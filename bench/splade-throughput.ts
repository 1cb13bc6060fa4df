/**
 * SPLADE speed (npm run bench:splade): texts/s and peak RSS of embedkit's SparseTextEmbedding
 * against fastembed-js's SparseTextEmbedding (npm `fastembed`) and FastEmbed's (Python, from
 * bench/.venv: bench/peers/setup-fastembed-py.sh), on the same ONNX file (the SPLADE test model,
 * ../shared/models/splade-tiny), the same texts (Cranfield abstracts), the same intra-op threads,
 * one process per peer so each peak RSS is its own. Each peer's first vectors are checked against
 * embedkit's (same indices, values within 1e-4) before its figure is printed.
 *
 * fastembed-js 2.1.0 hard-codes the input names of its own export (input_ids, input_mask,
 * segment_ids) and the output name "output"; this file's graph names them attention_mask,
 * token_type_ids and logits. Its runner renames them in a wrapper around the session's run()
 * (same graph, same session; a rename of the maps only). It also pads every text to maxLength
 * (512), so its batch is kept small (--fastembed-js-batch, default 4): at its default batch of
 * 256, the logits alone would be 256 x 512 x 30522 floats (16 GB).
 *
 *   npx tsx bench/splade-throughput.ts [--texts 1400] [--threads 2] [--python bench/.venv/bin/python]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    peer: { type: "string" },
    corpus: { type: "string" },
    "model-dir": {
      type: "string",
      default: fileURLToPath(new URL("../../shared/models/splade-tiny", import.meta.url)),
    },
    "data-dir": { type: "string", default: fileURLToPath(new URL("../../shared/data", import.meta.url)) },
    texts: { type: "string", default: "1400" },
    threads: { type: "string", default: "2" },
    python: { type: "string", default: fileURLToPath(new URL("./.venv/bin/python", import.meta.url)) },
    "fastembed-js-batch": { type: "string", default: "4" },
    warmup: { type: "string", default: "8" },
  },
});
const threads = Number(values.threads);
const warmup = Number(values.warmup);

interface Probe {
  indices: number[];
  values: number[];
}
interface PeerResult {
  peer: string;
  version: string;
  texts: number;
  seconds: number;
  maxRssKiB: number;
  batch: number;
  notes: string[];
  probe: Probe[];
}

function report(r: PeerResult): void {
  process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve(name);
  const root = main.slice(0, main.lastIndexOf(`/${name}/`) + name.length + 2);
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}

async function runEmbedkit(texts: string[]): Promise<void> {
  const { SparseTextEmbedding } = await import("../src/sparse/sparse-text-embedding.js");
  const model = await SparseTextEmbedding.create({ model: values["model-dir"]!, intraOpThreads: threads });
  await model.embedAll(texts.slice(0, warmup));
  const t0 = performance.now();
  const out = await model.embedAll(texts);
  const seconds = (performance.now() - t0) / 1000;
  await model.dispose();
  report({
    peer: "embedkit",
    version: packageVersion("onnxruntime-node"),
    texts: texts.length,
    seconds,
    maxRssKiB: process.resourceUsage().maxRSS,
    batch: 32,
    notes: ["token-budget batches of 512 padded tokens, sparse head in the worker", "version: onnxruntime-node"],
    probe: out.slice(0, 3).map((v) => ({ indices: Array.from(v.indices), values: Array.from(v.values) })),
  });
}

async function runFastembedJs(texts: string[], dir: string): Promise<void> {
  const requireFromFastembed = createRequire(createRequire(import.meta.url).resolve("fastembed"));
  const ort = requireFromFastembed(requireFromFastembed.resolve("onnxruntime-node")) as {
    InferenceSession: {
      create(
        p: unknown,
        o?: Record<string, unknown>,
      ): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, unknown>> }>;
    };
  };
  const create = ort.InferenceSession.create.bind(ort.InferenceSession);
  ort.InferenceSession.create = async (p, o) => {
    const session = await create(p, { ...o, intraOpNumThreads: threads, interOpNumThreads: 1 });
    const run = session.run.bind(session);
    // The same graph under the names fastembed-js feeds and reads.
    session.run = async (feeds) => {
      const out = await run({
        input_ids: feeds["input_ids"],
        attention_mask: feeds["input_mask"],
        token_type_ids: feeds["segment_ids"],
      });
      return { output: out["logits"] };
    };
    return session;
  };
  const { SparseTextEmbedding, SparseEmbeddingModel } = await import("fastembed");
  const model = await SparseTextEmbedding.init({
    model: SparseEmbeddingModel.CUSTOM,
    modelAbsoluteDirPath: dir,
    modelName: "model.onnx",
    maxLength: 512,
    showDownloadProgress: false,
  });
  const batch = Number(values["fastembed-js-batch"]);
  const all = async (list: string[]) => {
    const out: Probe[] = [];
    for await (const b of model.embed(list, batch)) out.push(...b);
    return out;
  };
  await all(texts.slice(0, warmup));
  const t0 = performance.now();
  const out = await all(texts);
  report({
    peer: "fastembed-js",
    version: packageVersion("fastembed"),
    texts: texts.length,
    seconds: (performance.now() - t0) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
    batch,
    notes: ["pads every text to 512 tokens", "input/output names mapped onto this graph's"],
    probe: out.slice(0, 3),
  });
}

function parseResult(stdout: string, who: string): PeerResult {
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (line === undefined) throw new Error(`${who} printed no RESULT line:\n${stdout}`);
  return JSON.parse(line.slice("RESULT ".length)) as PeerResult;
}

function agree(a: Probe, b: Probe): boolean {
  return (
    a.indices.length === b.indices.length &&
    a.indices.every((x, i) => x === b.indices[i]) &&
    a.values.every((x, i) => Math.abs(x - b.values[i]!) <= 1e-4)
  );
}

if (values.peer !== undefined) {
  const texts = (JSON.parse(readFileSync(values.corpus!, "utf8")) as { texts: string[] }).texts;
  if (values.peer === "embedkit") await runEmbedkit(texts);
  else if (values.peer === "fastembed-js") await runFastembedJs(texts, values["model-dir"]!);
  else throw new Error(`unknown --peer ${values.peer}`);
} else {
  const { loadCranfield } = await import("../src/eval/tasks/cranfield.js");
  const { documentText } = await import("../src/eval/evaluators/evaluate-retrieval.js");
  const task = await loadCranfield(values["data-dir"]!);
  const texts = task.corpus.map(documentText).slice(0, Number(values.texts));
  const work = mkdtempSync(join(tmpdir(), "embedkit-splade-bench-"));
  try {
    const corpus = join(work, "corpus.json");
    writeFileSync(corpus, JSON.stringify({ texts }));
    // fastembed-js reads <dir>/onnx/<modelName>: a folder of links to the same files.
    const jsDir = join(work, "fastembed-js");
    mkdirSync(join(jsDir, "onnx"), { recursive: true });
    const src = values["model-dir"]!;
    for (const f of ["tokenizer.json", "config.json", "tokenizer_config.json", "special_tokens_map.json"])
      symlinkSync(join(src, f), join(jsDir, f));
    symlinkSync(join(src, "model.onnx"), join(jsDir, "onnx", "model.onnx"));
    const self = fileURLToPath(import.meta.url);
    const common = ["--corpus", corpus, "--threads", String(threads), "--warmup", String(warmup)];
    const runs: { who: string; cmd: string; args: string[] }[] = [
      { who: "embedkit", cmd: process.execPath, args: ["--import", "tsx", self, "--peer", "embedkit", ...common] },
      {
        who: "fastembed-js",
        cmd: process.execPath,
        args: [
          "--import",
          "tsx",
          self,
          "--peer",
          "fastembed-js",
          "--model-dir",
          jsDir,
          ...common,
          "--fastembed-js-batch",
          values["fastembed-js-batch"]!,
        ],
      },
      {
        who: "fastembed-py",
        cmd: values.python!,
        args: [
          fileURLToPath(new URL("./peers/run_fastembed_splade.py", import.meta.url)),
          "--model-dir",
          src,
          ...common,
        ],
      },
    ];
    console.log(
      `SPLADE: ${src} (splade-tiny), ${texts.length} Cranfield abstracts, ${threads} intra-op threads, one run`,
    );
    let reference: Probe[] | undefined;
    for (const r of runs) {
      const p = spawnSync(r.cmd, r.args, {
        encoding: "utf8",
        maxBuffer: 1 << 26,
        env: { ...process.env, OMP_NUM_THREADS: String(threads) },
      });
      if (p.status !== 0) {
        console.log(
          `${r.who}: FAILED (exit ${p.status}): ${(p.stderr || p.stdout).trim().split("\n").slice(-3).join(" | ")}`,
        );
        continue;
      }
      const res = parseResult(p.stdout, r.who);
      reference ??= res.probe;
      const same = res.probe.every((v, i) => reference![i] !== undefined && agree(v, reference![i]!));
      console.log(
        `${res.peer.padEnd(13)} ${res.version.padEnd(8)} ${(res.texts / res.seconds).toFixed(1).padStart(8)} texts/s  ` +
          `peak RSS ${(res.maxRssKiB / 1024).toFixed(0).padStart(5)} MiB  batch ${res.batch}  ` +
          `vectors ${same ? "agree with embedkit's" : "DIFFER from embedkit's"}  (${res.notes.join("; ")})`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
