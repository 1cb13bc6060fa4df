/**
 * L7: `embedkit serve`: flags, environment variables and a JSON config file -> one ServerConfig
 * (parsed once by the server's zod schema) -> a model -> the HTTP server, until SIGTERM/SIGINT.
 *
 * Every setting has a flag (--max-batch-tokens), an environment variable (EMBEDKIT_MAX_BATCH_TOKENS)
 * and a config-file key (maxBatchTokens); a flag beats the environment, which beats the file,
 * which beats the default. The option table below is the single list the three are read from,
 * and the help text is generated from it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { pino, type Logger } from "pino";
import { storeConfigFromEnv, type StoreConfig } from "../config/schema.js";
import { TextEmbedding } from "../embed/text-embedding.js";
import { isRerankerModel } from "../hub/resolve-reranker.js";
import { TextCrossEncoder } from "../rerank/text-cross-encoder.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import {
  parseServerConfig,
  serverConfigSchema,
  type ServerConfig,
  type ServerConfigInput,
} from "../server/server-config.js";
import { isSparseModelName as isSparseModel } from "../hub/resolve-sparse.js";
import { modelOptionsFor, startServer, type RunningServer } from "../server/server.js";
import { startSparseServer } from "../server/sparse-server.js";
import { SparseTextEmbedding } from "../sparse/sparse-text-embedding.js";
import type { CliContext } from "./common.js";
import { requireIndex } from "./index-command.js";
import { checkIndexModel, readSettings } from "../index/index-settings.js";
import { VectorIndex } from "../index/vector-index.js";

type Kind = "string" | "int" | "number" | "bool" | "list";

interface OptionSpec {
  readonly flag: string;
  readonly short?: string;
  readonly kind: Kind;
  readonly arg?: string;
  readonly help: string;
}

/** Every ServerConfig key, once (the `satisfies` makes a missing key a compile error). */
const SERVE_OPTIONS = {
  model: { flag: "model", short: "m", kind: "string", arg: "ID|DIR", help: "registry id or local model folder" },
  quantization: {
    flag: "quantization",
    short: "q",
    kind: "string",
    arg: "Q",
    help: "fp32, int8, or fp16 where the model publishes it (see `embedkit models info ID`)",
  },
  threads: { flag: "threads", kind: "int", arg: "N", help: "ONNX Runtime intra-op threads (default: all cores)" },
  index: {
    flag: "index",
    kind: "string",
    arg: "DIR",
    help: "serve POST /v1/search over this vector index (its model is served; see `embedkit index add`)",
  },
  rerankModel: {
    flag: "rerank-model",
    kind: "string",
    arg: "ID|DIR",
    help: 'cross-encoder for searches with "rerank": true (needs --index)',
  },
  servedModelName: {
    flag: "served-model-name",
    kind: "string",
    arg: "NAME",
    help: "model name reported by /v1/embeddings and /info",
  },
  host: { flag: "host", kind: "string", arg: "ADDR", help: "interface to listen on (0.0.0.0 for all)" },
  port: { flag: "port", short: "p", kind: "int", arg: "N", help: "TCP port (0: any free port)" },
  apiKey: {
    flag: "api-key",
    kind: "string",
    arg: "KEY",
    help: "require `Authorization: Bearer KEY` on every route but /health",
  },
  corsAllowOrigin: {
    flag: "cors-allow-origin",
    kind: "list",
    arg: "ORIGINS",
    help: "comma-separated origins allowed by CORS, or *",
  },
  corsMaxAgeSeconds: { flag: "cors-max-age", kind: "int", arg: "S", help: "seconds a browser may cache a preflight" },
  maxConcurrentRequests: {
    flag: "max-concurrent-requests",
    kind: "int",
    arg: "N",
    help: "requests handled at once; more get 429",
  },
  maxQueuedInputs: {
    flag: "max-queued-inputs",
    kind: "int",
    arg: "N",
    help: "inputs waiting or running over all requests; more get 429",
  },
  maxBatchTokens: {
    flag: "max-batch-tokens",
    kind: "int",
    arg: "N",
    help: "padded tokens (rows x longest) per inference call (default max(2048, the model's input limit))",
  },
  maxBatchSize: { flag: "max-batch-size", kind: "int", arg: "N", help: "inputs per inference call" },
  maxWaitMs: {
    flag: "max-wait-ms",
    kind: "number",
    arg: "MS",
    help: "longest wait for requests still being tokenized before a short batch runs",
  },
  batching: {
    flag: "batching",
    kind: "bool",
    help: "pack inputs of concurrent requests into one call (--no-batching: one request per call)",
  },
  maxClientBatchSize: {
    flag: "max-client-batch-size",
    kind: "int",
    arg: "N",
    help: "inputs per request (split server-side; more get 422, 400 on /v1)",
  },
  maxBodyBytes: { flag: "max-body-bytes", kind: "int", arg: "N", help: "request body limit (413 above it)" },
  maxInputChars: { flag: "max-input-chars", kind: "int", arg: "N", help: "characters per input (422 above it)" },
  maxInputTokens: {
    flag: "max-input-tokens",
    kind: "int",
    arg: "N",
    help: "tokens per input (default: the model's maximum)",
  },
  autoTruncate: {
    flag: "auto-truncate",
    kind: "bool",
    help: "cut over-long inputs unless a request says truncate: false (and on /v1)",
  },
  shutdownTimeoutMs: {
    flag: "shutdown-timeout-ms",
    kind: "int",
    arg: "MS",
    help: "how long shutdown waits for in-flight requests",
  },
  requestTimeoutMs: {
    flag: "request-timeout-ms",
    kind: "int",
    arg: "MS",
    help: "how long a client may take to send a request",
  },
  logLevel: {
    flag: "log-level",
    kind: "string",
    arg: "LEVEL",
    help: "fatal, error, warn, info, debug, trace or silent",
  },
} as const satisfies Record<keyof ServerConfigInput, OptionSpec>;

type Key = keyof typeof SERVE_OPTIONS;
const KEYS = Object.keys(SERVE_OPTIONS) as Key[];

export const envName = (flag: string): string => `EMBEDKIT_${flag.toUpperCase().replace(/-/g, "_")}`;

function serveHelp(): string {
  const defaults = serverConfigSchema.parse({}) as Record<string, unknown>;
  const lines = KEYS.map((key) => {
    const o: OptionSpec = SERVE_OPTIONS[key];
    const left = `${o.short ? `-${o.short}, ` : "    "}--${o.flag}${o.arg ? ` ${o.arg}` : ""}`;
    const d = defaults[key];
    const shown =
      d === undefined || (Array.isArray(d) && d.length === 0)
        ? ""
        : ` (default ${Array.isArray(d) ? d.join(",") : String(d)})`;
    return `  ${left.padEnd(36)} ${o.help}${shown}\n  ${"".padEnd(36)} env ${envName(o.flag)}, config key "${key}"`;
  });
  return `Usage: embedkit serve [options]

Serves the model over HTTP: TEI routes (POST /embed, /tokenize, /decode; GET /info, /health,
/metrics), OpenAI's POST /v1/embeddings, and GET /openapi.json. With --index DIR, also
POST /v1/search (and /search) over that vector index, with the index's model: {"query", "top_k",
"filter", "rerank", "rerank_top", "mode" (dense|sparse|hybrid), "fusion", "candidates", "exact",
"nprobes", "ef", "refine_factor", "rescore", "rescore_with"} (see /openapi.json). Stops gracefully
on SIGTERM/SIGINT.

Options (a flag beats its environment variable, which beats the config file):
  -c, --config FILE                    JSON config file with the keys below (env EMBEDKIT_CONFIG)
${lines.join("\n")}
      --no-batching                    same as --batching=false
      --cache-dir DIR                  model cache (env EMBEDKIT_CACHE; config key "cacheDir")
      --offline                        never touch the network (env EMBEDKIT_OFFLINE=1; config key "offline")
`;
}

type Env = Readonly<Record<string, string | undefined>>;

function convert(value: string, kind: Kind, source: string): unknown {
  const fail = (what: string) =>
    new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${source} must be ${what}, got ${JSON.stringify(value)}`, {
      field: source,
      value,
    });
  switch (kind) {
    case "string":
      return value;
    case "list":
      return value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    case "int":
    case "number": {
      const n = value.trim() === "" ? NaN : Number(value);
      if (!Number.isFinite(n) || (kind === "int" && !Number.isInteger(n)))
        throw fail(kind === "int" ? "an integer" : "a number");
      return n;
    }
    case "bool": {
      const v = value.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(v)) return true;
      if (["0", "false", "no", "off"].includes(v)) return false;
      throw fail("true or false");
    }
  }
}

export interface ServeSettings {
  readonly config: ServerConfig;
  readonly store: StoreConfig;
  /** Whether the model was set (flag, environment or file) rather than defaulted: with --index it must be the index's. */
  readonly modelGiven: boolean;
}

/** Flags + environment + config file -> the typed settings. Exported for tests. */
export function resolveServeSettings(
  argv: string[],
  env: Env,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): ServeSettings | "help" {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    config: { type: "string", short: "c" },
    "no-batching": { type: "boolean" },
    "cache-dir": { type: "string" },
    offline: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  };
  for (const key of KEYS) {
    const o: OptionSpec = SERVE_OPTIONS[key];
    // Booleans take an optional value (--batching=false) through a string option.
    options[o.flag] = { type: o.kind === "bool" ? "boolean" : "string", ...(o.short ? { short: o.short } : {}) };
    if (o.kind === "bool") options[`${o.flag}-value`] = { type: "string" };
  }
  const { values } = parseArgs({ args: normalizeBoolFlags(argv), options, allowPositionals: false, strict: true });
  if (values["help"]) return "help";

  const configPath = (values["config"] as string | undefined) ?? env["EMBEDKIT_CONFIG"];
  const file = configPath !== undefined ? readConfigFile(configPath, readFile) : {};
  const { cacheDir, offline, ...fromFile } = file;
  const input: Record<string, unknown> = { ...fromFile };
  for (const key of KEYS) {
    const o: OptionSpec = SERVE_OPTIONS[key];
    const fromEnv = env[envName(o.flag)];
    if (fromEnv !== undefined && fromEnv !== "") input[key] = convert(fromEnv, o.kind, envName(o.flag));
    const flag = values[o.flag];
    if (flag !== undefined)
      input[key] = typeof flag === "boolean" ? flag : convert(flag as string, o.kind, `--${o.flag}`);
    const explicit = values[`${o.flag}-value`];
    if (typeof explicit === "string") input[key] = convert(explicit, "bool", `--${o.flag}`);
  }
  if (values["no-batching"]) input["batching"] = false;

  const store: Partial<StoreConfig> = {};
  const dir = (values["cache-dir"] as string | undefined) ?? (typeof cacheDir === "string" ? cacheDir : undefined);
  if (dir !== undefined) Object.assign(store, { cacheDir: dir });
  if (values["offline"] || offline === true) Object.assign(store, { offline: true });
  return {
    config: parseServerConfig(input as ServerConfigInput),
    store: storeConfigFromEnv(env, store),
    modelGiven: input["model"] !== undefined,
  };
}

/** `--batching=false` -> `--batching-value=false` (parseArgs booleans take no value). */
function normalizeBoolFlags(argv: string[]): string[] {
  const bools = KEYS.map((k) => SERVE_OPTIONS[k] as OptionSpec)
    .filter((o) => o.kind === "bool")
    .map((o) => o.flag);
  return argv.map((a) => {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    return m && bools.includes(m[1]!) ? `--${m[1]}-value=${m[2]}` : a;
  });
}

function readConfigFile(path: string, readFile: (path: string) => string): Record<string, unknown> {
  let text: string;
  try {
    text = readFile(path);
  } catch (cause) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `config file ${path} cannot be read: ${(cause as Error).message}`,
      { field: "config", path },
      { cause },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `config file ${path} is not valid JSON: ${(cause as Error).message}`,
      { field: "config", path },
      { cause },
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `config file ${path} must hold a JSON object of settings`, {
      field: "config",
      path,
    });
  }
  return parsed as Record<string, unknown>;
}

/** The package version, read from the package.json above this file (src/ or dist/src/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "embedkit" && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return "unknown";
}

async function serveDense(config: ServerConfig, store: StoreConfig, logger: Logger): Promise<RunningServer> {
  // A reranker (registry id, or a folder holding a sequence-classification export) serves the
  // rerank routes; anything else is an embedding model.
  const model = (await isRerankerModel(config.model))
    ? await TextCrossEncoder.create({ ...modelOptionsFor(config), store })
    : await TextEmbedding.create({ ...modelOptionsFor(config), store });
  return startServer({ config, model, logger, version: packageVersion() }).catch(async (e: unknown) => {
    await model.dispose();
    throw listenError(e, config);
  });
}

/**
 * --index DIR: the index's model (a --model given that differs is `index_model_mismatch`, before
 * any model is loaded), the index opened on it, the optional reranker, and the server with the
 * search routes. Closing the server also closes the index and the reranker.
 */
async function serveIndex(
  config: ServerConfig,
  store: StoreConfig,
  logger: Logger,
  modelGiven: boolean,
): Promise<RunningServer> {
  const dir = config.index!;
  await requireIndex(dir);
  const stored = (await readSettings(dir))!;
  checkIndexModel(resolve(dir), stored, modelGiven ? config.model : undefined);
  const served: ServerConfig = { ...config, model: stored.model };
  // As VectorIndex.open loads a model for an index: at the index's (Matryoshka) dimension.
  const model = await TextEmbedding.create({ ...modelOptionsFor(served), store, dimensions: stored.dimension });
  let index: VectorIndex | undefined;
  let reranker: TextCrossEncoder | undefined;
  try {
    index = await VectorIndex.open(dir, { engine: model });
    if (config.rerankModel !== undefined)
      reranker = await TextCrossEncoder.create({ model: config.rerankModel, store });
    const running = await startServer({
      config: served,
      model,
      logger,
      version: packageVersion(),
      search: { index, ...(reranker ? { reranker } : {}) },
    });
    const opened = { index, reranker };
    return {
      ...running,
      close: async () => {
        await running.close();
        await opened.index.close();
        await opened.reranker?.dispose();
      },
    };
  } catch (e) {
    await index?.close();
    await reranker?.dispose();
    await model.dispose();
    throw listenError(e, config);
  }
}

/** A SPLADE model (registry id or local masked-LM folder): TEI's /embed_sparse. */
async function serveSparse(config: ServerConfig, store: StoreConfig, logger: Logger): Promise<RunningServer> {
  const model = await SparseTextEmbedding.create({
    model: config.model,
    quantization: config.quantization,
    store,
    ...(config.threads !== undefined ? { intraOpThreads: config.threads } : {}),
  });
  return startSparseServer({ config, model, logger, version: packageVersion() }).catch(async (e: unknown) => {
    await model.dispose();
    throw listenError(e, config);
  });
}

export async function serveCommand(argv: string[], ctx: CliContext): Promise<number> {
  const settings = resolveServeSettings(argv, ctx.env);
  if (settings === "help") {
    ctx.stdout.write(serveHelp());
    return 0;
  }
  const { config, store, modelGiven } = settings;
  const logger = pino({ name: "embedkit", level: config.logLevel }, ctx.stdout as unknown as pino.DestinationStream);
  logger.info(
    { model: config.model, quantization: config.quantization, cacheDir: store.cacheDir, offline: store.offline },
    "loading model",
  );
  const running =
    config.index !== undefined
      ? await serveIndex(config, store, logger, modelGiven)
      : (await isSparseModel(config.model))
        ? await serveSparse(config, store, logger)
        : await serveDense(config, store, logger);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      logger.info({ signal }, "signal received");
      running.close().then(resolve, (e: unknown) => {
        logger.error({ err: e }, "shutdown failed");
        resolve();
      });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  return 0;
}

/** The socket errors of listen() as typed errors naming the address (no stack trace). */
function listenError(e: unknown, config: ServerConfig): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  const why: Readonly<Record<string, string>> = {
    EADDRINUSE: "is already in use (another server is listening there; choose another --port, or 0 for any free port)",
    EACCES: "needs privileges (ports below 1024 usually do; choose a --port from 1024 up)",
    EADDRNOTAVAIL: "cannot be bound: the --host address is not an interface of this machine",
  };
  if (typeof code !== "string" || why[code] === undefined) return e;
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `port ${config.port} on ${config.host} ${why[code]}`,
    { flag: "--port", port: config.port, host: config.host, errno: code },
    { cause: e },
  );
}
