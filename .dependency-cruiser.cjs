/**
 * The layer picture of ../shared/STYLE.md, enforced: a module imports only from layers below it,
 * native packages live behind one adapter each, and index.ts never exposes server/ or cli/.
 */
const L = {
  L0: "^src/(types|errors)\\.ts$",
  models: "^src/models/",
  pooling: "^src/pooling/",
  config: "^src/config/",
  hub: "^src/hub/",
  tokenizer: "^src/tokenizer/",
  runtime: "^src/runtime/",
  L3: "^src/(embed|rerank|sparse)/",
  L4: "^src/(chunking|search|eval)/",
  server: "^src/server/",
  cli: "^src/cli/",
};
const up = (name, from, to) => ({ name, severity: "error", from: { path: from }, to: { path: to } });
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    up("L0-imports-nothing-of-ours", L.L0, "^src/(?!(types|errors)\\.ts$)"),
    up(
      "L1-looks-down-only",
      "^src/(models|pooling|config)/",
      "^src/(hub|tokenizer|runtime|embed|rerank|sparse|chunking|search|eval|server|cli)/|^src/index\\.ts$",
    ),
    up(
      "L2-looks-down-only",
      "^src/(hub|tokenizer|runtime)/",
      "^src/(embed|rerank|sparse|chunking|search|eval|server|cli)/|^src/index\\.ts$",
    ),
    up("L2-adapters-are-independent", "^src/(hub|tokenizer|runtime)/", "^src/(?!\\1)(hub|tokenizer|runtime)/"),
    up("L3-looks-down-only", L.L3, "^src/(chunking|search|eval|server|cli)/|^src/index\\.ts$"),
    // search/ and chunking/ sit below eval/ (STYLE.md's L5), which builds on them.
    up("search-and-chunking-below-eval", "^src/(chunking|search)/", "^src/eval/"),
    up("L4-looks-down-only", L.L4, "^src/(server|cli)/"),
    up("L4-uses-public-engines-only", L.L4, "^src/(tokenizer|runtime|hub)/"),
    up("server-below-cli", L.server, "^src/cli/"),
    up("index-never-exports-edges", "^src/index\\.ts$", "^src/(server|cli)/"),
    {
      name: "onnxruntime-only-in-runtime",
      severity: "error",
      from: { pathNot: "^src/runtime/" },
      to: { path: "onnxruntime-node" },
    },
    {
      name: "tokenizers-only-in-tokenizer",
      severity: "error",
      from: { pathNot: "^src/tokenizer/" },
      to: { path: "node_modules/(tokenizers|@huggingface/tokenizers)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
