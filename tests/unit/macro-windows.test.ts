/**
 * Macro windows for long late chunking: the windows of the Python reference's golden files, the
 * "most context on both sides" rule checked token by token, and bad window options.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { planMacroWindows } from "../../src/pooling/macro-windows.js";

interface Case {
  id: string;
  window: number;
  overlap: number;
  tokenCount: number;
  windows: [number, number][];
}

const FILES = [
  "late-chunking__BAAI__bge-small-en-v1.5.json",
  "late-chunking__sentence-transformers__all-MiniLM-L6-v2.json",
  "late-chunking__intfloat__e5-small-v2.json",
];

test("the windows are the Python reference's, for every golden document and model", () => {
  let multi = 0;
  for (const f of FILES) {
    const { cases } = JSON.parse(readFileSync(new URL(`../golden/${f}`, import.meta.url), "utf8")) as { cases: Case[] };
    for (const c of cases) {
      const plan = planMacroWindows({
        bodyTokens: c.tokenCount - 2,
        window: c.window,
        overlap: c.overlap,
        specialTokens: 2,
      });
      assert.deepEqual(
        plan.map((w) => [w.start, w.end]),
        c.windows,
        `${f} ${c.id}`,
      );
      if (plan.length > 1) multi++;
    }
  }
  assert.ok(multi >= 18);
});

test("each token is kept from the window where it has the most context on both sides (earliest on ties)", () => {
  for (const [n, window, overlap] of [
    [1000, 512, 128],
    [1000, 512, 0],
    [1000, 512, 400],
    [511, 512, 100],
    [777, 64, 21],
    [300, 10, 7],
    [9, 4, 1],
  ] as const) {
    const plan = planMacroWindows({ bodyTokens: n, window, overlap, specialTokens: 2 });
    assert.equal(plan[0]!.keepStart, 0);
    assert.equal(plan.at(-1)!.keepEnd, n);
    for (let k = 1; k < plan.length; k++)
      assert.equal(plan[k]!.keepStart, plan[k - 1]!.keepEnd, "keep ranges partition");
    for (let p = 0; p < n; p++) {
      let best = -1;
      let bestCtx = -1;
      plan.forEach((w, k) => {
        if (p < w.start || p >= w.end) return;
        const ctx = Math.min(p - w.start, w.end - 1 - p);
        if (ctx > bestCtx) {
          best = k;
          bestCtx = ctx;
        }
      });
      const owner = plan.findIndex((w) => p >= w.keepStart && p < w.keepEnd);
      assert.equal(owner, best, `n ${n} window ${window} overlap ${overlap} token ${p}`);
    }
  }
});

test("a body that fits is one window; bad window or overlap is invalid_option naming it", () => {
  assert.deepEqual(planMacroWindows({ bodyTokens: 510, window: 512, overlap: 128, specialTokens: 2 }), [
    { start: 0, end: 510, keepStart: 0, keepEnd: 510 },
  ]);
  const fields = { window: "chunking.window", overlap: "chunking.windowOverlap" };
  for (const window of [2, 0, 1.5]) {
    assert.throws(
      () => planMacroWindows({ bodyTokens: 9, window, overlap: 0, specialTokens: 2, fields }),
      (e: { code: string; details: { field: string } }) =>
        e.code === "invalid_option" && e.details.field === "chunking.window",
    );
  }
  for (const overlap of [510, -1, 0.5]) {
    assert.throws(
      () => planMacroWindows({ bodyTokens: 9, window: 512, overlap, specialTokens: 2, fields }),
      (e: { code: string; details: { field: string } }) =>
        e.code === "invalid_option" && e.details.field === "chunking.windowOverlap",
    );
  }
});
