/**
 * L5: where a Chroma sink connects, parsed once at its edge. The library takes the server's
 * `http://host:port` (or `https://`); the CLI's `chroma://host:port/COLLECTION` names the server
 * and the collection together (port 8000 by default, Chroma's own).
 */
import { describeValue, EmbedkitError, ERROR_CODES } from "../../errors.js";

/** A Chroma server: the base URL requests go to, and what errors about it name. */
export interface ChromaServer {
  /** `http://host:port` (no trailing slash, no path). */
  readonly baseUrl: string;
  readonly host: string;
  readonly port: number;
}

/** Chroma's default port (`chroma run`). */
export const CHROMA_DEFAULT_PORT = 8000;

/** Whether a sink string names a Chroma collection (`chroma://host:port/COLLECTION`). */
export const isChromaUrl = (s: string): boolean => /^chroma:\/\//i.test(s);

function badUrl(field: string, url: unknown, form: string, why: string): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.INVALID_OPTION,
    `${field} must be ${form}; ${why}; got ${describeValue(url, 120)}`,
    {
      field,
      value: typeof url === "string" ? url : describeValue(url),
    },
  );
}

/** A host as it goes into a URL (an IPv6 address in brackets). */
const urlHost = (host: string): string => (host.includes(":") ? `[${host}]` : host);

function hostAndPort(parsed: URL, raw: string, field: string, form: string, fallback: number): ChromaServer {
  if (parsed.hostname === "") throw badUrl(field, raw, form, "it names no host");
  const port = parsed.port === "" ? fallback : Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw badUrl(field, raw, form, "the port must be 1..65535");
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const scheme = parsed.protocol === "https:" ? "https" : "http";
  return { baseUrl: `${scheme}://${urlHost(host)}:${port}`, host, port };
}

/** The server of ChromaSink.open's `url`: `http://host:port` or `https://host:port`, nothing after the port. */
export function parseChromaServerUrl(url: unknown): ChromaServer {
  const form = "an http://host:port URL of a Chroma server";
  if (typeof url !== "string" || url.length === 0) throw badUrl("url", url, form, "it must be a non-empty string");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl("url", url, form, "it does not parse as a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw badUrl("url", url, form, "the scheme must be http:// or https://");
  }
  if (parsed.pathname !== "/" || parsed.search !== "" || parsed.username !== "") {
    throw badUrl("url", url, form, "give the server only (no path, query or user)");
  }
  return hostAndPort(parsed, url, "url", form, parsed.protocol === "https:" ? 443 : 80);
}

/** `chroma://host[:port]/COLLECTION` split into the server's http URL and the collection. */
export function parseChromaTarget(url: string): { url: string; collection: string; display: string } {
  const form = "a chroma://host:port/COLLECTION URL";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl("url", url, form, "it does not parse as a URL");
  }
  if (!isChromaUrl(url)) throw badUrl("url", url, form, "the scheme must be chroma://");
  const server = hostAndPort(parsed, url, "url", form, CHROMA_DEFAULT_PORT);
  const collection = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (collection === "") throw badUrl("url", url, form, "it names no collection (the path)");
  return {
    url: `http://${urlHost(server.host)}:${server.port}`,
    collection,
    display: `chroma://${urlHost(server.host)}:${server.port} collection ${collection}`,
  };
}
