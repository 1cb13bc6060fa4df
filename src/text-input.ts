/**
 * L0: what a text input must be. Anything else gets a typed error naming the input's index.
 *
 * Documented results (not errors): the empty string and whitespace-only strings are embedded like
 * any text (the model sees only its special tokens), as sentence-transformers does.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "./errors.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws INVALID_INPUT unless `value` is a well-formed string. `field` names it, e.g. "inputs[3]". */
export function assertTextInput(value: unknown, field: string): asserts value is string {
  if (typeof value !== "string") {
    throw new EmbedkitError(ERROR_CODES.INVALID_INPUT, `${field} must be a string, got ${describeValue(value)}`, {
      field,
      type: value === null ? "null" : Array.isArray(value) ? "array" : typeof value,
    });
  }
  const m = LONE_SURROGATE.exec(value);
  if (m) {
    throw new EmbedkitError(
      ERROR_CODES.INVALID_INPUT,
      `${field} is not valid UTF-16: a lone surrogate (U+${m[0].charCodeAt(0).toString(16).toUpperCase()}) at character ${m.index}`,
      { field, position: m.index },
    );
  }
}
