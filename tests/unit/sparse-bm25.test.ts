/**
 * Unit tests of the BM25 pieces: murmur3 against mmh3's values, the analyzer's steps, the
 * document/query weights by hand, and every bad input of SparseTextEmbedding and Bm25Index.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isEmbedkitError } from "../../src/errors.js";
import { Bm25Analyzer, wordTokens } from "../../src/sparse/bm25-analyzer.js";
import { Bm25Index } from "../../src/sparse/bm25-index.js";
import { bm25TermId, murmur3 } from "../../src/sparse/murmur3.js";
import { SparseTextEmbedding } from "../../src/sparse/sparse-text-embedding.js";
import { sparseDot } from "../../src/sparse/sparse-vector.js";

const rejects = (code: string, field?: string) => (e: unknown) => {
  assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
  assert.equal(e.code, code);
  if (field !== undefined) assert.equal(e.details["field"], field);
  return true;
};

describe("murmur3 (mmh3.hash values from Python)", () => {
  test("every tail length and non-ASCII UTF-8", () => {
    const want: Record<string, number> = {
      foo: -156908512,
      hello: 613153351,
      "": 0,
      a: 1009084850,
      ab: -1681926305,
      abc: -1277324294,
      abcd: 1139631978,
      café: 605818632,
      "🚀": 2137479269,
      données: 681940034,
    };
    for (const [s, h] of Object.entries(want)) assert.equal(murmur3(s), h, s);
    assert.equal(bm25TermId("foo"), 156908512);
    // Long inputs grow the byte buffer, on the ASCII path and the UTF-8 path.
    assert.equal(murmur3("x".repeat(1000)), 1897939982);
    assert.equal(murmur3("é".repeat(500)), 583844246);
    assert.equal(murmur3("ab".repeat(300) + "🚀"), -1160001224);
  });
});

describe("Bm25Analyzer", () => {
  test("word runs, lower-cased; apostrophes and dots split", () => {
    assert.deepEqual(wordTokens("Don't STOP-believing: 3.14 snake_case"), [
      "don",
      "t",
      "stop",
      "believing",
      "3",
      "14",
      "snake_case",
    ]);
  });
  test("stopwords, lone underscore and over-long tokens are dropped; the rest stemmed", () => {
    const a = new Bm25Analyzer();
    assert.deepEqual(a.analyze("The running dogs are _ happily " + "x".repeat(41)), ["run", "dog", "happili"]);
    assert.deepEqual(a.analyze(""), []);
    assert.deepEqual(new Bm25Analyzer({ disableStemmer: true }).analyze("The running"), ["the", "running"]);
  });
});

describe("SparseTextEmbedding bm25", () => {
  test("document weights by hand: tf (k+1) / (tf + k (1 - b + b |d| / avgLen))", async () => {
    const bm25 = await SparseTextEmbedding.create({ model: "bm25", k: 1, b: 0.5, avgLen: 4 });
    const [v] = await bm25.embedAll(["cat cat dog"]); // |d| = 3, norm = 1 * (0.5 + 0.5 * 3/4) = 0.875
    const cat = bm25TermId("cat");
    const dog = bm25TermId("dog");
    assert.deepEqual(
      Array.from(v!.indices),
      [cat, dog].sort((x, y) => x - y),
    );
    const weight = (id: number) => v!.values[Array.from(v!.indices).indexOf(id)]!;
    assert.ok(Math.abs(weight(cat) - (2 * 2) / (2 + 0.875)) < 1e-6);
    assert.ok(Math.abs(weight(dog) - (1 * 2) / (1 + 0.875)) < 1e-6);
    const q = await bm25.queryEmbed("dog cat dog");
    assert.deepEqual(Array.from(q.values), [1, 1]);
    assert.ok(Math.abs(sparseDot(q, v!) - weight(cat) - weight(dog)) < 1e-6);
  });

  test("documented results: empty list, empty and stopword-only texts", async () => {
    const bm25 = await SparseTextEmbedding.create({ model: "bm25" });
    assert.deepEqual(await bm25.embedAll([]), []);
    const [a, b] = await bm25.embedAll(["", "the of and"]);
    assert.equal(a!.indices.length, 0);
    assert.equal(b!.indices.length, 0);
  });

  test("bad input and options are typed errors", async () => {
    await assert.rejects(SparseTextEmbedding.create({ model: "bm26" }), rejects("unknown_model", "model"));
    await assert.rejects(
      SparseTextEmbedding.create({ model: "bm25", batchSize: 0 }),
      rejects("invalid_option", "batchSize"),
    );
    await assert.rejects(SparseTextEmbedding.create({ model: "bm25", k: -1 }), rejects("invalid_option", "k"));
    await assert.rejects(SparseTextEmbedding.create({ model: "bm25", b: 1.5 }), rejects("invalid_option", "b"));
    await assert.rejects(SparseTextEmbedding.create({ model: "bm25", avgLen: 0 }), rejects("invalid_option", "avgLen"));
    await assert.rejects(
      SparseTextEmbedding.create({ model: "bm25", maxTokenLength: 0 }),
      rejects("invalid_option", "maxTokenLength"),
    );
    const bm25 = await SparseTextEmbedding.create({ model: "bm25" });
    await assert.rejects(bm25.embedAll(["ok", 42 as unknown as string]), rejects("invalid_input", "inputs[1]"));
    await assert.rejects(bm25.embedAll("not an array" as unknown as string[]), rejects("invalid_input", "inputs"));
    await assert.rejects(bm25.queryEmbed(["\uD800 lone"]), rejects("invalid_input", "inputs[0]"));
    // A stream hands out every vector before the bad input, then fails.
    const got: number[] = [];
    await assert.rejects(
      async () => {
        for await (const batch of bm25.embed(["a b", "c d", null, "e"], { batchSize: 1 })) got.push(batch.length);
      },
      rejects("invalid_input", "inputs[2]"),
    );
    assert.deepEqual(got, [1, 1]);
    await bm25.dispose();
    await assert.rejects(bm25.embedAll(["x"]), rejects("disposed"));
  });
});

describe("Bm25Index", () => {
  test("scores by hand and ranking", () => {
    const index = new Bm25Index({ k1: 1.2, b: 0.75 });
    index.add([
      { id: "a", text: "wing flutter" },
      { id: "b", text: "wing wing lift drag" },
      { id: "c", text: "boundary layer" },
    ]);
    assert.equal(index.size, 3);
    assert.equal(index.averageLength, 8 / 3);
    const idf = (df: number) => Math.log(1 + (3 - df + 0.5) / (df + 0.5));
    const tfPart = (tf: number, dl: number) => (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * dl) / (8 / 3)));
    const hits = index.search("wing", { topK: 5 });
    assert.deepEqual(
      hits.map((h) => h.id),
      ["b", "a"],
    );
    assert.ok(Math.abs(hits[0]!.score - idf(2) * tfPart(2, 4)) < 1e-12);
    assert.ok(Math.abs(hits[1]!.score - idf(2) * tfPart(1, 2)) < 1e-12);
    assert.deepEqual(index.search("unrelated"), []);
    assert.deepEqual(index.search(""), []);
    assert.equal(index.search("wing", { topK: 1 }).length, 1);
  });

  test("ties keep insertion order; topK cuts after ranking", () => {
    const index = new Bm25Index();
    index.add(["lift", "wing", "wing", "drag", "wing wing", "wing"]);
    assert.deepEqual(
      index.search("wing", { topK: 3 }).map((h) => h.index),
      [4, 1, 2],
    );
    assert.deepEqual(
      index.search("wing", { topK: 10 }).map((h) => h.index),
      [4, 1, 2, 5],
    );
  });

  test("a custom analyzer", () => {
    const index = new Bm25Index({ analyzer: (t) => t.split(" ") });
    index.add(["The The", "the"]);
    assert.deepEqual(
      index.search("The").map((h) => h.id),
      [0],
    );
  });

  test("bad input and options are typed errors; a bad batch adds nothing", () => {
    assert.throws(() => new Bm25Index({ k1: Number.NaN }), rejects("invalid_option", "k1"));
    assert.throws(() => new Bm25Index({ b: -0.1 }), rejects("invalid_option", "b"));
    const index = new Bm25Index();
    index.add([{ id: "x", text: "wing" }]);
    assert.throws(
      () =>
        index.add([
          { id: "y", text: "lift" },
          { id: "x", text: "drag" },
        ]),
      rejects("invalid_input"),
    );
    assert.throws(() => index.add(["ok", 7 as unknown as string]), rejects("invalid_input", "documents[1]"));
    assert.throws(
      () => index.add([{ id: "z", text: null as unknown as string }]),
      rejects("invalid_input", "documents[0].text"),
    );
    assert.throws(
      () => index.add([{ id: {} as unknown as string, text: "t" }]),
      rejects("invalid_input", "documents[0].id"),
    );
    assert.throws(() => index.add("wing" as unknown as string[]), rejects("invalid_input", "documents"));
    assert.equal(index.size, 1);
    assert.throws(() => index.search("wing", { topK: 0 }), rejects("invalid_option", "topK"));
    assert.throws(() => index.search("wing", { topK: 1.5 }), rejects("invalid_option", "topK"));
    assert.throws(() => index.search(5 as unknown as string), rejects("invalid_input", "query"));
  });
});
