/**
 * L0: the typed error catalogue. Every error embedkit throws on purpose is an EmbedkitError
 * with a stable `code`, a message that names the field, the limit and the given value, and
 * structured `details`. The server maps `code` to an HTTP status in one table.
 */

export const ERROR_CODES = {
  /** An input is not a string, or is otherwise malformed (invalid UTF-16, wrong type). */
  INVALID_INPUT: "invalid_input",
  /** An input has more tokens than the model accepts and truncation was not allowed. */
  INPUT_TOO_LONG: "input_too_long",
  /** A request holds more inputs, or a larger body, than allowed. */
  TOO_MANY_INPUTS: "too_many_inputs",
  /** An option has an invalid value (batch size 0, unknown pooling, bad dimensions...). */
  INVALID_OPTION: "invalid_option",
  /** The model id is not in the registry and is not a local folder. */
  UNKNOWN_MODEL: "unknown_model",
  /** A model's variant (e.g. int8) does not exist for that model. */
  UNKNOWN_VARIANT: "unknown_variant",
  /** A file the model needs is not present (in the cache, a local folder or an archive). */
  MODEL_FILE_MISSING: "model_file_missing",
  /** A model file is present but wrong: size or sha256 mismatch, truncated, unparsable. */
  MODEL_FILE_CORRUPT: "model_file_corrupt",
  /** Offline mode is on and the model is not in the cache. */
  OFFLINE_MODEL_NOT_CACHED: "offline_model_not_cached",
  /** The hub answered 401/403: a token is missing or not allowed. */
  HUB_UNAUTHORIZED: "hub_unauthorized",
  /** The hub answered 404 for a repository, revision or file. */
  HUB_NOT_FOUND: "hub_not_found",
  /** The hub could not be reached or answered with another error. */
  HUB_NETWORK: "hub_network",
  /** Writing to the cache failed (disk full, permissions). */
  CACHE_WRITE_FAILED: "cache_write_failed",
  /** A result file (e.g. `embed --output`) cannot be written: missing folder, a directory, read-only, disk full. */
  OUTPUT_WRITE_FAILED: "output_write_failed",
  /** The ONNX runtime failed to load or run a model. */
  RUNTIME_FAILURE: "runtime_failure",
  /** The model produced NaN or Infinity for an input (corrupted or numerically broken weights). */
  NON_FINITE_OUTPUT: "non_finite_output",
  /** The tokenizer file could not be loaded. */
  TOKENIZER_FAILURE: "tokenizer_failure",
  /** A model was asked for what its task does not give (a sparse model for dense vectors, or the reverse). */
  WRONG_MODEL_TASK: "wrong_model_task",
  /** The engine was used after dispose(). */
  DISPOSED: "disposed",
  /** A task or data file for evaluation is malformed. */
  INVALID_TASK: "invalid_task",
  /** The job queue's Redis could not be reached within the wait allowed. */
  QUEUE_UNREACHABLE: "queue_unreachable",
  /** No bulk job with that id exists on this Redis. */
  JOB_NOT_FOUND: "job_not_found",
  /** An input file of a bulk job is missing, unreadable, or changed since the job was submitted. */
  INPUT_FILE_UNREADABLE: "input_file_unreadable",
  /** An output sink refused a write (permissions, disk full). */
  SINK_WRITE_FAILED: "sink_write_failed",
  /** A sink's database (Postgres, Chroma) could not be reached within `connectTimeoutMs`: refused, unknown host, no answer. */
  DATABASE_UNREACHABLE: "database_unreachable",
  /** The database refused a login, a statement or a request; the message carries the server's own words (and SQLSTATE or HTTP status). */
  DATABASE_ERROR: "database_error",
  /** The database has no pgvector extension (`CREATE EXTENSION vector` failed or is not allowed). */
  VECTOR_EXTENSION_MISSING: "vector_extension_missing",
  /** A sink's table or collection was created for another model or dimension than the one it is opened with (or not by the sink). */
  SINK_SETTINGS_MISMATCH: "sink_settings_mismatch",
  /** A vector index was opened with another model than the one it was built with. */
  INDEX_MODEL_MISMATCH: "index_model_mismatch",
  /** A vector index's vectors have another dimension than the model (or the `dimensions` asked for) gives. */
  INDEX_DIMENSION_MISMATCH: "index_dimension_mismatch",
  /** A vector index was opened with another `precision` (float32 or binary) than it was built with. */
  INDEX_PRECISION_MISMATCH: "index_precision_mismatch",
  /** A search filter names a metadata field the index does not hold. */
  UNKNOWN_FILTER_FIELD: "unknown_filter_field",
  /** The vector index's storage failed to open, read or write (missing folder, permissions, corrupt files). */
  INDEX_STORE_FAILED: "index_store_failed",
} as const;

/** The stable code of an {@link EmbedkitError}: one of {@link ERROR_CODES}' values. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * Every error embedkit throws on purpose: a stable `code`, a message naming the field, the limit
 * and the given value, and structured `details`.
 */
export class EmbedkitError extends Error {
  /** What went wrong, stable across versions (the server maps it to an HTTP status). */
  readonly code: ErrorCode;
  /** Structured facts: the field, the limit, the value given... */
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmbedkitError";
    this.code = code;
    this.details = details;
  }

  /** The error as plain JSON (code, message, details), e.g. for a log line or an HTTP body. */
  toJSON(): {
    /** See {@link EmbedkitError.code}. */
    code: ErrorCode;
    /** The human-readable message. */
    message: string;
    /** See {@link EmbedkitError.details}. */
    details: ErrorDetails;
  } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** What an `input_too_long` error says about the input, typed for the code that maps it (the server). */
export interface InputTooLongDetails extends ErrorDetails {
  /** The input as the caller names it, e.g. "inputs[3]". */
  readonly field: string;
  /** Its index in the call's inputs. */
  readonly index: number;
  /** Its tokens (special tokens and prompt included) before any truncation. */
  readonly tokens: number;
  /** The most tokens allowed: the model's window, or a lower limit set by the call or the server (`maxInputTokens`). */
  readonly maxTokens: number;
}

/** An input has more tokens than allowed; `details` says which input and by how much. */
export class InputTooLongError extends EmbedkitError {
  declare readonly details: InputTooLongDetails;

  constructor(message: string, details: InputTooLongDetails) {
    super(ERROR_CODES.INPUT_TOO_LONG, message, details);
  }
}

/** Whether `e` is an {@link EmbedkitError}, optionally with the given `code`. */
export function isEmbedkitError(e: unknown, code?: ErrorCode): e is EmbedkitError {
  return e instanceof EmbedkitError && (code === undefined || e.code === code);
}

/** Short, safe rendering of a value for an error message (never dumps a whole document). */
export function describeValue(value: unknown, max = 60): string {
  if (typeof value === "string") {
    const shown = value.length > max ? `${value.slice(0, max)}…` : value;
    return `${JSON.stringify(shown)} (string of length ${value.length})`;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return "an object";
  return `${String(value)} (${typeof value})`;
}
