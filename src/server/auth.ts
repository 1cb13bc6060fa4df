/**
 * L6: the optional API key. `Authorization: Bearer <key>` is compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { SERVER_ERROR_CODES, ServerError } from "./http-errors.js";

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/** Returns a check that throws `unauthorized` unless the request carries the key; none when no key is set. */
export function bearerAuth(apiKey: string | undefined): ((req: IncomingMessage) => void) | undefined {
  if (apiKey === undefined) return undefined;
  const expected = digest(apiKey);
  return (req) => {
    const header = req.headers.authorization;
    if (header === undefined) {
      throw new ServerError(
        SERVER_ERROR_CODES.UNAUTHORIZED,
        "this server needs an API key: send `Authorization: Bearer <key>`",
      );
    }
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
      throw new ServerError(SERVER_ERROR_CODES.UNAUTHORIZED, "the API key in the Authorization header is not valid");
    }
  };
}
