/**
 * L6: CORS. With no allowed origins configured the server sends no CORS headers (browsers on
 * other origins are refused); "*" allows any origin; otherwise the request's Origin must be
 * listed. Preflights are answered before authentication, as browsers send them without it.
 */
import type { IncomingMessage } from "node:http";

export interface CorsOptions {
  readonly allowOrigin: readonly string[];
  readonly maxAgeSeconds: number;
}

const ALLOW_HEADERS = "authorization, content-type, x-request-id";
export const EXPOSE_HEADERS = [
  "x-request-id",
  "x-total-time",
  "x-tokenization-time",
  "x-queue-time",
  "x-inference-time",
  "x-compute-time",
  "x-compute-type",
  "x-compute-tokens",
  "x-compute-characters",
].join(", ");

/** Headers for a (non-preflight) response, or none when the origin is not allowed. */
export function corsHeaders(req: IncomingMessage, options: CorsOptions): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined || options.allowOrigin.length === 0) return {};
  if (options.allowOrigin.includes("*"))
    return { "access-control-allow-origin": "*", "access-control-expose-headers": EXPOSE_HEADERS };
  if (!options.allowOrigin.includes(origin)) return { vary: "Origin" };
  return { "access-control-allow-origin": origin, vary: "Origin", "access-control-expose-headers": EXPOSE_HEADERS };
}

/** Headers answering an OPTIONS request (a preflight when it names a method). */
export function preflightHeaders(req: IncomingMessage, options: CorsOptions, allow: string): Record<string, string> {
  const base = corsHeaders(req, options);
  const headers: Record<string, string> = { allow, ...base };
  if (base["access-control-allow-origin"] !== undefined && req.headers["access-control-request-method"] !== undefined) {
    headers["access-control-allow-methods"] = allow;
    headers["access-control-allow-headers"] = ALLOW_HEADERS;
    headers["access-control-max-age"] = String(options.maxAgeSeconds);
  }
  return headers;
}
