/**
 * L7: the embedkit command line. Parses argv, wires commands, and turns errors into one clear
 * line on stderr and an exit code (1: the work failed, 2: the command was used wrongly: an
 * unknown flag, or one of the USAGE_ERRORS below).
 */
import { ERROR_CODES, isEmbedkitError, type EmbedkitError, type ErrorCode } from "../errors.js";
import { FLAG_FOR_OPTION, type CliContext } from "./common.js";
import { embedCommand } from "./embed-command.js";
import { modelsCommand } from "./models-command.js";
import { evalCommand } from "./eval-command.js";
import { rerankCommand } from "./rerank-command.js";
import { serveCommand } from "./serve-command.js";
import { jobCommand } from "./job-command.js";
import { workerCommand } from "./worker-command.js";
import { indexCommand } from "./index-command.js";
import { searchCommand } from "./search-command.js";

const HELP = `embedkit: fast, correct text embeddings on Node

Usage: embedkit <command> [options]

Commands:
  embed [text ...]        embed texts (arguments, --input FILE, or stdin lines) to JSON lines or .npy
  models list             the supported models, and which are cached
  models pull ID          download a model into the cache
  models import PATH      add a model from a folder or archive (.zip/.jar/.tar.gz), for offline machines
  models info ID          a model's facts and cached files (--verify re-checks sha256)
  models rm ID            remove a model from the cache
  rerank --query TEXT     rank documents (--input FILE or stdin) for a query with a cross-encoder
  eval                    score a model on MTEB-style tasks (STSBenchmark, Banking77, your own files)
  serve                   HTTP server: TEI routes and OpenAI /v1/embeddings, with dynamic batching
                          (--index DIR: also POST /v1/search over a vector index)
  job submit|status|retry|cancel   bulk embedding jobs on a Redis queue (BullMQ), any number of workers
  worker                  take units of bulk jobs from the queue; Ctrl-C drains
  index add|info|rm|optimize DIR   a vector index in a folder: chunk, embed and store records; counts;
                          delete by id; compact and build the ANN index
  search DIR QUERY        the nearest chunks of a vector index, one hit per line (id, score, text)

Run \`embedkit <command> --help\` for a command's options.
`;

type Command = (argv: string[], ctx: CliContext) => Promise<number>;
const COMMANDS: Record<string, Command> = {
  embed: embedCommand,
  models: modelsCommand,
  eval: evalCommand,
  rerank: rerankCommand,
  serve: serveCommand,
  job: jobCommand,
  worker: workerCommand,
  index: indexCommand,
  search: searchCommand,
};

export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    ctx.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    ctx.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.stderr.write(`embedkit: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(rest, ctx);
  } catch (e) {
    if (isEmbedkitError(e)) {
      ctx.stderr.write(`embedkit ${name}: error [${e.code}]: ${e.message}${flagHint(e)}\n`);
      return USAGE_ERRORS.has(e.code) ? 2 : 1;
    }
    const err = e as { code?: string; message?: string };
    if (typeof err.code === "string" && err.code.startsWith("ERR_PARSE_ARGS")) {
      ctx.stderr.write(`embedkit ${name}: ${err.message}\nRun \`embedkit ${name} --help\` for its options.\n`);
      return 2;
    }
    ctx.stderr.write(`embedkit ${name}: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

export const VERSION = "0.1.0";

/**
 * Errors that mean the command was given something wrong (exit 2), not that its work failed
 * (exit 1): a bad option, a --model the index was not built with, a database URL that reaches
 * no database.
 */
const USAGE_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ERROR_CODES.INVALID_OPTION,
  ERROR_CODES.INDEX_MODEL_MISMATCH,
  ERROR_CODES.DATABASE_UNREACHABLE,
]);

/** " (set by --batch-size)" when a library option error is about an option a flag sets. */
function flagHint(e: EmbedkitError): string {
  if (e.code !== ERROR_CODES.INVALID_OPTION || e.details["flag"] !== undefined) return "";
  const field = e.details["field"];
  const flag = typeof field === "string" ? FLAG_FOR_OPTION[field] : undefined;
  return flag !== undefined ? ` (set by ${flag})` : "";
}
