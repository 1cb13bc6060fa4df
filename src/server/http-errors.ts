/**
 * L6: the HTTP edge's errors, and the ONE table from an error code (EmbedkitError's catalogue
 * plus the server's own codes) to an HTTP status, a TEI `error_type` and an OpenAI error.
 *
 * TEI routes answer `{error, error_type}` with TEI's statuses and error types, taken from TEI's
 * router (400 empty input, 422 validation, 424 backend failure, 429 overloaded, 503 unhealthy);
 * /v1 routes answer OpenAI's `{error: {message, type, param, code}}`, where request problems
 * are 400 `invalid_request_error` and the server's failures 500 `server_error`, as OpenAI's API
 * answers (TEI's own /v1 route keeps its TEI statuses; OpenAI clients expect OpenAI's).
 */
import { EmbedkitError, ERROR_CODES, isEmbedkitError, type ErrorCode, type ErrorDetails } from "../errors.js";

export const SERVER_ERROR_CODES = {
  /** The body is not valid JSON. */
  INVALID_JSON: "invalid_json",
  /** The body is JSON but a field has the wrong type or value. */
  INVALID_REQUEST: "invalid_request",
  /** The input list, or one input, is empty. */
  EMPTY_INPUT: "empty_input",
  /** One input has more characters than --max-input-chars. */
  INPUT_TOO_LARGE: "input_too_large",
  /** The body is larger than --max-body-bytes. */
  PAYLOAD_TOO_LARGE: "payload_too_large",
  /** A JSON route got a body whose Content-Type is not application/json (or is missing). */
  UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
  /** --max-concurrent-requests or --max-queued-inputs is reached. */
  OVERLOADED: "overloaded",
  /** --api-key is set and the request has no or a wrong bearer token. */
  UNAUTHORIZED: "unauthorized",
  /** The server is shutting down, or the model failed. */
  UNHEALTHY: "unhealthy",
  NOT_FOUND: "not_found",
  METHOD_NOT_ALLOWED: "method_not_allowed",
  /** The client closed the connection before its answer was ready (logged as 499; nothing is sent). */
  CLIENT_CLOSED: "client_closed",
  /** POST /v1/search on a server started without --index. */
  NO_INDEX: "no_index",
  /** A search asked for `rerank` on a server started without --rerank-model. */
  RERANK_UNAVAILABLE: "rerank_unavailable",
} as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[keyof typeof SERVER_ERROR_CODES];

export class ServerError extends Error {
  readonly code: ServerErrorCode;
  readonly details: ErrorDetails;
  constructor(code: ServerErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = "ServerError";
    this.code = code;
    this.details = details;
  }
}

/**
 * TEI's error types, spelled as TEI sends them: its `ErrorType` enum is serialized by serde
 * without renaming, so the values are the variant names ("Validation", not "validation")
 * (router/src/lib.rs, `pub enum ErrorType`). Only these six are ever sent as `error_type`,
 * so a client that deserializes TEI's enum never meets a value it does not know.
 */
export type TeiErrorType = "Unhealthy" | "Backend" | "Overloaded" | "Validation" | "Tokenizer" | "Empty";

/** TEI's status for each type (router/src/http/server.rs, `impl From<&ErrorType> for StatusCode`). */
export const TEI_STATUS: Readonly<Record<TeiErrorType, number>> = {
  Unhealthy: 503,
  Backend: 424,
  Overloaded: 429,
  Tokenizer: 422,
  Validation: 422,
  Empty: 400,
};

export type Dialect = "tei" | "openai";

interface Mapping {
  readonly teiType: TeiErrorType;
  /**
   * Status on TEI routes when it is not TEI_STATUS[teiType]: refusals TEI (axum) makes before
   * its handlers run (400 unparsable JSON, 413 body limit, 415 content type, 401, 404, 405).
   */
  readonly teiStatus?: number;
  /** Status on /v1 routes, as OpenAI's API answers. */
  readonly openaiStatus: number;
  readonly openaiType: string;
}

const REQUEST = { teiType: "Validation", openaiStatus: 400, openaiType: "invalid_request_error" } as const;
const SERVER = { teiType: "Backend", openaiStatus: 500, openaiType: "server_error" } as const;

/** THE table: every code the server can answer with. */
const ERROR_TABLE: Readonly<Record<ErrorCode | ServerErrorCode, Mapping>> = {
  // the server's own
  invalid_json: { ...REQUEST, teiStatus: 400 },
  invalid_request: REQUEST,
  empty_input: { ...REQUEST, teiType: "Empty" },
  input_too_large: REQUEST,
  payload_too_large: { ...REQUEST, teiStatus: 413, openaiStatus: 413 },
  unsupported_media_type: { ...REQUEST, teiStatus: 415, openaiStatus: 415 },
  overloaded: { teiType: "Overloaded", openaiStatus: 429, openaiType: "server_overloaded" },
  unauthorized: { ...REQUEST, teiStatus: 401, openaiStatus: 401 },
  unhealthy: { teiType: "Unhealthy", openaiStatus: 503, openaiType: "server_error" },
  not_found: { ...REQUEST, teiStatus: 404, openaiStatus: 404 },
  method_not_allowed: { ...REQUEST, teiStatus: 405, openaiStatus: 405 },
  client_closed: { ...REQUEST, teiStatus: 499, openaiStatus: 499 },
  no_index: { ...REQUEST, teiStatus: 404, openaiStatus: 404 },
  rerank_unavailable: REQUEST,
  // the engine's catalogue
  invalid_input: REQUEST,
  input_too_long: REQUEST,
  too_many_inputs: REQUEST,
  invalid_option: REQUEST,
  wrong_model_task: REQUEST,
  disposed: { teiType: "Unhealthy", openaiStatus: 503, openaiType: "server_error" },
  runtime_failure: SERVER,
  non_finite_output: SERVER,
  tokenizer_failure: { ...SERVER, teiType: "Tokenizer" },
  unknown_model: SERVER,
  unknown_variant: SERVER,
  model_file_missing: SERVER,
  model_file_corrupt: SERVER,
  offline_model_not_cached: SERVER,
  hub_unauthorized: SERVER,
  hub_not_found: SERVER,
  hub_network: SERVER,
  cache_write_failed: SERVER,
  output_write_failed: SERVER,
  invalid_task: SERVER,
  // bulk jobs (never raised by the server's routes; listed because the table is total)
  queue_unreachable: SERVER,
  job_not_found: SERVER,
  input_file_unreadable: SERVER,
  sink_write_failed: SERVER,
  // the Postgres sink (not raised by the server's routes; listed because the table is total)
  database_unreachable: SERVER,
  database_error: SERVER,
  vector_extension_missing: SERVER,
  sink_settings_mismatch: REQUEST,
  // the vector index (POST /search)
  index_model_mismatch: SERVER,
  index_dimension_mismatch: SERVER,
  index_precision_mismatch: SERVER,
  unknown_filter_field: REQUEST,
  index_store_failed: SERVER,
};

export interface HttpError {
  readonly status: number;
  readonly code: string;
  readonly body: unknown;
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether the error is the server's fault (logged at error level). */
  readonly internal: boolean;
}

/** Turns anything thrown while handling a request into the response the dialect expects. */
export function errorToHttp(e: unknown, dialect: Dialect): HttpError {
  const known = e instanceof ServerError || isEmbedkitError(e);
  const code: ErrorCode | ServerErrorCode = known
    ? (e as ServerError | EmbedkitError).code
    : ERROR_CODES.RUNTIME_FAILURE;
  const mapping = ERROR_TABLE[code];
  const message = known ? (e as Error).message : "internal error; see the server log";
  const details: ErrorDetails = known ? (e as ServerError | EmbedkitError).details : {};
  const headers: Record<string, string> = {};
  if (code === "unauthorized") headers["www-authenticate"] = 'Bearer realm="embedkit"';
  if (code === "overloaded") headers["retry-after"] = "1";
  // The server's fault (logged with the error): what OpenAI's dialect answers with a 500.
  const internal = mapping.openaiStatus === 500;
  if (dialect === "openai") {
    const field = typeof details["field"] === "string" ? openaiParam(details["field"]) : null;
    return {
      status: mapping.openaiStatus,
      code,
      headers,
      internal,
      body: {
        error: {
          message,
          type: mapping.openaiType,
          param: field,
          code: code === "unauthorized" ? "invalid_api_key" : code,
        },
      },
    };
  }
  return {
    status: mapping.teiStatus ?? TEI_STATUS[mapping.teiType],
    code,
    headers,
    internal,
    body: { error: message, error_type: mapping.teiType },
  };
}

/** `input[3]` -> `input`: OpenAI's `param` names the request field. */
function openaiParam(field: string): string {
  return field.replace(/\[.*$/, "").replace(/\..*$/, "");
}
