/**
 * Test helper: awaits a promise that must reject with an EmbedkitError of `code` (and, when given,
 * `details.field` equal to a string or a message matching a RegExp); returns its details and message.
 */
import assert from "node:assert/strict";
import { isEmbedkitError } from "../../src/errors.js";

export async function rejects(
  p: Promise<unknown>,
  code: string,
  field?: string | RegExp,
): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    assert.ok(isEmbedkitError(e), `expected an EmbedkitError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof field === "string") assert.equal(e.details["field"], field, e.message);
    if (field instanceof RegExp) assert.match(e.message, field);
    return { ...e.details, message: e.message };
  }
  assert.fail(`expected ${code}`);
}
