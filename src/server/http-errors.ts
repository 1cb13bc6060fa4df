/**
 * L5: the HTTP edge's errors, and the ONE table from an error code (EmbedkitError's catalogue
 * plus the server's own codes) to an HTTP status, a TEI `error_type` and an OpenAI error.
 *
 * TEI routes answer `{error, error_type}`; /v1 routes answer OpenAI's
 * `{error: {message, type, param, code}}`. Statuses follow the issue (422 validation, 413 too
 * large, 429 overloaded, 503 unhealthy); on /v1, request problems that TEI answers with 422 are
 * 400 `invalid_request_error`, as OpenAI's API does (an over-long input included).
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

/** TEI's error types (its ErrorType enum), plus the ones the server adds. */
export type TeiErrorType =
  | "validation"
  | "empty"
  | "tokenizer"
  | "overloaded"
  | "unhealthy"
  | "backend"
  | "unauthorized"
  | "not_found";

export type Dialect = "tei" | "openai";

interface Mapping {
  readonly status: number;
  readonly teiType: TeiErrorType;
  /** Status on /v1 routes when it differs from `status`. */
  readonly openaiStatus?: number;
  readonly openaiType: string;
}

const REQUEST: Omit<Mapping, "teiType"> = { status: 422, openaiStatus: 400, openaiType: "invalid_request_error" };
const SERVER: Omit<Mapping, "teiType"> = { status: 500, openaiType: "server_error" };

/** THE table: every code the server can answer with. */
const ERROR_TABLE: Readonly<Record<ErrorCode | ServerErrorCode, Mapping>> = {
  // the server's own
  invalid_json: { ...REQUEST, status: 400, teiType: "validation" },
  invalid_request: { ...REQUEST, teiType: "validation" },
  empty_input: { ...REQUEST, teiType: "empty" },
  input_too_large: { ...REQUEST, teiType: "validation" },
  payload_too_large: { status: 413, teiType: "validation", openaiType: "invalid_request_error" },
  overloaded: { status: 429, teiType: "overloaded", openaiType: "server_overloaded" },
  unauthorized: { status: 401, teiType: "unauthorized", openaiType: "invalid_request_error" },
  unhealthy: { status: 503, teiType: "unhealthy", openaiType: "server_error" },
  not_found: { status: 404, teiType: "not_found", openaiType: "invalid_request_error" },
  method_not_allowed: { status: 405, teiType: "not_found", openaiType: "invalid_request_error" },
  client_closed: { status: 499, teiType: "validation", openaiType: "invalid_request_error" },
  // the engine's catalogue
  invalid_input: { ...REQUEST, teiType: "validation" },
  input_too_long: { ...REQUEST, teiType: "validation" },
  too_many_inputs: { status: 413, teiType: "validation", openaiType: "invalid_request_error" },
  invalid_option: { ...REQUEST, teiType: "validation" },
  disposed: { status: 503, teiType: "unhealthy", openaiType: "server_error" },
  runtime_failure: { ...SERVER, teiType: "backend" },
  tokenizer_failure: { ...SERVER, teiType: "tokenizer" },
  unknown_model: { ...SERVER, teiType: "backend" },
  unknown_variant: { ...SERVER, teiType: "backend" },
  model_file_missing: { ...SERVER, teiType: "backend" },
  model_file_corrupt: { ...SERVER, teiType: "backend" },
  offline_model_not_cached: { ...SERVER, teiType: "backend" },
  hub_unauthorized: { ...SERVER, teiType: "backend" },
  hub_not_found: { ...SERVER, teiType: "backend" },
  hub_network: { ...SERVER, teiType: "backend" },
  cache_write_failed: { ...SERVER, teiType: "backend" },
  invalid_task: { ...SERVER, teiType: "backend" },
  // bulk jobs (never raised by the server's routes; listed because the table is total)
  queue_unreachable: { ...SERVER, teiType: "backend" },
  job_not_found: { ...SERVER, teiType: "backend" },
  input_file_unreadable: { ...SERVER, teiType: "backend" },
  sink_write_failed: { ...SERVER, teiType: "backend" },
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
  const internal = mapping.status >= 500 && code !== "unhealthy" && code !== "disposed";
  if (dialect === "openai") {
    const field = typeof details["field"] === "string" ? openaiParam(details["field"]) : null;
    return {
      status: mapping.openaiStatus ?? mapping.status,
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
  return { status: mapping.status, code, headers, internal, body: { error: message, error_type: mapping.teiType } };
}

/** `input[3]` -> `input`: OpenAI's `param` names the request field. */
function openaiParam(field: string): string {
  return field.replace(/\[.*$/, "").replace(/\..*$/, "");
}
