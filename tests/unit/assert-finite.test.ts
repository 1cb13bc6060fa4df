import assert from "node:assert/strict";
import { test } from "node:test";
import { assertFinite } from "../../src/embed/assert-finite.js";
import { ERROR_CODES, isEmbedkitError } from "../../src/errors.js";

test("finite vectors pass, zero included", () => {
  assertFinite(Float32Array.from([0, -1.5, 3e38]), 0);
  assertFinite(new Float32Array(0), 0);
});

for (const [name, bad] of [
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
] as const) {
  test(`${name} is NON_FINITE_OUTPUT naming the input, the component and the value`, () => {
    const v = Float32Array.from([0.1, 0.2, bad, bad]);
    assert.throws(
      () => assertFinite(v, 7),
      (e: unknown) => {
        assert.ok(isEmbedkitError(e, ERROR_CODES.NON_FINITE_OUTPUT));
        assert.match(
          e.message,
          new RegExp(`produced ${name.replace("-", "\\-")} for inputs\\[7\\] \\(component 2; 2 of 4`),
        );
        assert.match(e.message, /models info --verify/);
        assert.deepEqual(e.details, {
          field: "inputs[7]",
          index: 7,
          component: 2,
          value: name,
          nonFinite: 2,
          dim: 4,
        });
        return true;
      },
    );
  });
}
