/**
 * The layer picture of ../shared/STYLE.md, enforced: a module imports only from layers below it,
 * native packages live behind one adapter each, and index.ts never exposes server/ or cli/.
 */
const L = {
  L0: "^src/(types|errors|text-input)\\.ts$",
  models: "^src/models/",
  pooling: "^src/pooling/",
  config: "^src/config/",
  hub: "^src/hub/",
  tokenizer: "^src/tokenizer/",
  runtime: "^src/runtime/",
  engine: "^src/engine/",
  L3: "^src/(engine|embed|rerank|sparse)/",
  // chunking/ is pure splitting logic on a ChunkTokenizer it is given: L1, so the engines can offer chunk()/embedChunks().
  chunking: "^src/chunking/",
  L4: "^src/(search|eval)/",
  L5: "^src/(jobs|index|sinks)/",
  server: "^src/server/",
  integrations: "^src/integrations/",
  cli: "^src/cli/",
};
const up = (name, from, to) => ({ name, severity: "error", from: { path: from }, to: { path: to } });
const ADAPTERS = ["hub", "tokenizer", "runtime"];
/** One rule per ordered pair of L2 adapters: none imports another (a regex cannot say "another group"). */
const adapterPairs = ADAPTERS.flatMap((a) =>
  ADAPTERS.filter((b) => b !== a).map((b) => up(`L2-${a}-does-not-import-${b}`, `^src/${a}/`, `^src/${b}/`)),
);
/** Node's modules that reach outside the process (files, network, processes, threads). */
const IO_MODULES =
  "^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline|os)$";
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    up("L0-imports-nothing-of-ours", L.L0, "^src/(?!(types|errors|text-input)\\.ts$)"),
    up(
      "L1-looks-down-only",
      "^src/(models|pooling|config|chunking)/",
      "^src/(hub|tokenizer|runtime|engine|embed|rerank|sparse|search|eval|jobs|index|sinks|server|cli)/|^src/index\\.ts$",
    ),
    up(
      "L2-looks-down-only",
      "^src/(hub|tokenizer|runtime)/",
      "^src/(engine|embed|rerank|sparse|chunking|search|eval|jobs|index|sinks|server|cli)/|^src/index\\.ts$",
    ),
    ...adapterPairs,
    up("engine-below-engines", L.engine, "^src/(embed|rerank|sparse)/"),
    up("L3-looks-down-only", L.L3, "^src/(search|eval|jobs|index|sinks|server|cli)/|^src/index\\.ts$"),
    // search/ sits below eval/ (STYLE.md's L5), which builds on it.
    up("search-below-eval", "^src/search/", "^src/eval/"),
    up("L4-looks-down-only", L.L4, "^src/(jobs|index|sinks|server|cli)/"),
    up("L4-uses-public-engines-only", L.L4, "^src/(tokenizer|runtime|hub)/"),
    up("L5-looks-down-only", L.L5, "^src/(server|cli)/|^src/index\\.ts$"),
    up("L5-uses-public-engines-only", L.L5, "^src/(tokenizer|runtime|hub)/"),
    up("server-below-cli", L.server, "^src/cli/"),
    up("server-holds-no-model-math", L.server, "^src/(pooling|runtime|tokenizer)/"),
    {
      name: "models-pooling-chunking-do-no-io",
      severity: "error",
      from: { path: "^src/(models|pooling|chunking)/" },
      to: { path: IO_MODULES },
    },
    up("index-never-exports-edges", "^src/index\\.ts$", "^src/(server|cli|integrations)/"),
    // L6 integrations build on the public surface only (index.ts and the engines' own files).
    up("integrations-use-public-api-only", L.integrations, "^src/(?!(index\\.ts$|embed/|integrations/))"),
    up("nothing-imports-integrations", "^src/(?!integrations/)", L.integrations),
    {
      // The base `embedkit` import must never load a framework: they are optional peers.
      name: "frameworks-only-in-integrations",
      severity: "error",
      from: { pathNot: L.integrations },
      to: { path: "node_modules/(@langchain|llamaindex|@llamaindex|ai|@ai-sdk)/" },
    },
    {
      name: "onnxruntime-only-in-runtime",
      severity: "error",
      from: { pathNot: "^src/runtime/" },
      to: { path: "onnxruntime-node" },
    },
    {
      // The vector index's storage library lives behind one adapter (src/index/store/).
      name: "lancedb-only-in-index-store",
      severity: "error",
      from: { pathNot: "^src/index/store/" },
      to: { path: "node_modules/(@lancedb|apache-arrow)/" },
    },
    {
      name: "tokenizers-only-in-tokenizer",
      severity: "error",
      from: { pathNot: "^src/tokenizer/" },
      to: { path: "node_modules/(tokenizers|@huggingface/tokenizers)/" },
    },
    {
      // node-postgres lives behind one adapter, as onnxruntime and the tokenizer do.
      name: "pg-only-in-pg-session",
      severity: "error",
      from: { pathNot: "^src/sinks/postgres/pg-session\\.ts$" },
      to: { path: "node_modules/(pg|pg-[a-z-]+)/" },
    },
    {
      // PGlite is the tests' pgvector server, never a runtime dependency of the library.
      name: "pglite-only-in-tests",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "node_modules/@electric-sql/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
