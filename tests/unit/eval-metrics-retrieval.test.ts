import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  evaluateRun,
  mapAtK,
  ndcgAtK,
  precisionAtK,
  rankDocuments,
  recallAtK,
  reciprocalRankAtK,
} from "../../src/eval/metrics/retrieval-metrics.js";

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

// One query with graded judgments: d1 = 2 (highly relevant), d2 = 1, d5 = 1, d3 = 0 (judged not relevant).
const judged = new Map([
  ["d1", 2],
  ["d2", 1],
  ["d3", 0],
  ["d5", 1],
]);
const ranked = ["d3", "d1", "d4", "d2"];

describe("retrieval metrics on a hand-built ranking", () => {
  it("nDCG@k uses graded gains and the ideal ranking of all judged documents", () => {
    const idcg3 = 2 / Math.log2(2) + 1 / Math.log2(3) + 1 / Math.log2(4);
    close(ndcgAtK(ranked, judged, 3), 2 / Math.log2(3) / idcg3);
    const dcg4 = 2 / Math.log2(3) + 1 / Math.log2(5);
    close(ndcgAtK(ranked, judged, 4), dcg4 / idcg3); // ideal list has 3 gains, so idcg@4 = idcg@3
    close(ndcgAtK(ranked, judged, 1), 0);
  });

  it("MAP@k divides by all relevant documents of the query", () => {
    close(mapAtK(ranked, judged, 3), 1 / 2 / 3); // d1 at rank 2
    close(mapAtK(ranked, judged, 4), (1 / 2 + 2 / 4) / 3); // and d2 at rank 4
  });

  it("recall, precision and MRR at k", () => {
    close(recallAtK(ranked, judged, 3), 1 / 3);
    close(recallAtK(ranked, judged, 4), 2 / 3);
    close(precisionAtK(ranked, judged, 4), 2 / 4);
    assert.equal(reciprocalRankAtK(ranked, judged, 1), 0);
    assert.equal(reciprocalRankAtK(ranked, judged, 10), 1 / 2);
  });

  it("a perfect ranking scores 1", () => {
    const perfect = ["d1", "d2", "d5", "d3"];
    close(ndcgAtK(perfect, judged, 10), 1);
    close(mapAtK(perfect, judged, 10), 1);
    close(recallAtK(perfect, judged, 3), 1);
  });

  it("ranks a run as trec_eval does: score descending, ties by document id descending", () => {
    const scores = new Map([
      ["a", 0.5],
      ["c", 0.9],
      ["b", 0.5],
    ]);
    assert.deepEqual(rankDocuments(scores), ["c", "b", "a"]);
  });

  it("averages over judged queries that have results, and can drop identical ids", () => {
    const qrels = new Map([
      ["q1", judged],
      [
        "q2",
        new Map([
          ["q2", 1],
          ["x", 1],
        ]),
      ],
      ["q3", new Map([["y", 1]])], // no results: not averaged
    ]);
    const run = new Map([
      [
        "q1",
        new Map([
          ["d1", 0.9],
          ["d2", 0.8],
          ["d5", 0.7],
        ]),
      ],
      [
        "q2",
        new Map([
          ["q2", 0.99],
          ["x", 0.5],
        ]),
      ],
    ]);
    const r = evaluateRun(qrels, run, [1, 10]);
    assert.equal(r.queries, 2);
    close(r.mrr[1] as number, 1); // both queries have a relevant document first
    const dropped = evaluateRun(qrels, run, [1, 10], { ignoreIdenticalIds: true });
    close(dropped.mrr[1] as number, (1 + 1) / 2); // q2: x moves up to rank 1
    close(dropped.recall[10] as number, (1 + 1 / 2) / 2); // q2 can no longer find its judged "q2"
  });
});
