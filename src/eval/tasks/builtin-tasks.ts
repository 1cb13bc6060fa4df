/**
 * L4: the tasks embedkit knows by name. Their data is read in place from a data folder the
 * caller names (`dataDir`); there is no default location.
 */
import { EmbedkitError, ERROR_CODES } from "../../errors.js";
import { loadBanking77 } from "./banking77.js";
import { loadCranfield } from "./cranfield.js";
import { loadQmsum } from "./qmsum.js";
import { loadXquad } from "./xquad.js";
import { loadXquadRetrieval } from "./xquad-retrieval.js";
import { loadStsBenchmark } from "./sts-benchmark.js";
import type { EvalTask } from "./task-types.js";

const LOADERS = {
  STSBenchmark: (dataDir: string) => loadStsBenchmark(dataDir, "test"),
  Banking77Classification: (dataDir: string) => loadBanking77(dataDir),
  Cranfield: (dataDir: string) => loadCranfield(dataDir),
  QMSumChunked: (dataDir: string) => loadQmsum(dataDir),
  XQuADChunked: (dataDir: string) => loadXquad(dataDir),
  XQuADRetrieval: (dataDir: string) => loadXquadRetrieval(dataDir),
} as const satisfies Record<string, (dataDir: string) => Promise<EvalTask>>;

export type BuiltinTaskName = keyof typeof LOADERS;

export const BUILTIN_TASK_NAMES = Object.keys(LOADERS) as BuiltinTaskName[];

/** The built-in name matching `name`, compared without regard to case; undefined if none. */
export function findBuiltinTask(name: string): BuiltinTaskName | undefined {
  return BUILTIN_TASK_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
}

export async function loadBuiltinTask(name: string, options: { readonly dataDir: string }): Promise<EvalTask> {
  const found = findBuiltinTask(name);
  if (!found) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_TASK,
      `unknown task ${JSON.stringify(name)}; built-in tasks: ${BUILTIN_TASK_NAMES.join(", ")}`,
      { field: "task", value: name, allowed: BUILTIN_TASK_NAMES },
    );
  }
  return LOADERS[found](options.dataDir);
}
