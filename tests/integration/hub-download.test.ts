/**
 * The model store against a real HTTP server on 127.0.0.1 that serves the real
 * all-MiniLM-L6-v2 int8 files (taken from the embedkit cache, where `npm run fetch-models`
 * puts them) in the hub's URL layout. Covers download, resume, retry, errors and offline mode.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, before, beforeEach, describe, it } from "node:test";
import { storeConfigFromEnv, type StoreConfig } from "../../src/config/schema.js";
import { ERROR_CODES, isEmbedkitError, type EmbedkitError } from "../../src/errors.js";
import type { DownloadProgress } from "../../src/hub/download-file.js";
import { listCachedModels } from "../../src/hub/list.js";
import { readManifest } from "../../src/hub/manifest.js";
import { removeModel } from "../../src/hub/remove.js";
import { resolveModelFiles, type ResolveRequest } from "../../src/hub/resolve.js";
import { verifyModel } from "../../src/hub/verify.js";
import { closedPort, dropMidBody, startFakeHub, type FakeHub } from "../helpers/fake-hub.js";

const MODEL = "sentence-transformers/all-MiniLM-L6-v2";
const REPO = "Xenova/all-MiniLM-L6-v2";
const ONNX = "onnx/model_quantized.onnx";
const SIZE = 22972370;
const CONFIG = Buffer.from(JSON.stringify({ hidden_size: 384, max_position_embeddings: 512 }));
const FAST = { attempts: 3, baseDelayMs: 5, stallTimeoutMs: 5000 };

let onnx: Buffer;
let tokenizer: Buffer;
let hub: FakeHub;
let cacheDir: string;

async function loadRealFiles(): Promise<void> {
  try {
    const r = await resolveModelFiles({
      model: MODEL,
      quantization: "int8",
      store: storeConfigFromEnv(undefined, { offline: true }),
    });
    onnx = await readFile(r.onnxPath);
    tokenizer = await readFile(r.tokenizerPath);
  } catch (e) {
    throw new Error(
      `the ${MODEL} int8 files are not in the embedkit cache; run \`npm run fetch-models\` first (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

function hubFiles(withConfig = true): Map<string, Buffer> {
  const m = new Map([
    [`${REPO}@main/tokenizer.json`, tokenizer],
    [`${REPO}@main/${ONNX}`, onnx],
  ]);
  if (withConfig) m.set(`${REPO}@main/config.json`, CONFIG);
  return m;
}

function store(over: Partial<StoreConfig> = {}): StoreConfig {
  return { cacheDir, offline: false, hfEndpoint: hub.url, hfToken: undefined, ...over };
}

function resolveInt8(over: Partial<ResolveRequest> = {}): ReturnType<typeof resolveModelFiles> {
  return resolveModelFiles({ model: MODEL, quantization: "int8", store: store(), retry: FAST, ...over });
}

function expectCode(code: string, ...mustMention: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal((e as EmbedkitError).code, code, (e as Error).message);
    for (const s of mustMention)
      assert.ok((e as Error).message.includes(s), `message should mention ${s}: ${(e as Error).message}`);
    return true;
  };
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

const modelDir = (): string => join(cacheDir, "sentence-transformers", "all-MiniLM-L6-v2");
const onnxPath = (): string => join(modelDir(), "onnx", "model_quantized.onnx");

describe("resolveModelFiles against a local hub", () => {
  before(loadRealFiles);
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "embedkit-hub-"));
    hub = await startFakeHub(hubFiles());
  });
  afterEach(async () => {
    await hub.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("downloads tokenizer, config and ONNX with progress and a manifest; a second resolve makes no request", async () => {
    const progress: DownloadProgress[] = [];
    const r = await resolveInt8({ onProgress: (p) => progress.push(p) });
    assert.equal(r.modelId, MODEL);
    assert.equal(r.quantization, "int8");
    assert.equal(r.onnxPath, onnxPath());
    assert.deepEqual(await readFile(r.onnxPath), onnx);
    assert.deepEqual(await readFile(r.tokenizerPath), tokenizer);
    assert.deepEqual(await readFile(join(modelDir(), "config.json")), CONFIG);
    assert.equal(hub.requests.length, 3);

    const onnxEvents = progress.filter((p) => p.file === ONNX);
    assert.ok(onnxEvents.length > 2);
    assert.equal(onnxEvents.at(-1)?.bytesDone, SIZE);
    assert.ok(onnxEvents.every((p) => p.bytesTotal === SIZE));
    assert.ok(onnxEvents.every((p, i) => i === 0 || p.bytesDone >= (onnxEvents[i - 1]?.bytesDone ?? 0)));
    assert.ok(progress.some((p) => p.file === "tokenizer.json" && p.bytesDone === tokenizer.length));

    const manifest = await readManifest(modelDir());
    assert.deepEqual(
      manifest?.files.map((f) => f.path),
      ["config.json", ONNX, "tokenizer.json"],
    );
    const entry = manifest?.files.find((f) => f.path === ONNX);
    assert.equal(entry?.sha256, "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1");
    assert.equal(entry?.size, SIZE);
    assert.equal(entry?.source, `${hub.url}/${REPO}/resolve/main/${ONNX}`);
    assert.equal(entry?.revision, "main");
    assert.ok(!Number.isNaN(Date.parse(entry?.time ?? "")));
    assert.deepEqual((await readdir(join(modelDir(), "onnx"))).sort(), ["model_quantized.onnx"]);

    await resolveInt8();
    assert.equal(hub.requests.length, 3, "a cached model must not touch the network");
    assert.equal((await verifyModel(MODEL, store())).ok, true);
  });

  it("accepts a repository without config.json", async () => {
    await hub.close();
    hub = await startFakeHub(hubFiles(false));
    const r = await resolveInt8();
    assert.ok(await exists(r.onnxPath));
    assert.equal(await exists(join(modelDir(), "config.json")), false);
  });

  it("offline: uses the cache with zero requests, and names the model, cache and import command when absent", async () => {
    await assert.rejects(
      resolveInt8({ store: store({ offline: true }) }),
      expectCode(ERROR_CODES.OFFLINE_MODEL_NOT_CACHED, MODEL, modelDir(), "embedkit models import"),
    );
    assert.equal(hub.requests.length, 0);
    await resolveInt8();
    const before = hub.requests.length;
    const r = await resolveInt8({ store: store({ offline: true }) });
    assert.equal(r.onnxPath, onnxPath());
    assert.equal(hub.requests.length, before);
  });

  it("401 is HUB_UNAUTHORIZED mentioning HF_TOKEN, without retries", async () => {
    hub.hook = (_req, res) => (res.writeHead(401).end(), true);
    await assert.rejects(resolveInt8(), expectCode(ERROR_CODES.HUB_UNAUTHORIZED, "HF_TOKEN", REPO));
    assert.equal(hub.requests.length, 1);
  });

  it("404 is HUB_NOT_FOUND naming repository, revision and path", async () => {
    await assert.rejects(
      resolveInt8({ revision: "no-such-rev" }),
      expectCode(ERROR_CODES.HUB_NOT_FOUND, REPO, "no-such-rev", "tokenizer.json"),
    );
    assert.equal(hub.requests.length, 1);
  });

  it("retries a 500 and succeeds", async () => {
    hub.hook = (_req, res, { file }) => {
      if (file !== ONNX || hub.requestsFor(ONNX).length > 1) return false;
      res.writeHead(500).end("boom");
      return true;
    };
    const r = await resolveInt8();
    assert.deepEqual(await readFile(r.onnxPath), onnx);
    assert.equal(hub.requestsFor(ONNX).length, 2);
  });

  it("connection refused is HUB_NETWORK after bounded retries, pointing to offline mode and import", async () => {
    const port = await closedPort();
    await assert.rejects(
      resolveInt8({ store: store({ hfEndpoint: `http://127.0.0.1:${port}` }) }),
      expectCode(ERROR_CODES.HUB_NETWORK, "EMBEDKIT_OFFLINE", "embedkit models import", "3 attempt"),
    );
  });

  it("a stalled server is HUB_NETWORK after the stall timeout", async () => {
    hub.hook = () => true; // never answers
    await assert.rejects(
      resolveInt8({ retry: { attempts: 2, baseDelayMs: 5, stallTimeoutMs: 200 } }),
      expectCode(ERROR_CODES.HUB_NETWORK, "no data"),
    );
    assert.equal(hub.requests.length, 2);
  });

  it("resumes with a Range request after the connection drops mid-body", async () => {
    const cut = 5_000_000;
    hub.hook = (req, res, { file, body }) => {
      if (file !== ONNX || body === undefined || hub.requestsFor(ONNX).length > 1) return false;
      dropMidBody(req, res, body, cut);
      return true;
    };
    const r = await resolveInt8();
    assert.deepEqual(await readFile(r.onnxPath), onnx);
    const [first, second] = hub.requestsFor(ONNX);
    assert.equal(first?.range, undefined);
    assert.match(second?.range ?? "", /^bytes=\d+-$/);
    assert.ok(Number(/\d+/.exec(second?.range ?? "")?.[0]) > 0);
    assert.equal(await exists(`${r.onnxPath}.part`), false);
  });

  it("restarts cleanly when the server ignores Range and answers 200", async () => {
    hub.hook = (req, res, { file, body }) => {
      if (file !== ONNX || body === undefined) return false;
      if (hub.requestsFor(ONNX).length === 1) {
        dropMidBody(req, res, body, 3_000_000);
        return true;
      }
      res.writeHead(200, { "content-length": body.length }).end(body); // ignores the Range header
      return true;
    };
    const r = await resolveInt8();
    assert.deepEqual(await readFile(r.onnxPath), onnx);
    assert.ok(hub.requestsFor(ONNX)[1]?.range !== undefined);
  });

  it("resumes a .part left by an earlier run, and restarts once when that .part was stale", async () => {
    await mkdir(join(modelDir(), "onnx"), { recursive: true });
    await writeFile(`${onnxPath()}.part`, onnx.subarray(0, 1 << 20));
    await resolveInt8();
    assert.equal(hub.requestsFor(ONNX)[0]?.range, `bytes=${1 << 20}-`);
    assert.deepEqual(await readFile(onnxPath()), onnx);

    await rm(cacheDir, { recursive: true, force: true });
    await mkdir(join(modelDir(), "onnx"), { recursive: true });
    await writeFile(`${onnxPath()}.part`, Buffer.alloc(1 << 20, 7)); // wrong bytes
    hub.requests.length = 0;
    await resolveInt8();
    assert.deepEqual(await readFile(onnxPath()), onnx);
    assert.deepEqual(
      hub.requestsFor(ONNX).map((r) => r.range),
      [`bytes=${1 << 20}-`, undefined],
    );
  });

  it("wrong bytes are MODEL_FILE_CORRUPT (expected vs actual) and leave no file behind", async () => {
    const bad = Buffer.from(onnx);
    bad[1000] = (bad[1000] ?? 0) ^ 0xff;
    hub.hook = (_req, res, { file }) =>
      file === ONNX ? (res.writeHead(200, { "content-length": bad.length }).end(bad), true) : false;
    await assert.rejects(
      resolveInt8(),
      expectCode(
        ERROR_CODES.MODEL_FILE_CORRUPT,
        "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1",
        "sha256",
      ),
    );
    assert.equal(await exists(onnxPath()), false);
    assert.equal(await exists(`${onnxPath()}.part`), false);
  });

  it("sends HF_TOKEN as a bearer token, and not to another origin after a redirect", async () => {
    const cdn = await startFakeHub(new Map([[`cdn/files@main/${ONNX}`, onnx]]));
    try {
      hub.hook = (_req, res, { file }) => {
        if (file !== ONNX) return false;
        res.writeHead(302, { location: `${cdn.url}/cdn/files/resolve/main/${ONNX}` }).end();
        return true;
      };
      const r = await resolveInt8({ store: store({ hfToken: "hf_test_token" }) });
      assert.deepEqual(await readFile(r.onnxPath), onnx);
      assert.ok(hub.requests.length >= 2);
      assert.ok(hub.requests.every((q) => q.authorization === "Bearer hf_test_token"));
      assert.equal(cdn.requests.length, 1);
      assert.equal(cdn.requests[0]?.authorization, undefined);
    } finally {
      await cdn.close();
    }
  });

  it("re-downloads a cached file whose size is wrong; offline it reports the file as corrupt", async () => {
    await resolveInt8();
    await writeFile(onnxPath(), onnx.subarray(0, 1000));
    await assert.rejects(
      resolveInt8({ store: store({ offline: true }) }),
      expectCode(ERROR_CODES.MODEL_FILE_CORRUPT, onnxPath(), "embedkit models rm"),
    );
    const before = hub.requestsFor(ONNX).length;
    await resolveInt8();
    assert.equal(hub.requestsFor(ONNX).length, before + 1);
    assert.deepEqual(await readFile(onnxPath()), onnx);
  });

  it("a same-size corruption is found by sha256 at the next resolve (the mtime changed), and by verifyModel", async () => {
    await resolveInt8();
    const bad = Buffer.from(onnx);
    bad[5] = (bad[5] ?? 0) ^ 1;
    await writeFile(onnxPath(), bad);
    await assert.rejects(
      resolveInt8({ store: store({ offline: true }) }),
      expectCode(
        ERROR_CODES.MODEL_FILE_CORRUPT,
        onnxPath(),
        "sha256",
        "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1",
      ),
    );
    const report = await verifyModel(MODEL, store());
    assert.equal(report.ok, false);
    const f = report.files.find((x) => x.path === ONNX);
    assert.equal(f?.status, "corrupt");
    assert.match(f?.problem ?? "", /sha256/);
    assert.equal(report.files.find((x) => x.path === "tokenizer.json")?.status, "ok");
    const before = hub.requestsFor(ONNX).length;
    await resolveInt8(); // online: the damaged file is downloaded again
    assert.equal(hub.requestsFor(ONNX).length, before + 1);
    assert.deepEqual(await readFile(onnxPath()), onnx);
  });

  it("cache write failures are CACHE_WRITE_FAILED naming the path", async () => {
    const blocker = join(cacheDir, "file");
    await writeFile(blocker, "not a folder");
    await assert.rejects(
      resolveInt8({ store: store({ cacheDir: join(blocker, "cache") }) }),
      expectCode(ERROR_CODES.CACHE_WRITE_FAILED, blocker),
    );
  });

  it("an aborted signal stops the download and keeps no final file", async () => {
    const ac = new AbortController();
    const p = resolveInt8({
      signal: ac.signal,
      onProgress: (pr) => pr.file === ONNX && pr.bytesDone > 0 && ac.abort(),
    });
    await assert.rejects(p, (e: unknown) => (e as Error).name === "AbortError");
    assert.equal(await exists(onnxPath()), false);
  });

  it("lists and removes cached models", async () => {
    await resolveInt8();
    const [m, ...rest] = await listCachedModels(store());
    assert.equal(rest.length, 0);
    assert.equal(m?.modelId, MODEL);
    assert.deepEqual(m?.quantizations, ["int8"]);
    assert.equal(m?.complete, true);
    assert.ok((m?.sizeBytes ?? 0) > SIZE);
    const removed = await removeModel(MODEL, store());
    assert.equal(removed.removed, true);
    assert.equal(removed.freedBytes, m?.sizeBytes);
    assert.deepEqual(await listCachedModels(store()), []);
    assert.equal((await removeModel(MODEL, store())).removed, false);
    await assert.rejects(removeModel("../etc", store()), expectCode(ERROR_CODES.INVALID_OPTION));
  });

  it("rejects unknown models and variants with typed errors", async () => {
    await assert.rejects(
      resolveModelFiles({ model: "nope/not-a-model", store: store() }),
      expectCode(ERROR_CODES.UNKNOWN_MODEL),
    );
    await assert.rejects(
      resolveInt8({ overrides: { pooling: "cls" } }),
      expectCode(ERROR_CODES.INVALID_OPTION, "pooling"),
    );
    assert.equal(hub.requests.length, 0);
  });
});
