/**
 * L7: `embedkit worker`: takes units of bulk jobs from the queue until SIGTERM/SIGINT, then
 * drains (finishes the running unit, takes no new one). A second signal exits at once; the
 * unit it was computing is taken over by another worker once its lock expires.
 */
import { parseArgs } from "node:util";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { runWorker } from "../jobs/run-worker.js";
import { commonModelOptions, storeFrom, type CliContext } from "./common.js";
import { REDIS_HELP, redisOptions, redisTarget } from "./job-command.js";

const HELP = `Usage: embedkit worker [options]

Embeds the units of every job on the queue, one model load per process. Ctrl-C (SIGINT) or
SIGTERM drains: the running unit finishes and is written, then the worker exits.

Options:
${REDIS_HELP}      --concurrency N      units computed at once (default 1; the runtime already uses the cores)
      --lock-ms N          a unit's lock; a dead worker's unit is taken over after it (default 30000)
      --stalled-ms N       how often to look for stalled units (default: --lock-ms)
      --max-stalled N      times a unit may stall before it is failed (default 5)
      --metrics-port N     serve Prometheus metrics on GET /metrics (0: any free port)
      --metrics-host H     address for the metrics (default 127.0.0.1)
      --batch-size N       texts per runtime call (default 64)
      --cache-dir DIR      model cache (default $EMBEDKIT_CACHE or ~/.cache/embedkit)
      --offline            never touch the network
      --threads N          ONNX Runtime intra-op threads (default: all cores)
`;

function intFlag(v: string | undefined, flag: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new EmbedkitError(ERROR_CODES.INVALID_OPTION, `--${flag} must be an integer >= ${min}, got "${v}"`, {
      field: flag,
      value: v,
      min,
    });
  }
  return n;
}

export async function workerCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...redisOptions,
      "cache-dir": commonModelOptions.options["cache-dir"],
      offline: commonModelOptions.options.offline,
      threads: commonModelOptions.options.threads,
      concurrency: { type: "string" },
      "lock-ms": { type: "string" },
      "stalled-ms": { type: "string" },
      "max-stalled": { type: "string" },
      "metrics-port": { type: "string" },
      "metrics-host": { type: "string" },
      "batch-size": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  const concurrency = intFlag(values.concurrency, "concurrency");
  const lockDurationMs = intFlag(values["lock-ms"], "lock-ms");
  const stalledIntervalMs = intFlag(values["stalled-ms"], "stalled-ms");
  const maxStalledCount = intFlag(values["max-stalled"], "max-stalled");
  const metricsPort = intFlag(values["metrics-port"], "metrics-port", 0);
  const threads = intFlag(values.threads, "threads");
  const batchSize = intFlag(values["batch-size"], "batch-size");
  const log = (line: string): void => void ctx.stderr.write(`${new Date().toISOString()} [${process.pid}] ${line}\n`);
  const handle = await runWorker({
    ...redisTarget(values, ctx),
    log,
    model: {
      store: storeFrom(values, ctx),
      ...(threads !== undefined ? { intraOpThreads: threads } : {}),
      ...(batchSize !== undefined ? { batchSize } : {}),
    },
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
    ...(stalledIntervalMs !== undefined ? { stalledIntervalMs } : {}),
    ...(maxStalledCount !== undefined ? { maxStalledCount } : {}),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    ...(values["metrics-host"] !== undefined ? { metricsHost: values["metrics-host"] } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      log(`${signal} received`);
      const force = (): never => process.exit(130);
      process.once("SIGTERM", force);
      process.once("SIGINT", force);
      handle.close().then(resolve, (e: unknown) => {
        log(`drain failed: ${(e as Error).message}`);
        resolve();
      });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  return 0;
}
