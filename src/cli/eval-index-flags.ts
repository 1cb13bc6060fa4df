/**
 * L7: `embedkit eval --index exact|ann`: the flags that score a retrieval task through the
 * vector index's own search (index/index-retriever.ts) instead of exact search, parsed into the
 * wrapper runEvalCommand takes. With --index, --precision is the index's precision (float32 or
 * binary) and --rescore its rescoring multiplier.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import type { IndexSearchWrapper } from "../eval/command.js";
import { ANN_TYPES, parseIndexPrecision, parseRescoreWith, type AnnType } from "../index/ann-options.js";
import { IndexRetriever, indexLabel, type IndexRetrieverOptions } from "../index/index-retriever.js";
import { intFlag } from "./common.js";

/** The parseArgs options of the index flags. */
export const EVAL_INDEX_OPTIONS = {
  index: { type: "string" },
  "ann-type": { type: "string" },
  nprobes: { type: "string" },
  ef: { type: "string" },
  "refine-factor": { type: "string" },
  "rescore-with": { type: "string" },
} as const;

/** The help lines of the index flags. */
export const EVAL_INDEX_HELP = `      --index exact|ann     retrieval and chunked tasks: search through the vector index (a LanceDB store
                            in a temporary folder, VectorIndex's search path): exact (flat scan) or ann (ANN index built
                            first); results under <model>+index-<mode>[-<ann type>]; with --index,
                            --precision float32|binary is the index's and --rescore N its multiplier
      --ann-type T          ivf_hnsw_sq (default) | ivf_pq | ivf_flat
      --nprobes N, --ef N, --refine-factor N   ANN search knobs (default: VectorIndex.search's)
      --rescore-with W      binary index: rescore against float32 vectors (default) or bits (as --precision binary)
`;

type Values = {
  readonly index?: string | undefined;
  readonly "ann-type"?: string | undefined;
  readonly nprobes?: string | undefined;
  readonly ef?: string | undefined;
  readonly "refine-factor"?: string | undefined;
  readonly "rescore-with"?: string | undefined;
  readonly precision?: string[] | undefined;
  readonly rescore?: string | undefined;
};

function bad(flag: string, message: string, value: unknown): EmbedkitError {
  return new EmbedkitError(ERROR_CODES.INVALID_OPTION, `${flag} ${message}, got ${JSON.stringify(value)}`, {
    flag,
    value,
  });
}

/** The index wrapper the flags ask for, or undefined without --index (then the other index flags are errors). */
export function indexWrapperFrom(values: Values): IndexSearchWrapper | undefined {
  if (values.index === undefined) {
    for (const flag of ["ann-type", "nprobes", "ef", "refine-factor", "rescore-with"] as const) {
      if (values[flag] !== undefined) throw bad(`--${flag}`, "applies with --index", values[flag]);
    }
    return undefined;
  }
  if (values.index !== "exact" && values.index !== "ann") throw bad("--index", "must be exact or ann", values.index);
  const precisions = values.precision ?? [];
  if (precisions.length > 1) throw bad("--precision", "is one value with --index (float32 or binary)", precisions);
  const precision = precisions.length === 1 ? parseIndexPrecision(precisions[0], "--precision") : "float32";
  const mode = values.index;
  const type = values["ann-type"];
  if (type !== undefined && !ANN_TYPES.includes(type as AnnType)) {
    throw bad("--ann-type", `must be one of ${ANN_TYPES.join(", ")}`, type);
  }
  if (mode === "exact" && (type ?? values.nprobes ?? values.ef ?? values["refine-factor"]) !== undefined) {
    throw bad("--index", "must be ann with --ann-type, --nprobes, --ef or --refine-factor", mode);
  }
  if (mode === "ann" && precision === "binary") {
    throw bad("--index", "must be exact with --precision binary (a binary index is a flat Hamming scan)", mode);
  }
  if (precision === "float32" && (values.rescore ?? values["rescore-with"]) !== undefined) {
    throw bad("--rescore", "applies to --precision binary with --index", values.rescore ?? values["rescore-with"]);
  }
  const options: IndexRetrieverOptions = {
    mode,
    precision,
    ...(type !== undefined ? { ann: { type: type as AnnType } } : {}),
    search: {
      ...(values.nprobes !== undefined ? { nprobes: intFlag("--nprobes", values.nprobes) } : {}),
      ...(values.ef !== undefined ? { ef: intFlag("--ef", values.ef) } : {}),
      ...(values["refine-factor"] !== undefined
        ? { refineFactor: intFlag("--refine-factor", values["refine-factor"]) }
        : {}),
    },
    ...(precision === "binary"
      ? {
          rescore: values.rescore !== undefined ? intFlag("--rescore", values.rescore) : false,
          ...(values["rescore-with"] !== undefined ? { rescoreWith: parseRescoreWith(values["rescore-with"]) } : {}),
        }
      : {}),
  };
  const label = indexLabel(options);
  return { label, wrap: (embedder) => new IndexRetriever(embedder, options) };
}
