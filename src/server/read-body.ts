/**
 * L6: a request body in, parsed: bytes (bounded by --max-body-bytes) -> JSON -> a zod schema.
 * Every failure is a ServerError whose message names the field, the limit and the given value.
 */
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { describeValue } from "../errors.js";
import { SERVER_ERROR_CODES, ServerError } from "./http-errors.js";

function tooLarge(limit: number, given: string): ServerError {
  return new ServerError(
    SERVER_ERROR_CODES.PAYLOAD_TOO_LARGE,
    `the request body is ${given}; the limit is ${limit} bytes (--max-body-bytes)`,
    { limit },
  );
}

/** Reads the whole body, or throws `payload_too_large` as soon as it exceeds `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit, `${declared} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit, `over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * JSON routes take `application/json` (or `application/*+json`, as axum's Json extractor in
 * TEI does) and nothing else: a `text/plain` or form body is a "simple" request a web page can
 * make a browser send to any origin without a CORS preflight; JSON needs one.
 */
export function requireJson(req: IncomingMessage): void {
  const given = req.headers["content-type"];
  const type = (given ?? "").split(";")[0]!.trim().toLowerCase();
  const [top, sub = ""] = type.split("/");
  if (top === "application" && (sub === "json" || sub.endsWith("+json"))) return;
  throw new ServerError(
    SERVER_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
    given === undefined
      ? "the request has no Content-Type; send the JSON body with `Content-Type: application/json`"
      : `the Content-Type is ${JSON.stringify(given.slice(0, 100))}; send the JSON body with \`Content-Type: application/json\``,
    { field: "content-type", ...(given !== undefined ? { value: given.slice(0, 100) } : {}) },
  );
}

export function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0)
    throw new ServerError(SERVER_ERROR_CODES.INVALID_JSON, "the request body is empty; send a JSON object");
  try {
    return JSON.parse(bytes.toString("utf8")) as unknown;
  } catch (e) {
    throw new ServerError(
      SERVER_ERROR_CODES.INVALID_JSON,
      `the request body is not valid JSON: ${(e as Error).message}`,
    );
  }
}

/** Parses `value` with `schema`; a failure names the first bad field, e.g. "`inputs[2]` must be string, got 5 (number)". */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ServerError(
      SERVER_ERROR_CODES.INVALID_REQUEST,
      `the request body must be a JSON object, got ${describeValue(value)}`,
    );
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = specific(r.error.issues[0]!);
  const path = issue.path;
  const field = fieldName(path);
  throw new ServerError(SERVER_ERROR_CODES.INVALID_REQUEST, describeIssue(issue, field, valueAt(value, path)), {
    field,
  });
}

type Issue = z.core.$ZodIssue;

/** For a union, the branch that got furthest explains the problem best ("inputs[2]" rather than "inputs"). */
function specific(issue: Issue, base: PropertyKey[] = []): Issue & { path: PropertyKey[] } {
  const path = [...base, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    let best: Issue | undefined;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (first && first.path.length > 0 && (!best || first.path.length > best.path.length)) best = first;
    }
    if (best) return specific(best, path);
  }
  return { ...issue, path };
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === "number" ? `${s}[${k}]` : s === "" ? String(k) : `${s}.${String(k)}`),
    "",
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeIssue(issue: Issue, field: string, value: unknown): string {
  const name = `\`${field || "body"}\``;
  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union"))
    return `${name} is required`;
  const got = `got ${describeValue(value)}`;
  switch (issue.code) {
    case "invalid_type":
      return `${name} must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}, ${got}`;
    case "invalid_value":
      return `${name} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, ${got}`;
    case "too_small":
      return `${name} must be at least ${String(issue.minimum)}, ${got}`;
    case "too_big":
      return `${name} must be at most ${String(issue.maximum)}, ${got}`;
    default:
      return `${name} ${issue.message}, ${got}`;
  }
}
