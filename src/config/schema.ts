/**
 * L1: the one typed configuration object, its defaults, and the single place that turns
 * environment variables into it. Code below cli/ and config/ never reads process.env; it
 * receives a StoreConfig (or parts of it) as options.
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** Where models are cached and how the hub is reached; see {@link storeConfigFromEnv}. */
export interface StoreConfig {
  /** Where models are cached. Default: $EMBEDKIT_CACHE, else $XDG_CACHE_HOME/embedkit, else ~/.cache/embedkit. */
  readonly cacheDir: string;
  /** When true, no network call is ever made; a model missing from the cache is an error. */
  readonly offline: boolean;
  /** Base URL of the Hugging Face hub (or a mirror). */
  readonly hfEndpoint: string;
  /** Bearer token for gated/private repositories. */
  readonly hfToken: string | undefined;
}

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

type Env = Readonly<Record<string, string | undefined>>;

function truthy(v: string | undefined): boolean {
  return v !== undefined && ["1", "true", "yes", "on"].includes(v.trim().toLowerCase());
}

export function defaultCacheDir(env: Env): string {
  const explicit = env["EMBEDKIT_CACHE"];
  if (explicit && explicit.trim() !== "") return explicit;
  const xdg = env["XDG_CACHE_HOME"];
  const base = xdg && xdg.trim() !== "" ? xdg : join(homedir(), ".cache");
  return join(base, "embedkit");
}

/** Builds the store configuration from an environment (process.env by default) plus explicit overrides. */
export function storeConfigFromEnv(env: Env = process.env, overrides: Partial<StoreConfig> = {}): StoreConfig {
  const endpoint = env["HF_ENDPOINT"];
  return {
    cacheDir: overrides.cacheDir ?? defaultCacheDir(env),
    offline: overrides.offline ?? (truthy(env["EMBEDKIT_OFFLINE"]) || truthy(env["HF_HUB_OFFLINE"])),
    hfEndpoint: (overrides.hfEndpoint ?? (endpoint && endpoint.trim() !== "" ? endpoint : DEFAULT_HF_ENDPOINT)).replace(
      /\/+$/,
      "",
    ),
    hfToken: overrides.hfToken ?? (env["HF_TOKEN"] || env["HUGGING_FACE_HUB_TOKEN"] || undefined),
  };
}
