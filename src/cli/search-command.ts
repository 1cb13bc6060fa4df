/**
 * L7: `embedkit search DIR "question" [--top N] [--filter JSON] [--mode dense|sparse|hybrid]
 * [--json]`: the best chunks of the vector index in DIR, one hit per line
 * (`id<TAB>score<TAB>chunk text`), or JSON lines.
 */
import { parseArgs } from "node:util";
import { EmbedkitError, ERROR_CODES } from "../errors.js";
import { VectorIndex } from "../index/vector-index.js";
import { MAX_TOP_K, type SearchOptions } from "../index/vector-index-options.js";
import { parseSearchPlan, type SearchMode } from "../index/search-mode.js";
import { readSettings } from "../index/index-settings.js";
import type { FusionMethod } from "../search/fuse.js";
import type { RescoreWith } from "../index/ann-options.js";
import type { MetadataFilter } from "../index/metadata-filter.js";
import { DEFAULT_RERANK_MODEL } from "../models/rerank-registry.js";
import { TextCrossEncoder } from "../rerank/text-cross-encoder.js";
import { commonModelOptions, intFlag, storeFrom, type CliContext } from "./common.js";
import { indexOpenOptions, requireIndex } from "./index-command.js";
import { isSinkUrl, searchSink } from "./index-sink.js";

export const SEARCH_HELP = `Usage: embedkit search DIR|postgres://...?table=T|chroma://host:port/COLLECTION QUERY [options]

Searches the vector index in folder DIR (see \`embedkit index add\`); prints one hit per line:
the record's id, the score and the chunk's text, best first. The score is the cosine similarity
(dense), the BM25 or SPLADE score (sparse), the fused score (hybrid), or the cross-encoder's (--rerank).
With a postgres:// URL, searches that pgvector table (PgVectorSink.search, dense) with the table's
model: --filter takes equality only ({"lang":"en"}, no $in); --rerank reranks the table's top
--rerank-top rows as for a folder; --mode, --hybrid, --fusion, --candidates and the folder's
ANN and binary knobs (--exact ... --rescore-with) are not available.
With a chroma:// URL, the same on that Chroma collection (ChromaSink.search), without --rerank.

      --top N              hits to print (default 10)
      --filter JSON        metadata conditions, e.g. '{"lang":"en"}' or '{"year":{"$in":[2024,2025]}}'
      --mode MODE          dense, sparse or hybrid (default: hybrid if the index stores sparse vectors, else dense)
      --hybrid             the same as --mode hybrid
      --fusion KIND        hybrid: rrf (default, k 60) or weighted (min-max normalized, equal weights)
      --candidates N       hybrid: chunks taken from each list before fusion (default max(top, 100))
      --rerank             rescore the nearest --rerank-top chunks (default max(top, 20)) with a cross-encoder
      --rerank-model ID    the cross-encoder (default ${DEFAULT_RERANK_MODEL})
      --rerank-top N       chunks retrieved for reranking
      --exact              scan every chunk (exact cosine) even when the index has an ANN index or is binary
      --nprobes N          ANN: IVF partitions probed (default: all for ivf_hnsw_sq, 10% (at least 20) otherwise)
      --ef N               ANN ivf_hnsw_sq: graph candidates (default max(100, 10 x top); at least top x refine factor);
                           postgres://: pgvector's hnsw.ef_search for the query (1..1000)
      --refine-factor N    ANN: re-rank N x top candidates by their float32 distance (default 4; none for ivf_flat)
      --rescore N|none     binary index: rescore N x top Hamming candidates (default 4); none: Hamming order
      --rescore-with W     binary index: float32 (default: the stored vectors) or bits (as quantizedSearch)
      --json               one JSON line per hit: {"rank","id","score","chunk","start","end","text","metadata"}
                           and "dense_score" / "sparse_score" where known
${commonModelOptions.help.replace(/\(default [^;]*;/, "(default: the index's model;")}`;

export async function searchCommand(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...commonModelOptions.options,
      top: { type: "string" },
      filter: { type: "string" },
      mode: { type: "string" },
      hybrid: { type: "boolean" },
      fusion: { type: "string" },
      candidates: { type: "string" },
      json: { type: "boolean" },
      rerank: { type: "boolean" },
      "rerank-model": { type: "string" },
      "rerank-top": { type: "string" },
      exact: { type: "boolean" },
      nprobes: { type: "string" },
      ef: { type: "string" },
      "refine-factor": { type: "string" },
      rescore: { type: "string" },
      "rescore-with": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    ctx.stdout.write(SEARCH_HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_OPTION,
      `embedkit search DIR QUERY: expected an index folder and a query, got ${positionals.length} arguments`,
      { flag: "QUERY", count: positionals.length },
    );
  }
  const [dir, query] = positionals as [string, string];
  const topK = values.top !== undefined ? intFlag("--top", values.top) : 10;
  let filter: MetadataFilter | undefined;
  if (values.filter !== undefined) {
    try {
      filter = JSON.parse(values.filter) as MetadataFilter;
    } catch (cause) {
      throw new EmbedkitError(
        ERROR_CODES.INVALID_OPTION,
        `--filter must be a JSON object, got ${JSON.stringify(values.filter)}: ${(cause as Error).message}`,
        { flag: "--filter", value: values.filter },
        { cause },
      );
    }
  }
  const rerankTop = values["rerank-top"] !== undefined ? intFlag("--rerank-top", values["rerank-top"]) : undefined;
  const openReranker = () =>
    TextCrossEncoder.create({ model: values["rerank-model"] ?? DEFAULT_RERANK_MODEL, store: storeFrom(values, ctx) });
  if (isSinkUrl(dir)) {
    const rerank = values.rerank ? { open: openReranker, topN: rerankTop } : undefined;
    return searchSink(dir, query, { values, topK, filter, rerank }, ctx);
  }
  await requireIndex(dir);
  const candidates = values.candidates !== undefined ? intFlag("--candidates", values.candidates) : undefined;
  const modeOptions: Pick<SearchOptions, "mode" | "hybrid" | "fusion" | "candidates"> = {
    ...(values.mode !== undefined ? { mode: values.mode as SearchMode } : {}),
    ...(values.hybrid ? { hybrid: true } : {}),
    ...(values.fusion !== undefined ? { fusion: values.fusion as FusionMethod } : {}),
    ...(candidates !== undefined ? { candidates } : {}),
  };
  // checked before any model loads (the search checks them again)
  parseSearchPlan(modeOptions, (await readSettings(dir))!.sparse, dir, topK, MAX_TOP_K);
  const index = await VectorIndex.open(dir, await indexOpenOptions(dir, values, ctx));
  const reranker = values.rerank
    ? await openReranker().catch(async (e: unknown) => {
        await index.close();
        throw e;
      })
    : undefined;
  try {
    const hits = await index.search(query, {
      topK,
      ...(values.exact ? { exact: true } : {}),
      ...(values.nprobes !== undefined ? { nprobes: intFlag("--nprobes", values.nprobes) } : {}),
      ...(values.ef !== undefined ? { ef: intFlag("--ef", values.ef) } : {}),
      ...(values["refine-factor"] !== undefined
        ? { refineFactor: intFlag("--refine-factor", values["refine-factor"]) }
        : {}),
      ...(values.rescore !== undefined
        ? { rescore: values.rescore === "none" ? (false as const) : intFlag("--rescore", values.rescore) }
        : {}),
      ...(values["rescore-with"] !== undefined ? { rescoreWith: values["rescore-with"] as RescoreWith } : {}),
      ...(filter !== undefined ? { filter } : {}),
      ...modeOptions,
      ...(reranker !== undefined
        ? { rerank: { model: reranker, ...(rerankTop !== undefined ? { topN: rerankTop } : {}) } }
        : {}),
    });
    hits.forEach((h, i) => {
      ctx.stdout.write(
        values.json
          ? `${JSON.stringify({ rank: i + 1, id: h.id, score: h.score, chunk: h.chunkIndex, start: h.start, end: h.end, text: h.text, metadata: h.metadata, ...(h.denseScore !== undefined ? { dense_score: h.denseScore } : {}), ...(h.sparseScore !== undefined ? { sparse_score: h.sparseScore } : {}) })}\n`
          : `${h.id}\t${h.score.toFixed(4)}\t${h.text.replace(/\s+/g, " ")}\n`,
      );
    });
    return 0;
  } finally {
    await index.close();
    await reranker?.dispose();
  }
}
