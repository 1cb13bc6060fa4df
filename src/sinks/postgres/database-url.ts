/**
 * L5: a Postgres connection URL, parsed once at the sink's edge. Only `postgres://` and
 * `postgresql://` URLs with a host are taken; the port defaults to 5432. The password never
 * appears in a message or in error details.
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../../errors.js";

/** Where a sink connects: what an error about the connection names. */
export interface DatabaseTarget {
  /** The URL as given (the password masked), for messages. */
  readonly display: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/** Whether a sink string names a Postgres database rather than a folder. */
export const isPostgresUrl = (s: string): boolean => /^postgres(ql)?:\/\//i.test(s);

function badUrl(url: unknown, why: string): EmbedkitError {
  const shown = typeof url === "string" ? maskPassword(url) : url;
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `url must be a postgres://user:password@host:port/database URL; ${why}; got ${describeValue(shown, 120)}`,
    { field: "url", value: typeof shown === "string" ? shown : describeValue(shown) },
  );
}

function maskPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

export function parseDatabaseUrl(url: unknown): DatabaseTarget {
  if (typeof url !== "string" || url.length === 0) throw badUrl(url, "it must be a non-empty string");
  if (!isPostgresUrl(url)) throw badUrl(url, "the scheme must be postgres:// or postgresql://");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, "it does not parse as a URL");
  }
  if (parsed.hostname === "") throw badUrl(url, "it names no host");
  const port = parsed.port === "" ? 5432 : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badUrl(url, "the port must be 1..65535");
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres";
  const user = decodeURIComponent(parsed.username) || "postgres";
  return { display: maskPassword(url), host: parsed.hostname.replace(/^\[|\]$/g, ""), port, database, user };
}
