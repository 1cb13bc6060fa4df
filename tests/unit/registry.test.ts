/**
 * Invariants of the model registry (src/models/) and of the README table generated from it.
 * Every check here reads the data as a consumer would; each can fail if a record is edited
 * wrongly.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EmbedkitError, ERROR_CODES } from "../../src/errors.js";
import { BGE_MODELS } from "../../src/models/catalog/bge.js";
import { E5_MODELS } from "../../src/models/catalog/e5.js";
import { GTE_MODELS } from "../../src/models/catalog/gte.js";
import { JINA_MODELS } from "../../src/models/catalog/jina.js";
import { MINILM_MODELS } from "../../src/models/catalog/minilm.js";
import { NOMIC_MODELS } from "../../src/models/catalog/nomic.js";
import {
  BM25_MODELS,
  bm25ModelId,
  DEFAULT_MODEL,
  getModelSpec,
  isModelId,
  MODEL_IDS,
  MODELS,
  REGISTRY_IDS,
  RERANK_MODELS,
  SPARSE_MODELS,
  suggestModels,
  taskOf,
} from "../../src/models/registry.js";
import { SPARSE_MODEL_IDS } from "../../src/models/sparse-registry.js";
import type { ModelFile, ModelSpec } from "../../src/models/spec.js";
import {
  formatModelTable,
  formatRegistryTables,
  formatRerankTable,
  formatSparseTable,
} from "../../src/models/table.js";
import type { Pooling } from "../../src/types.js";
import { END_MARKER, spliceModelTable, START_MARKER } from "../../scripts/gen-readme-models.js";

const ALL: ReadonlyArray<readonly [string, ModelSpec]> = Object.entries(MODELS);
const POOLINGS: readonly Pooling[] = ["cls", "mean", "last_token"];
const BGE_EN_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

/** Every file of a record, including ONNX external-data sidecars. */
function filesOf(spec: ModelSpec): ModelFile[] {
  const out: ModelFile[] = [spec.files.tokenizer];
  if (spec.files.config) out.push(spec.files.config);
  for (const f of Object.values(spec.files.onnx)) {
    if (!f) continue;
    out.push(f);
    if (f.externalData) out.push(f.externalData);
  }
  return out;
}

describe("model registry", () => {
  it("holds every family once: no family silently overrides another's id", () => {
    const families = [BGE_MODELS, GTE_MODELS, E5_MODELS, MINILM_MODELS, NOMIC_MODELS, JINA_MODELS];
    const total = families.reduce((n, f) => n + Object.keys(f).length, 0);
    assert.equal(MODEL_IDS.length, total);
    assert.ok(MODEL_IDS.length >= 18, `expected at least 18 models, got ${MODEL_IDS.length}`);
  });

  it("has the default model registered, first in order, as bge-small-en-v1.5", () => {
    assert.equal(DEFAULT_MODEL, "BAAI/bge-small-en-v1.5");
    assert.ok(isModelId(DEFAULT_MODEL));
    assert.equal(MODEL_IDS[0], DEFAULT_MODEL);
  });

  for (const [id, spec] of ALL) {
    describe(id, () => {
      it("has positive integer dim, maxTokens and paramsM", () => {
        assert.ok(Number.isInteger(spec.dim) && spec.dim > 0, `dim ${spec.dim}`);
        assert.ok(Number.isInteger(spec.maxTokens) && spec.maxTokens > 0, `maxTokens ${spec.maxTokens}`);
        assert.ok(spec.paramsM > 0, `paramsM ${spec.paramsM}`);
      });

      it("uses a known pooling", () => {
        assert.ok(POOLINGS.includes(spec.pooling), `pooling ${spec.pooling}`);
      });

      it("has a source repo, a description, a license and languages", () => {
        assert.match(spec.source.repo, /^[\w.-]+\/[\w.-]+$/);
        assert.ok(spec.source.revision.length > 0);
        assert.ok(spec.description.trim().length > 0);
        assert.ok(spec.license.trim().length > 0);
        assert.ok(spec.languages.length > 0);
      });

      it("has an fp32 ONNX file and a tokenizer.json", () => {
        assert.match(spec.files.onnx.fp32.path, /\.onnx$/);
        assert.match(spec.files.tokenizer.path, /(^|\/)tokenizer\.json$/);
      });

      it("gives each ONNX variant its own path", () => {
        const paths = Object.values(spec.files.onnx).map((f) => f?.path);
        assert.equal(new Set(paths).size, paths.length, `duplicate paths: ${paths.join(", ")}`);
        for (const p of paths) assert.match(p ?? "", /\.onnx$/);
      });

      it("pins hashes only as 64 lowercase hex together with a positive byte size", () => {
        for (const f of filesOf(spec)) {
          if (f.sha256 === undefined && f.size === undefined) continue;
          assert.match(f.sha256 ?? "", /^[0-9a-f]{64}$/, `${f.path}: sha256 ${String(f.sha256)}`);
          assert.ok(Number.isInteger(f.size) && (f.size ?? 0) > 0, `${f.path}: size ${String(f.size)}`);
        }
      });

      it("has Matryoshka dims, if any, that are distinct, positive and at most dim", () => {
        const dims = spec.matryoshkaDims ?? [];
        assert.equal(new Set(dims).size, dims.length);
        for (const d of dims) assert.ok(Number.isInteger(d) && d > 0 && d <= spec.dim, `${d} vs dim ${spec.dim}`);
      });
    });
  }

  it("pools BGE with CLS and every other family with mean (the fastembed-js mistake)", () => {
    for (const [id, spec] of ALL) {
      assert.equal(spec.pooling, id.startsWith("BAAI/bge-") ? "cls" : "mean", id);
    }
  });

  it("gives every E5 model the 'query: '/'passage: ' prompts, 'query: ' when symmetric", () => {
    const e5 = ALL.filter(([id]) => id.startsWith("intfloat/"));
    assert.equal(e5.length, 6);
    for (const [id, spec] of e5) {
      assert.deepEqual({ ...spec.prompts }, { query: "query: ", passage: "passage: ", symmetric: "query: " }, id);
    }
  });

  it("gives English BGE the retrieval instruction on queries only", () => {
    const bgeEn = ALL.filter(([id]) => /^BAAI\/bge-.*-en-/.test(id));
    assert.equal(bgeEn.length, 3);
    for (const [id, spec] of bgeEn) {
      assert.equal(spec.prompts.query, BGE_EN_INSTRUCTION, id);
      assert.equal(spec.prompts.passage, "", id);
      assert.equal(spec.prompts.symmetric, "", id);
    }
  });

  it("gives Chinese BGE its Chinese instruction", () => {
    assert.equal(getModelSpec("BAAI/bge-small-zh-v1.5").prompts.query, "为这个句子生成表示以用于检索相关文章：");
  });

  it("gives nomic v1.5 its task prefixes, Matryoshka dims down to 64 and the layer norm", () => {
    const nomic = getModelSpec("nomic-ai/nomic-embed-text-v1.5");
    assert.deepEqual([...(nomic.matryoshkaDims ?? [])], [768, 512, 256, 128, 64]);
    assert.equal(nomic.prompts.query, "search_query: ");
    assert.equal(nomic.prompts.passage, "search_document: ");
    assert.equal(nomic.layerNormAfterPooling, true);
    const others = ALL.filter(([id, s]) => s.layerNormAfterPooling === true && id !== "nomic-ai/nomic-embed-text-v1.5");
    assert.deepEqual(others, []);
  });

  it("records the documented context lengths", () => {
    assert.equal(getModelSpec("sentence-transformers/all-MiniLM-L6-v2").maxTokens, 256);
    assert.equal(getModelSpec("jinaai/jina-embeddings-v2-small-en").maxTokens, 8192);
    assert.equal(getModelSpec("nomic-ai/nomic-embed-text-v1.5").maxTokens, 8192);
  });

  it("ships multilingual-e5-large fp32 with its external-data file next to the graph", () => {
    const fp32 = getModelSpec("intfloat/multilingual-e5-large").files.onnx.fp32;
    assert.equal(fp32.externalData?.path, `${fp32.path}_data`);
  });

  it("keeps the published hashes of the original four entries", () => {
    const sha = (id: string, q: "fp32" | "int8"): string | undefined => getModelSpec(id).files.onnx[q]?.sha256;
    assert.equal(
      sha("BAAI/bge-small-en-v1.5", "fp32"),
      "828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35",
    );
    assert.equal(
      sha("intfloat/e5-small-v2", "int8"),
      "7d9092cb25f2bd1c023b7e8d2aa459044a02030ac880e5a59fdaf27af69f1ded",
    );
    assert.equal(
      sha("sentence-transformers/all-MiniLM-L6-v2", "fp32"),
      "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
    );
  });
});

describe("getModelSpec", () => {
  it("returns the record of a registered id", () => {
    assert.equal(getModelSpec("thenlper/gte-base").dim, 768);
  });

  it("throws unknown_model with the close ids as suggestions for 'bge-small'", () => {
    assert.throws(
      () => getModelSpec("bge-small"),
      (e: unknown) => {
        assert.ok(e instanceof EmbedkitError);
        assert.equal(e.code, ERROR_CODES.UNKNOWN_MODEL);
        assert.match(e.message, /"bge-small"/);
        const suggestions = e.details["suggestions"];
        assert.ok(Array.isArray(suggestions));
        assert.ok(suggestions.includes("BAAI/bge-small-en-v1.5"), String(suggestions));
        assert.ok(suggestions.includes("BAAI/bge-small-zh-v1.5"), String(suggestions));
        assert.ok(!suggestions.includes("intfloat/e5-small-v2"), String(suggestions));
        return true;
      },
    );
  });

  it("suggests the id one typo away, and nothing for an unrelated name", () => {
    assert.deepEqual(suggestModels("BAAI/bge-smal-en-v1.5"), ["BAAI/bge-small-en-v1.5"]);
    assert.deepEqual(suggestModels("nope/x"), []);
  });

  it("suggests nothing, not everything, for an id with an empty name part", () => {
    assert.throws(
      () => getModelSpec("BAAI/"),
      (e: unknown) =>
        e instanceof EmbedkitError && Array.isArray(e.details["suggestions"]) && e.details["suggestions"].length === 0,
    );
  });
});

describe("formatModelTable", () => {
  const table = formatModelTable();
  const lines = table.split("\n");

  it("has a header, a delimiter row and one row per model, in registry order", () => {
    assert.equal(lines.length, 2 + MODEL_IDS.length);
    assert.match(
      lines[0] ?? "",
      /^\| Model +\| +Dim \| Max tokens \| Pooling \| Prompts \| int8 \| License +\| Params \|$/,
    );
    assert.match(lines[1] ?? "", /^\|(?: :?-+:? \|)+$/);
    MODEL_IDS.forEach((id, i) => assert.ok(lines[i + 2]?.includes(`\`${id}\``), `row ${i + 2} should be ${id}`));
  });

  it("mentions every model id", () => {
    for (const id of MODEL_IDS) assert.ok(table.includes(`\`${id}\``), id);
  });

  it("marks the default model and only it", () => {
    const marked = lines.filter((l) => l.includes("(default)"));
    assert.equal(marked.length, 1);
    assert.ok(marked[0]?.includes(`\`${DEFAULT_MODEL}\``));
  });

  it("renders the facts of a given record", () => {
    const spec = getModelSpec("intfloat/e5-small-v2");
    const one = formatModelTable(
      { "x/y": { ...spec, files: { ...spec.files, onnx: { fp32: spec.files.onnx.fp32 } } } },
      "none",
    );
    const cells = one
      .split("\n")[2]
      ?.split("|")
      .map((c) => c.trim());
    assert.deepEqual(cells, ["", "`x/y`", "384", "512", "mean", "yes", "no", "MIT", "33M", ""]);
  });

  it("pads every row to the same width (prettier's table form)", () => {
    assert.equal(new Set(lines.map((l) => l.length)).size, 1);
  });
});

describe("spliceModelTable", () => {
  it("replaces only the block between the markers", () => {
    const readme = `# t\n\nbefore\n\n${START_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    assert.equal(
      spliceModelTable(readme, "| a |"),
      `# t\n\nbefore\n\n${START_MARKER}\n\n| a |\n\n${END_MARKER}\n\nafter\n`,
    );
  });

  it("is idempotent", () => {
    const once = spliceModelTable(`${START_MARKER}\n${END_MARKER}\n`, "| a |");
    assert.equal(spliceModelTable(once, "| a |"), once);
  });

  it("refuses missing, repeated or reversed markers", () => {
    assert.throws(() => spliceModelTable("no markers", "t"), /exactly one/);
    assert.throws(() => spliceModelTable(`${START_MARKER}${START_MARKER}${END_MARKER}`, "t"), /found 2 and 1/);
    assert.throws(() => spliceModelTable(`${END_MARKER}\n${START_MARKER}`, "t"), /comes before/);
  });
});

describe("one registry table for every task", () => {
  it("holds every catalog once: no id of one task silently overrides another task's", async () => {
    const { BM25_CATALOG } = await import("../../src/models/catalog/bm25.js");
    const { RERANK_CATALOG } = await import("../../src/models/catalog/rerank.js");
    const { SPARSE_CATALOG } = await import("../../src/models/catalog/sparse.js");
    const families = [BGE_MODELS, GTE_MODELS, E5_MODELS, MINILM_MODELS, NOMIC_MODELS, JINA_MODELS];
    const all = [...families, SPARSE_CATALOG, BM25_CATALOG, RERANK_CATALOG];
    const total = all.reduce((n, f) => n + Object.keys(f).length, 0);
    assert.equal(REGISTRY_IDS.length, total);
  });

  it("the per-task tables partition the registry, in registry order, each record tagged with its task", () => {
    const views = [MODELS, SPARSE_MODELS, BM25_MODELS, RERANK_MODELS].map((v) => Object.keys(v));
    assert.deepEqual(views.flat().sort(), [...REGISTRY_IDS].sort());
    assert.deepEqual(
      REGISTRY_IDS.filter((id) => taskOf(id) === "embed"),
      MODEL_IDS,
    );
    for (const [id, r] of Object.entries(SPARSE_MODELS)) assert.deepEqual([r.task, r.kind], ["sparse", "splade"], id);
    for (const [id, r] of Object.entries(BM25_MODELS)) assert.deepEqual([r.task, r.kind], ["sparse", "bm25"], id);
    for (const [id, r] of Object.entries(RERANK_MODELS)) assert.equal(r.task, "rerank", id);
    assert.equal(taskOf("not/a-model"), undefined);
  });

  it("bm25 ids match in any case; a sparse or rerank id given where a dense one is needed names the right engine", () => {
    assert.equal(bm25ModelId("BM25"), "bm25");
    assert.equal(bm25ModelId("qdrant/BM25"), "Qdrant/bm25");
    assert.equal(bm25ModelId("bm25x"), undefined);
    assert.deepEqual(SPARSE_MODEL_IDS.slice(0, 2), ["bm25", "Qdrant/bm25"]);
    const code = (c: string, use: string) => (e: unknown) =>
      e instanceof EmbedkitError && e.code === c && (e.details as { use?: string }).use === use;
    assert.throws(() => getModelSpec("bm25"), code(ERROR_CODES.WRONG_MODEL_TASK, "SparseTextEmbedding"));
    assert.throws(
      () => getModelSpec("embedkit-test/splade-tiny"),
      code(ERROR_CODES.WRONG_MODEL_TASK, "SparseTextEmbedding"),
    );
    assert.throws(() => getModelSpec("BAAI/bge-reranker-base"), code(ERROR_CODES.WRONG_MODEL_TASK, "TextCrossEncoder"));
  });
});

describe("formatSparseTable / formatRerankTable / formatRegistryTables", () => {
  it("the sparse table has one row per SPLADE encoder then per BM25 id, in registry order", () => {
    const lines = formatSparseTable().split("\n");
    const ids = [...Object.keys(SPARSE_MODELS), ...Object.keys(BM25_MODELS)];
    assert.equal(lines.length, 2 + ids.length);
    ids.forEach((id, i) => assert.ok(lines[i + 2]?.startsWith(`| \`${id}\` `), `row ${i + 2} should be ${id}`));
    assert.match(lines.find((l) => l.startsWith("| `bm25` "))!, /\| bm25 +\| terms +\| +- \|/);
    assert.match(lines.find((l) => l.includes("doc-v1`"))!, /\| splade \| idf +\| +512 \| +30522 \|/);
  });

  it("the rerank table has one row per reranker and marks only the default", () => {
    const lines = formatRerankTable().split("\n");
    assert.equal(lines.length, 2 + Object.keys(RERANK_MODELS).length);
    const marked = lines.filter((l) => l.includes("(default)"));
    assert.deepEqual(marked.length, 1);
    assert.ok(marked[0]?.startsWith("| `Xenova/ms-marco-MiniLM-L-6-v2` (default) "));
  });

  it("the README block holds the three tables, every registry id once", () => {
    const block = formatRegistryTables();
    for (const id of REGISTRY_IDS) {
      assert.equal(block.split(`| \`${id}\` `).length - 1, 1, id);
    }
  });
});
