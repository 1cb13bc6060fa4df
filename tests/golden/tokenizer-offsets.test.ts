/**
 * The tokenizer adapter against Python `tokenizers` (scripts/golden/make_tokenizer_reference.py):
 * ids, type ids, special tokens and UTF-16 offsets of single texts (emoji, flags, ZWJ sequences,
 * CJK, combining marks, astral letters) and of text pairs truncated "longest_first".
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { loadTokenizer, offsetsAfterPrefix } from "../../src/tokenizer/tokenizer.js";
import type { Encoding } from "../../src/types.js";
import { cachedTokenizerPath } from "../helpers/chunk-tokenizer.js";

interface RefEncoding {
  ids: number[];
  type_ids: number[];
  tokens: string[];
  segments: number[];
  offsets: [number, number][];
}
interface Reference {
  max_tokens: number;
  models: Record<
    string,
    {
      tokenizer: string;
      singles: (RefEncoding & { text: string })[];
      pairs: (RefEncoding & { a: string; b: string; original_length: number })[];
    }
  >;
}

const ref = JSON.parse(readFileSync(new URL("./tokenizer-reference.json", import.meta.url), "utf8")) as Reference;

function pairsOf(e: Encoding): [number, number][] {
  const o = e.offsets!;
  return Array.from(e.segments!, (_, i): [number, number] => [o[2 * i]!, o[2 * i + 1]!]);
}

function assertSame(got: Encoding, want: RefEncoding, label: string): void {
  assert.deepEqual(Array.from(got.ids), want.ids, `${label}: ids`);
  assert.deepEqual(Array.from(got.typeIds), want.type_ids, `${label}: type ids`);
  assert.deepEqual(Array.from(got.segments!), want.segments, `${label}: segments`);
  assert.deepEqual(pairsOf(got), want.offsets, `${label}: offsets`);
}

for (const [name, m] of Object.entries(ref.models)) {
  describe(`tokenizer adapter vs Python tokenizers: ${name}`, () => {
    const path =
      m.tokenizer === "cache"
        ? cachedTokenizerPath(name)
        : fileURLToPath(new URL(`../../${m.tokenizer}/tokenizer.json`, import.meta.url));
    const tok = loadTokenizer(path);

    test("single texts: ids, special tokens and UTF-16 offsets; text.slice(start, end) is the token", async () => {
      const got = await tok.encode(
        m.singles.map((s) => s.text),
        { maxTokens: 512, truncate: false, offsets: true },
      );
      m.singles.forEach((s, i) => {
        const e = got[i]!;
        assertSame(e, s, JSON.stringify(s.text));
        e.segments!.forEach((seg, k) => {
          if (seg < 0) return;
          const piece = s.text.slice(e.offsets![2 * k]!, e.offsets![2 * k + 1]!);
          const token = s.tokens[k]!;
          // WordPiece lowercases, strips accents, may split one character (a Hangul syllable into
          // jamo) and maps unknown pieces to [UNK]; the token must be found in its slice.
          if (token !== "[UNK]") {
            const plain = piece.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
            assert.ok(
              plain.includes(token.replace(/^##/, "").normalize("NFD")),
              `${JSON.stringify(s.text)} token ${k} ${token} vs slice ${JSON.stringify(piece)}`,
            );
          }
        });
      });
    });

    test("tokens() reports the same UTF-16 offsets and special flags", async () => {
      for (const s of m.singles) {
        const t = await tok.tokens(s.text);
        assert.deepEqual(t.ids, s.ids);
        assert.deepEqual(t.offsets, s.offsets);
        assert.deepEqual(
          t.special,
          s.segments.map((x) => x < 0),
        );
      }
    });

    test(`pairs: [CLS] a [SEP] b [SEP], type ids, longest_first truncation to ${ref.max_tokens}`, async () => {
      const got = await tok.encodePairs(
        m.pairs.map((p): [string, string] => [p.a, p.b]),
        { maxTokens: ref.max_tokens, truncation: "longest_first", offsets: true },
      );
      m.pairs.forEach((p, i) => {
        assertSame(got[i]!, p, `pair ${i}`);
        assert.equal(got[i]!.originalLength, p.original_length, `pair ${i}: original length`);
        assert.ok(got[i]!.ids.length <= ref.max_tokens);
      });
      const plain = await tok.encodePairs([[m.pairs[0]!.a, m.pairs[0]!.b]], { maxTokens: ref.max_tokens });
      assert.deepEqual(Array.from(plain[0]!.ids), m.pairs[0]!.ids);
      assert.equal(plain[0]!.offsets, undefined, "offsets only when asked for");
    });

    test('pairs with truncation "none" come back whole; "only_first" that cannot fit is input_too_long naming the pair', async () => {
      const long = m.pairs[4]!;
      const whole = await tok.encodePairs([[long.a, long.b]], { maxTokens: ref.max_tokens, truncation: "none" });
      assert.equal(whole[0]!.ids.length, long.original_length);
      await assert.rejects(
        tok.encodePairs(
          [
            ["ok", "ok"],
            ["short", long.b],
          ],
          { maxTokens: ref.max_tokens, truncation: "only_first" },
        ),
        (e: { code?: string; details?: { field?: string } }) =>
          e.code === "input_too_long" && e.details?.field === "pairs[1]",
      );
    });
  });
}

test("offsetsAfterPrefix maps offsets in prompt + text back to the text and marks prompt tokens", async () => {
  const tok = loadTokenizer(cachedTokenizerPath("intfloat/e5-small-v2"));
  const prefix = "query: ";
  const text = "naïve 😀 中文";
  const [e] = await tok.encode([prefix + text], { maxTokens: 512, truncate: false, offsets: true });
  const { offsets, segments } = offsetsAfterPrefix(e!, prefix.length);
  const kinds = Array.from(segments);
  assert.deepEqual(kinds, [-1, -2, -2, 0, 0, 0, 0, -1], "[CLS] query : naive [UNK] 中 文 [SEP]");
  const pieces = kinds.flatMap((k, i) => (k === 0 ? [text.slice(offsets[2 * i]!, offsets[2 * i + 1]!)] : []));
  assert.deepEqual(pieces, ["naïve", "😀", "中", "文"]);
  assert.throws(() => offsetsAfterPrefix({ ids: e!.ids, typeIds: e!.typeIds, originalLength: 3 }, 2), /offsets: true/);
});
