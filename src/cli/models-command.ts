/**
 * L6: `embedkit models list|pull|import|info|rm`.
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
import { DEFAULT_MODEL, getModelSpec, MODEL_IDS, MODELS } from "../models/registry.js";
import type { Quantization } from "../types.js";
import { storeFrom, type CliContext } from "./common.js";

export const MODELS_HELP = `Usage: embedkit models <list|pull|import|info|rm> [options]

  list [--cached] [--json]          supported models (${MODEL_IDS.length}); --cached: only what is in the cache
  pull ID [-q fp32|int8]            download a model's files into the cache, or re-check cached ones
                                    (sha256-checked; a damaged cached file is downloaded again)
  import PATH [--model ID] [-q Q]   copy a model from a folder, .zip/.jar or .tar.gz into the cache (for
                                    machines without hub access); the model and variant are recognized
                                    by sha256 when the registry knows them, else give --model and -q
  info ID [--verify] [--json]       a model's facts and cached files; --verify re-checks every sha256
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
      const cached = new Map((await listCachedModels(store)).map((m) => [m.modelId, m]));
      // --cached: models with at least one complete variant (a failed pull's leftovers do not count).
      const rows = MODEL_IDS.filter((id) => !values.cached || (cached.get(id)?.quantizations.length ?? 0) > 0).map(
        (id) => {
          const s = MODELS[id];
          const c = cached.get(id);
          return {
            id,
            dim: s.dim,
            maxTokens: s.maxTokens,
            pooling: s.pooling,
            cached: c?.quantizations ?? [],
            default: id === DEFAULT_MODEL,
          };
        },
      );
      if (values.json) {
        out(`${JSON.stringify(rows, null, 2)}\n`);
        return 0;
      }
      const w = Math.max(...rows.map((r) => r.id.length), 5);
      out(`${"model".padEnd(w)}  dim   max tok  pooling     cached\n`);
      for (const r of rows) {
        out(
          `${r.id.padEnd(w)}  ${String(r.dim).padEnd(5)} ${String(r.maxTokens).padEnd(8)} ${r.pooling.padEnd(11)} ${r.cached.join(",") || "-"}${r.default ? "   (default)" : ""}\n`,
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
      const id = need("a model id");
      if (id === undefined) return 2;
      const spec = getModelSpec(id);
      const cached = (await listCachedModels(store)).find((m) => m.modelId === id);
      const report = values.verify && cached ? await verifyModel(id, store) : undefined;
      if (values.json) {
        out(`${JSON.stringify({ id, ...spec, cached: cached ?? null, verify: report ?? null }, null, 2)}\n`);
      } else {
        out(`${id}\n  ${spec.description}\n`);
        out(`  dim ${spec.dim}, max tokens ${spec.maxTokens}, pooling ${spec.pooling}, normalized ${spec.normalize}\n`);
        const p = spec.prompts;
        out(
          `  prompts: query ${JSON.stringify(p.query)}, passage ${JSON.stringify(p.passage)}, symmetric ${JSON.stringify(p.symmetric)}\n`,
        );
        if (spec.matryoshkaDims) out(`  matryoshka dims: ${spec.matryoshkaDims.join(", ")}\n`);
        out(
          `  variants: ${Object.keys(spec.files.onnx).join(", ")}; source ${spec.source.repo}@${spec.source.revision}\n`,
        );
        out(`  license ${spec.license}, ~${spec.paramsM}M parameters, languages ${spec.languages.join(", ")}\n`);
        out(
          cached
            ? `  cached at ${cached.dir}: ${cached.quantizations.join(", ") || "no complete variant"} (${mb(cached.sizeBytes)})\n`
            : "  not cached\n",
        );
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
