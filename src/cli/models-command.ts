/**
 * L7: `embedkit models list|pull|import|info|rm`.
 */
import { parseArgs } from "node:util";
import {
  importModel,
  listCachedModels,
  removeModel,
  resolveModelFiles,
  verifyModel,
  type DownloadProgress,
} from "../hub/index.js";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { DEFAULT_RERANK_MODEL } from "../models/rerank-registry.js";
import {
  bm25ModelId,
  DEFAULT_MODEL,
  getModelSpec,
  isRegistryId,
  REGISTRY,
  REGISTRY_IDS,
  type RegistryId,
} from "../models/registry.js";
import type { ModelTask, RegistryRecord } from "../models/spec.js";
import type { Quantization } from "../types.js";
import { storeFrom, type CliContext } from "./common.js";
import { DEFAULT_SPARSE_MODEL } from "./embed-sparse.js";

const TASKS: readonly ModelTask[] = ["embed", "sparse", "rerank"];
const DEFAULTS: ReadonlySet<string> = new Set([DEFAULT_MODEL, DEFAULT_SPARSE_MODEL, DEFAULT_RERANK_MODEL]);

/** `--task` parsed: one of the registry's tasks, or an `invalid_option` error naming them. */
export function parseTaskFlag(value: string | undefined): ModelTask | undefined {
  if (value === undefined) return undefined;
  const task = TASKS.find((t) => t === value);
  if (task === undefined) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `--task must be one of ${TASKS.join(", ")}, got ${JSON.stringify(value)}`,
      { flag: "--task", value, allowed: TASKS },
    );
  }
  return task;
}

/** One row of `models list`: the columns every task shares, then the task's own facts. */
function listRow(id: RegistryId, r: RegistryRecord): { id: RegistryId } & Record<string, unknown> {
  switch (r.task) {
    case "embed":
      return { id, task: r.task, dim: r.dim, maxTokens: r.maxTokens, pooling: r.pooling };
    case "sparse":
      return r.kind === "bm25"
        ? { id, task: r.task, kind: r.kind }
        : { id, task: r.task, kind: r.kind, maxTokens: r.maxTokens, vocabSize: r.vocabSize, queries: r.queryEncoder };
    case "rerank":
      return { id, task: r.task, maxTokens: r.maxTokens, activation: r.activation };
  }
}

/** The text column after "max tok": pooling, sparse kind and query encoder, or activation. */
function detail(r: RegistryRecord): string {
  if (r.task === "embed") return r.pooling;
  if (r.task === "rerank") return r.activation;
  return r.kind === "bm25" ? "bm25" : `splade/${r.queryEncoder}`;
}

export const MODELS_HELP = `Usage: embedkit models <list|pull|import|info|rm> [options]

  list [--task T] [--cached] [--json]
                                    supported models (${REGISTRY_IDS.length}: dense, sparse and rerankers);
                                    --task embed|sparse|rerank: only that task's; --cached: only what is in the cache
  pull ID [-q fp32|int8]            download a model's files into the cache, or re-check cached ones
                                    (sha256-checked; a damaged cached file is downloaded again)
  import PATH [--model ID] [-q Q]   copy a model from a folder, .zip/.jar or .tar.gz into the cache (for
                                    machines without hub access); the model and variant are recognized
                                    by sha256 when the registry knows them, else give --model and -q
  info ID [--verify] [--json]       a model's facts (any task) and cached files; --verify re-checks every sha256
  rm ID                             delete a model from the cache

Common options:
      --cache-dir DIR   model cache (default $EMBEDKIT_CACHE or ~/.cache/embedkit)
      --offline         never touch the network
`;

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function progressPrinter(ctx: CliContext): (p: DownloadProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    const done = p.bytesTotal !== undefined && p.bytesDone >= p.bytesTotal;
    if (!done && now - last < 500) return;
    last = now;
    const total = p.bytesTotal !== undefined ? ` / ${mb(p.bytesTotal)}` : "";
    ctx.stderr.write(`  ${p.file}: ${mb(p.bytesDone)}${total}${done ? " done" : ""}\n`);
  };
}

/** The facts `models info` prints for a record, one line each, after its description. */
function infoLines(spec: RegistryRecord): string[] {
  if (spec.task === "sparse" && spec.kind === "bm25") {
    return [
      "task sparse (bm25): term weights computed in TypeScript; no model files, nothing to download",
      `languages ${spec.languages.join(", ")}; load it with SparseTextEmbedding`,
    ];
  }
  const lines: string[] = [];
  if (spec.task === "embed") {
    lines.push(
      `task embed: dim ${spec.dim}, max tokens ${spec.maxTokens}, pooling ${spec.pooling}, normalized ${spec.normalize}`,
    );
    const p = spec.prompts;
    lines.push(
      `prompts: query ${JSON.stringify(p.query)}, passage ${JSON.stringify(p.passage)}, symmetric ${JSON.stringify(p.symmetric)}`,
    );
    if (spec.matryoshkaDims) lines.push(`matryoshka dims: ${spec.matryoshkaDims.join(", ")}`);
    if (spec.chunking) {
      const c = spec.chunking;
      lines.push(`chunking (measured): --chunk ${c.strategy} --chunk-by ${c.by} --chunk-size ${c.size}; ${c.evidence}`);
    }
  } else if (spec.task === "sparse") {
    lines.push(
      `task sparse (splade): max tokens ${spec.maxTokens}, vocabulary ${spec.vocabSize}, queries ${spec.queryEncoder === "idf" ? "weighted by idf.json (doc-only)" : "run through the model"}; load it with SparseTextEmbedding`,
    );
  } else {
    lines.push(
      `task rerank: max tokens ${spec.maxTokens} per pair, activation ${spec.activation}; load it with TextCrossEncoder`,
    );
  }
  lines.push(
    `variants: ${Object.keys(spec.files.onnx).join(", ")}; source ${spec.source.repo}@${spec.source.revision}`,
  );
  lines.push(`license ${spec.license}, ~${spec.paramsM}M parameters, languages ${spec.languages.join(", ")}`);
  return lines;
}

export async function modelsCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: "string", short: "m" },
      quantization: { type: "string", short: "q" },
      "cache-dir": { type: "string" },
      offline: { type: "boolean" },
      cached: { type: "boolean" },
      verify: { type: "boolean" },
      json: { type: "boolean" },
      task: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [sub, arg] = positionals;
  if (values.help || sub === undefined) {
    ctx.stdout.write(MODELS_HELP);
    return values.help ? 0 : 2;
  }
  const store = storeFrom(values, ctx);
  const out = (s: string): void => void ctx.stdout.write(s);
  const need = (what: string): string | undefined => {
    if (arg === undefined) ctx.stderr.write(`embedkit models ${sub}: give ${what}\n`);
    return arg;
  };

  switch (sub) {
    case "list": {
      const task = parseTaskFlag(values.task);
      const cached = new Map((await listCachedModels(store)).map((m) => [m.modelId, m]));
      // --cached: models with at least one complete variant (a failed pull's leftovers do not count).
      const rows = REGISTRY_IDS.filter((id) => task === undefined || REGISTRY[id].task === task)
        .filter((id) => !values.cached || (cached.get(id)?.quantizations.length ?? 0) > 0)
        .map((id) => ({
          ...listRow(id, REGISTRY[id]),
          cached: cached.get(id)?.quantizations ?? [],
          default: DEFAULTS.has(id),
        }));
      if (values.json) {
        out(`${JSON.stringify(rows, null, 2)}\n`);
        return 0;
      }
      const w = Math.max(...rows.map((r) => r.id.length), 5);
      out(`${"model".padEnd(w)}  task    dim   max tok  details      cached\n`);
      for (const r of rows) {
        const rec = REGISTRY[r.id];
        const dim = rec.task === "embed" ? String(rec.dim) : "-";
        const maxTokens = "maxTokens" in rec ? String(rec.maxTokens) : "-";
        out(
          `${r.id.padEnd(w)}  ${rec.task.padEnd(7)} ${dim.padEnd(5)} ${maxTokens.padEnd(8)} ${detail(rec).padEnd(12)} ${r.cached.join(",") || "-"}${r.default ? "   (default)" : ""}\n`,
        );
      }
      out(`\ncache: ${store.cacheDir}\n`);
      return 0;
    }
    case "pull": {
      const id = need("a model id");
      if (id === undefined) return 2;
      const quantization = (values.quantization ?? "fp32") as Quantization;
      ctx.stderr.write(`pulling ${id} (${quantization}) into ${store.cacheDir}\n`);
      // "ready" is a promise: every file is hashed now, even one whose size and mtime are as recorded.
      const r = await resolveModelFiles({
        model: id,
        quantization,
        store,
        onProgress: progressPrinter(ctx),
        verify: "always",
      });
      out(`${r.modelId} (${r.quantization}) ready at ${r.dir} (sha256 verified)\n`);
      return 0;
    }
    case "import": {
      const source = need("the path of a folder or archive");
      if (source === undefined) return 2;
      const r = await importModel({
        source,
        store,
        model: values.model,
        quantization: values.quantization as Quantization | undefined,
      });
      const how = r.identifiedBy === "sha256" ? "recognized by sha256" : "as given";
      out(
        `${r.status === "imported" ? "imported" : "already present:"} ${r.modelId} (${r.quantization}, ${how}) -> ${r.dir}\n`,
      );
      for (const f of r.files)
        out(`  ${f.path}  ${mb(f.size)}  sha256 ${f.sha256}${f.written ? "" : "  (unchanged)"}\n`);
      return 0;
    }
    case "info": {
      const given = need("a model id");
      if (given === undefined) return 2;
      const id = bm25ModelId(given) ?? given;
      // Not a registry id: the dense lookup's unknown_model error, with its suggestions.
      const spec: RegistryRecord = isRegistryId(id) ? REGISTRY[id] : { ...getModelSpec(id), task: "embed" };
      const cached = (await listCachedModels(store)).find((m) => m.modelId === id);
      const report = values.verify && cached ? await verifyModel(id, store) : undefined;
      if (values.json) {
        out(`${JSON.stringify({ id, ...spec, cached: cached ?? null, verify: report ?? null }, null, 2)}\n`);
      } else {
        out(`${id}\n  ${spec.description}\n`);
        infoLines(spec).forEach((line) => out(`  ${line}\n`));
        if (spec.task !== "sparse" || spec.kind !== "bm25") {
          out(
            cached
              ? `  cached at ${cached.dir}: ${cached.quantizations.join(", ") || "no complete variant"} (${mb(cached.sizeBytes)})\n`
              : "  not cached\n",
          );
        }
        for (const f of report?.files ?? [])
          out(`    ${f.status.padEnd(8)} ${f.path}${f.sha256 ? `  sha256 ${f.sha256}` : ""}\n`);
      }
      return report && !report.ok ? 1 : 0;
    }
    case "rm": {
      const id = need("a model id");
      if (id === undefined) return 2;
      const r = await removeModel(id, store);
      out(r.removed ? `removed ${id} (${mb(r.freedBytes)} freed)\n` : `${id} was not in the cache\n`);
      return 0;
    }
    default:
      ctx.stderr.write(`embedkit models: unknown subcommand "${sub}"\n\n${MODELS_HELP}`);
      return 2;
  }
}
