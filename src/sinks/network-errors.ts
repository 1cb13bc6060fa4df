/**
 * L5: the network error codes (`errno`) that mean "nobody answered there", for the sinks that
 * turn them into `database_unreachable`: refused, unknown host, no route, reset or timed out.
 */
export const UNREACHABLE_ERRNOS: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "EPIPE",
]);
