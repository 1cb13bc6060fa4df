import assert from "node:assert/strict";
import { test } from "node:test";
import { assertTextInput } from "../../src/text-input.js";
import { EmbedkitError } from "../../src/errors.js";

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof EmbedkitError, "expected an EmbedkitError");
    return e.code;
  }
  return undefined;
}

test("strings pass, including empty, whitespace, emoji and CJK", () => {
  for (const s of ["", "   \n\t", "hello", "😀 family: 👨‍👩‍👧", "東京"]) assertTextInput(s, "inputs[0]");
});

test("non-strings are invalid_input and name the field and type", () => {
  for (const v of [42, null, undefined, { text: "x" }, ["a"], true]) {
    assert.equal(
      codeOf(() => assertTextInput(v, "inputs[7]")),
      "invalid_input",
    );
  }
  assert.throws(() => assertTextInput(42, "inputs[7]"), /inputs\[7\] must be a string, got 42 \(number\)/);
});

test("lone surrogates are invalid UTF-16 and the position is named", () => {
  assert.throws(
    () => assertTextInput("ab\uD800c", "inputs[2]"),
    /inputs\[2\] is not valid UTF-16: a lone surrogate \(U\+D800\) at character 2/,
  );
  assert.throws(() => assertTextInput("\uDC00", "inputs[0]"), /lone surrogate/);
  assertTextInput("\uD83D\uDE00", "inputs[0]"); // a proper pair is fine
});
