/**
 * Output heads on real models, in both inference placements (worker thread and main thread):
 * - tokens and spans on all-MiniLM-L6-v2 (mean pooled) and bge-small-en-v1.5 (CLS pooled): the
 *   tokens head's mean and a span over all real tokens equal the pooled vector; the tokens head's
 *   first state is BGE's CLS vector; results do not depend on the batch they ran in.
 * - sparse on splade-tiny and score on the STS cross-encoder, through the runtime adapter
 *   directly: SPLADE agrees with the same formula applied (in this test) to the tokens head's
 *   logits and with the figures in the model's PROVENANCE.md; cross-encoder scores are
 *   sigmoid(logit), do not depend on padding, and rank STS test pairs like the gold scores.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { padBatch } from "../../src/engine/pad-batch.js";
import type { TextEmbedding } from "../../src/embed/text-embedding.js";
import { isEmbedkitError } from "../../src/errors.js";
import { spearman } from "../../src/eval/metrics/correlation.js";
import { splitRows } from "../../src/pooling/output-head.js";
import { loadOnnxModel, type OnnxModel } from "../../src/runtime/onnx-model.js";
import { loadTokenizer, type TextTokenizer } from "../../src/tokenizer/tokenizer.js";
import type { Encoding } from "../../src/types.js";
import { openTestModel, TEST_MODELS } from "../helpers/models.js";

const SHARED = (path: string): string => fileURLToPath(new URL(`../../../shared/${path}`, import.meta.url));

const TEXTS = [
  "A man is playing a guitar on the street.",
  "short",
  "",
  "Late chunking pools each chunk's token span after one forward pass over the whole document, so chunk vectors keep their context.",
  "東京は日本の首都です。🙂",
];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The mean of a row's token states, in float64. */
function meanOfStates(data: Float32Array, tokens: number, dim: number): Float32Array {
  const acc = new Float64Array(dim);
  for (let t = 0; t < tokens; t++) for (let h = 0; h < dim; h++) acc[h]! += data[t * dim + h]!;
  return Float32Array.from(acc, (x) => x / tokens);
}

for (const placement of ["worker", "main"] as const) {
  describe(`tokens and spans heads (${placement} thread)`, () => {
    let miniLM: TextEmbedding;
    let bge: TextEmbedding;
    before(async () => {
      miniLM = await openTestModel(TEST_MODELS.miniLM, { inferenceThread: placement });
      bge = await openTestModel(TEST_MODELS.bgeSmallEn, { inferenceThread: placement });
    });
    after(async () => {
      await Promise.all([miniLM.dispose(), bge.dispose()]);
    });

    test("MiniLM: a span over all real tokens and the tokens head's mean both equal the pooled vector", async () => {
      const enc = await miniLM.encode(TEXTS);
      const pooled = await miniLM.runHead(enc, { kind: "pooled", pooling: "mean" });
      const tokens = await miniLM.runHead(enc, { kind: "tokens" });
      const spans = await miniLM.runHead(enc, { kind: "spans", spans: enc.map((e) => [[0, e.ids.length]]) });
      enc.forEach((e, i) => {
        assert.equal(tokens[i]!.tokens, e.ids.length, `inputs[${i}]: one state per real token`);
        assert.equal(tokens[i]!.dim, 384);
        assert.ok(maxAbsDiff(spans[i]![0]!, pooled[i]!) <= 1e-6, `inputs[${i}]: span mean vs pooled`);
        const mean = meanOfStates(tokens[i]!.data, tokens[i]!.tokens, tokens[i]!.dim);
        assert.ok(maxAbsDiff(mean, pooled[i]!) <= 1e-5, `inputs[${i}]: tokens mean vs pooled`);
      });
      // The pooled head before post-processing is what embedAll normalizes.
      const vectors = await miniLM.embedAll(TEXTS);
      const norm = Math.hypot(...pooled[0]!);
      assert.ok(
        maxAbsDiff(
          vectors[0]!,
          pooled[0]!.map((x) => x / norm),
        ) <= 1e-6,
      );
    });

    test("BGE: the tokens head's first state is the CLS vector; spans split a text into parts", async () => {
      const enc = await bge.encode(TEXTS);
      const pooled = await bge.runHead(enc, { kind: "pooled", pooling: "cls" });
      const tokens = await bge.runHead(enc, { kind: "tokens" });
      const e = enc[3]!;
      const n = e.ids.length;
      const parts = await bge.runHead([e], {
        kind: "spans",
        spans: [
          [
            [1, 5],
            [5, n - 1],
            [0, n],
          ],
        ],
      });
      enc.forEach((_, i) => assert.ok(maxAbsDiff(tokens[i]!.data.subarray(0, 384), pooled[i]!) <= 1e-6));
      const t = tokens[3]!;
      const slice = (a: number, b: number): Float32Array => meanOfStates(t.data.slice(a * 384, b * 384), b - a, 384);
      assert.ok(maxAbsDiff(parts[0]![0]!, slice(1, 5)) <= 1e-5);
      assert.ok(maxAbsDiff(parts[0]![1]!, slice(5, n - 1)) <= 1e-5);
      assert.ok(maxAbsDiff(parts[0]![2]!, slice(0, n)) <= 1e-5);
    });

    test("token states do not depend on the batch they ran in (fp32)", async () => {
      const enc = await miniLM.encode(TEXTS);
      const together = await miniLM.runHead(enc, { kind: "tokens" });
      for (const [i, e] of enc.entries()) {
        const [alone] = await miniLM.runHead([e], { kind: "tokens" });
        assert.ok(maxAbsDiff(alone!.data, together[i]!.data) <= 1e-4, `inputs[${i}]`);
      }
    });

    test("spans outside an input's tokens, or not one list per input, are invalid_option naming the span", async () => {
      const enc = await miniLM.encode(["one two three", "four"]);
      const n = enc[1]!.ids.length;
      await assert.rejects(
        miniLM.runHead(enc, { kind: "spans", spans: [[[0, 2]], [[1, n + 1]]] }),
        (e: unknown) =>
          isEmbedkitError(e, "invalid_option") &&
          e.details["field"] === "spans[1][0]" &&
          e.message.includes(`0 <= start < end <= ${n}`) &&
          e.message.includes(`[1,${n + 1}]`),
      );
      await assert.rejects(
        miniLM.runHead(enc, { kind: "spans", spans: [[[0, 2]]] }),
        (e: unknown) => isEmbedkitError(e, "invalid_option") && e.details["field"] === "spans",
      );
      assert.equal((await miniLM.embedAll(["still works"])).length, 1, "the model keeps working");
    });
  });
}

/** [CLS] a [SEP] b [SEP] with token types 0 then 1, from two single-text encodings. */
async function pairEncoding(tok: TextTokenizer, a: string, b: string): Promise<Encoding> {
  const [ea, eb] = await tok.encode([a, b], { maxTokens: 512, truncate: false });
  const ids = Int32Array.from([...ea!.ids, ...eb!.ids.subarray(1)]);
  const typeIds = Int32Array.from([
    ...new Array<number>(ea!.ids.length).fill(0),
    ...new Array<number>(eb!.ids.length - 1).fill(1),
  ]);
  return { ids, typeIds, originalLength: ids.length };
}

for (const placement of ["worker", "main"] as const) {
  describe(`sparse and score heads through the runtime (${placement} thread)`, () => {
    let splade: OnnxModel;
    let spladeTok: TextTokenizer;
    let ce: OnnxModel;
    let ceTok: TextTokenizer;
    before(async () => {
      splade = await loadOnnxModel(SHARED("models/splade-tiny/model.onnx"), { inferenceThread: placement });
      spladeTok = loadTokenizer(SHARED("models/splade-tiny/tokenizer.json"));
      ce = await loadOnnxModel(SHARED("models/stsb-minilm-l6-cross-encoder/model.onnx"), {
        inferenceThread: placement,
      });
      ceTok = loadTokenizer(SHARED("models/stsb-minilm-l6-cross-encoder/tokenizer.json"));
    });
    after(async () => {
      await Promise.all([splade.dispose(), ce.dispose()]);
      spladeTok.dispose();
      ceTok.dispose();
    });

    test("SPLADE: max over real tokens of log(1 + relu(logits)), as computed here from the raw logits", async () => {
      const texts = ["what is the capital of france", "a vector database stores embeddings", "hi", TEXTS[3]!];
      const enc = await spladeTok.encode(texts, { maxTokens: 512, truncate: false });
      const batch = padBatch(enc);
      const sparse = splitRows(await splade.run(batch, { kind: "sparse" }));
      const logits = splitRows(await splade.run(batch, { kind: "tokens" }));
      enc.forEach((e, i) => {
        const { data, tokens, dim } = logits[i]!;
        assert.equal(dim, 30522);
        assert.equal(tokens, e.ids.length);
        const expected = new Map<number, number>();
        for (let t = 0; t < tokens; t++)
          for (let v = 0; v < dim; v++) {
            const w = Math.log(1 + Math.max(0, data[t * dim + v]!));
            if (w > (expected.get(v) ?? 0)) expected.set(v, w);
          }
        const { indices, values } = sparse[i]!;
        assert.deepEqual(
          Array.from(indices),
          [...expected.keys()].sort((a, b) => a - b),
          `texts[${i}]: ids`,
        );
        indices.forEach((id, k) => assert.ok(Math.abs(values[k]! - expected.get(id)!) <= 1e-6));
      });
    });

    test("SPLADE: the figures of the model's PROVENANCE.md; topK keeps the heaviest terms", async () => {
      const enc = await spladeTok.encode(["what is the capital of france"], { maxTokens: 512, truncate: false });
      const [v] = splitRows(await splade.run(padBatch(enc), { kind: "sparse" }));
      assert.equal(v!.indices.length, 15);
      const weight = async (word: string): Promise<number> => {
        const id = (await spladeTok.tokens(word)).ids[1]!;
        return v!.values[v!.indices.indexOf(id)] ?? 0;
      };
      for (const [word, w] of [
        ["capital", 2.79],
        ["france", 2.36],
        ["french", 1.84],
        ["city", 1.31],
        ["paris", 0.49],
      ] as const) {
        assert.ok(Math.abs((await weight(word)) - w) <= 0.01, `${word}: ${await weight(word)} vs ${w}`);
      }
      const [top] = splitRows(await splade.run(padBatch(enc), { kind: "sparse", topK: 3 }));
      const heaviest = [...v!.indices].sort(
        (a, b) => v!.values[v!.indices.indexOf(b)]! - v!.values[v!.indices.indexOf(a)]!,
      );
      assert.deepEqual(
        Array.from(top!.indices),
        heaviest.slice(0, 3).sort((a, b) => a - b),
      );
    });

    test("cross-encoder: sigmoid(logit) per pair, independent of padding, ranks STS pairs like the gold scores", async () => {
      const rows = readFileSync(SHARED("data/stsbenchmark/sts-test.csv"), "utf8")
        .split("\n")
        .map((l) => l.split("\t"))
        .filter((r) => r.length >= 7)
        .slice(0, 40);
      const pairs = await Promise.all(rows.map((r) => pairEncoding(ceTok, r[5]!, r[6]!)));
      const batch = padBatch(pairs);
      const scores = splitRows(await ce.run(batch, { kind: "score", activation: "sigmoid" }));
      const logits = splitRows(await ce.run(batch, { kind: "score", activation: "none" }));
      scores.forEach((s, i) => {
        assert.ok(s > 0 && s < 1);
        assert.ok(Math.abs(s - 1 / (1 + Math.exp(-logits[i]!))) <= 1e-6);
      });
      for (const i of [0, 17, 39]) {
        const [alone] = splitRows(await ce.run(padBatch([pairs[i]!]), { kind: "score", activation: "sigmoid" }));
        assert.ok(Math.abs(alone! - scores[i]!) <= 1e-5, `pair ${i}: alone ${alone} vs batched ${scores[i]}`);
      }
      const rho = spearman(
        scores,
        rows.map((r) => Number(r[4])),
      );
      assert.ok(rho > 0.6, `Spearman ${rho} on ${rows.length} STS test pairs (the model card: 0.82 on all 1,379)`);
    });

    test("a head the output cannot serve is invalid_option naming the head and the output's shape", async () => {
      const enc = await ceTok.encode(["a text"], { maxTokens: 512, truncate: false });
      await assert.rejects(
        ce.run(padBatch(enc), { kind: "sparse" }),
        (e: unknown) =>
          isEmbedkitError(e, "invalid_option") && e.details["field"] === "head" && /\[1, 1\]/.test(e.message),
      );
      await assert.rejects(
        splade.run(padBatch(enc), { kind: "score", activation: "sigmoid" }),
        (e: unknown) => isEmbedkitError(e, "invalid_option") && e.details["field"] === "head",
      );
      assert.equal(splitRows(await ce.run(padBatch(enc), { kind: "score", activation: "none" })).length, 1);
    });
  });
}
