/**
 * L2: the typed errors for a failed hub download, with messages that say what to do next.
 */
import { EmbedkitError, ERROR_CODES } from "../errors.js";

/** What was being downloaded, for error messages. */
export interface HubFileRef {
  readonly repo: string;
  readonly revision: string;
  /** Path inside the repository. */
  readonly path: string;
  readonly url: string;
}

const AIR_GAPPED_HINT =
  "to work without network set EMBEDKIT_OFFLINE=1 and copy the model in with " +
  "`embedkit models import <folder|.zip|.jar|.tar.gz>` (useful on air-gapped machines)";

/** 401/403 and 404 answers; other statuses are HUB_NETWORK. */
export function hubStatusError(ref: HubFileRef, status: number, tokenSent: boolean): EmbedkitError {
  const details = { repo: ref.repo, revision: ref.revision, path: ref.path, url: ref.url, status };
  if (status === 401 || status === 403) {
    const hint = tokenSent
      ? "the token in HF_TOKEN was sent but is not allowed to read this repository; check it has access"
      : "set HF_TOKEN to a Hugging Face access token that can read this repository";
    return new EmbedkitError(
      ERROR_CODES.HUB_UNAUTHORIZED,
      `the hub refused access (HTTP ${status}) to "${ref.path}" in repository "${ref.repo}" at revision "${ref.revision}": ${hint}`,
      details,
    );
  }
  if (status === 404) {
    return new EmbedkitError(
      ERROR_CODES.HUB_NOT_FOUND,
      `file "${ref.path}" was not found (HTTP 404) in hub repository "${ref.repo}" at revision "${ref.revision}" (${ref.url}); ` +
        "check the repository, revision and path",
      details,
    );
  }
  return new EmbedkitError(
    ERROR_CODES.HUB_NETWORK,
    `the hub answered HTTP ${status} for "${ref.path}" in repository "${ref.repo}" at revision "${ref.revision}" (${ref.url}); ${AIR_GAPPED_HINT}`,
    details,
  );
}

/** The hub could not be reached (refused, DNS, reset, timeout) or kept failing after retries. */
export function hubNetworkError(ref: HubFileRef, reason: string, attempts: number, cause?: unknown): EmbedkitError {
  return new EmbedkitError(
    ERROR_CODES.HUB_NETWORK,
    `could not download "${ref.path}" from hub repository "${ref.repo}" (${ref.url}) after ${attempts} attempt(s): ${reason}; ${AIR_GAPPED_HINT}`,
    { repo: ref.repo, revision: ref.revision, path: ref.path, url: ref.url, attempts, reason },
    { cause },
  );
}
