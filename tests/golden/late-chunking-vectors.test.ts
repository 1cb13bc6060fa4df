/**
 * Late-chunk vectors against the Python reference (scripts/golden/make_late_chunk_reference.py),
 * fp32, for bge-small-en-v1.5, all-MiniLM-L6-v2 and e5-small-v2: cosine >= 0.9999 for every chunk,
 * the macro-window cases included (each case's own window and overlap). Documents chunked by
 * tokens go through model.embedChunks() end to end; the ones with explicit ranges go through the
 * same late-chunking steps (tokenizeDocument, windowJobs, the spans head, LateAccumulator).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { TokenIndex } from "../../src/chunking/token-index.js";
import { tokenizeDocument } from "../../src/embed/document-tokens.js";
import { LateAccumulator, specialTemplate, windowJobs, windowsFor } from "../../src/embed/late-chunk.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { cosineSimilarity } from "../../src/pooling/normalize.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

interface Doc {
  id: string;
  text: string;
  chunking: { by: string; size?: number };
  chunks: [number, number][];
}
interface Case {
  id: string;
  prefix: string;
  window: number;
  overlap: number;
  tokenCount: number;
  windows: unknown[];
  chunks: { start: number; end: number; vector: number[] }[];
}

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), "utf8")) as T;
const docs = read<{ documents: Doc[] }>("late-chunking-docs.json").documents;
const MIN_COS = 0.9999;

for (const modelId of [TEST_MODELS.bgeSmallEn, TEST_MODELS.miniLM, TEST_MODELS.e5Small]) {
  describe(`late-chunk vectors: ${modelId} fp32`, () => {
    const golden = read<{ cases: Case[] }>(`late-chunking__${modelId.replace("/", "__")}.json`);
    let model: TextEmbedding;
    before(async () => {
      model = await openTestModel(modelId);
    });
    after(async () => {
      await model?.dispose();
    });

    test("some cases run in several macro windows", () => {
      assert.ok(golden.cases.filter((c) => c.windows.length > 1).length >= 2);
    });

    test("embedChunks() on the token-window documents matches the reference", async () => {
      const cases = golden.cases.filter((c) => docs.find((d) => d.id === c.id)!.chunking.by === "tokens");
      assert.ok(cases.length >= 10);
      for (const c of cases) {
        const doc = docs.find((d) => d.id === c.id)!;
        const out = [];
        for await (const d of model.embedChunks([{ id: c.id, text: doc.text }], {
          chunking: { strategy: "late", by: "tokens", size: doc.chunking.size! },
          macroWindow: { window: c.window, overlap: c.overlap },
        })) {
          out.push(d);
        }
        assert.equal(out.length, 1);
        assert.equal(out[0]!.id, c.id);
        const got = out[0]!.chunks;
        assert.deepEqual(
          got.map((g) => [g.start, g.end]),
          c.chunks.map((r) => [r.start, r.end]),
          c.id,
        );
        got.forEach((g, i) => {
          const cos = cosineSimilarity(g.vector, Float32Array.from(c.chunks[i]!.vector));
          assert.ok(cos >= MIN_COS, `${c.id} chunk ${i}: cosine ${cos} < ${MIN_COS} (${c.windows.length} windows)`);
        });
      }
    });

    test("the explicit-range documents match the reference (the same late-chunking steps)", async () => {
      const cases = golden.cases.filter((c) => docs.find((d) => d.id === c.id)!.chunking.by !== "tokens");
      assert.ok(cases.length >= 1);
      const tpl = await specialTemplate(model);
      for (const c of cases) {
        const doc = docs.find((d) => d.id === c.id)!;
        const body = await tokenizeDocument(model, doc.text, "passage");
        assert.equal(body.ids.length + tpl.lead.length + tpl.trail.length, c.tokenCount, c.id);
        const idx = new TokenIndex(body.text);
        const ranges = c.chunks.map((r) => [idx.at(r.start), idx.at(r.end)] as const);
        const acc = new LateAccumulator(ranges.length);
        const windows = windowsFor(body, tpl, { window: c.window, overlap: c.overlap });
        for (const job of windowJobs(body, ranges, tpl, windows)) {
          const [means] = await model.runHead([job.encoding], { kind: "spans", spans: [job.spans] });
          acc.add(job, means!);
        }
        acc.finish(model.spec, { normalize: true, dimensions: undefined }).forEach((v, i) => {
          const cos = cosineSimilarity(v, Float32Array.from(c.chunks[i]!.vector));
          assert.ok(cos >= MIN_COS, `${c.id} chunk ${i}: cosine ${cos} < ${MIN_COS}`);
        });
      }
    });
  });
}
