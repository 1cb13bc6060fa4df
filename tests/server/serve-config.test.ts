/**
 * `embedkit serve` settings: flags beat environment variables, which beat the config file,
 * which beats the defaults; bad values are errors that name the flag, variable or key.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { envName, resolveServeSettings, type ServeSettings } from "../../src/cli/serve-command.js";
import { isEmbedkitError } from "../../src/errors.js";

const BASE_ENV = { EMBEDKIT_CACHE: "/tmp/cache-for-test" };

function settings(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): ServeSettings {
  const r = resolveServeSettings(argv, { ...BASE_ENV, ...env }, (p) => {
    const text = files[p];
    if (text === undefined) throw new Error(`ENOENT: ${p}`);
    return text;
  });
  assert.notEqual(r, "help");
  return r as ServeSettings;
}

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isEmbedkitError(e, "invalid_option"), String(e));
    assert.match(e.message, message);
    return true;
  });
}

describe("serve settings", () => {
  test("defaults", () => {
    const { config, store } = settings([]);
    assert.equal(config.model, "BAAI/bge-small-en-v1.5");
    assert.equal(config.host, "127.0.0.1");
    assert.equal(config.port, 8080);
    assert.equal(config.batching, true);
    assert.equal(config.maxBatchTokens, undefined, "resolved against the model: max(2048, its input limit)");
    assert.equal(config.maxBatchSize, 32);
    assert.equal(config.maxClientBatchSize, 2048);
    assert.equal(config.autoTruncate, false);
    assert.equal(config.apiKey, undefined);
    assert.deepEqual(config.corsAllowOrigin, []);
    assert.equal(store.cacheDir, "/tmp/cache-for-test");
  });

  test("flag > environment > config file > default, for every kind of value", () => {
    const file = JSON.stringify({
      port: 1111,
      maxBatchTokens: 2048,
      apiKey: "from-file",
      corsAllowOrigin: ["https://a.example"],
      cacheDir: "/file/cache",
      offline: true,
    });
    const files = { "/etc/embedkit.json": file };
    const fromFile = settings(["--config", "/etc/embedkit.json"], {}, files);
    assert.equal(fromFile.config.port, 1111);
    assert.equal(fromFile.config.maxBatchTokens, 2048);
    assert.equal(fromFile.config.apiKey, "from-file");
    assert.deepEqual(fromFile.config.corsAllowOrigin, ["https://a.example"]);
    assert.equal(fromFile.store.cacheDir, "/file/cache");
    assert.equal(fromFile.store.offline, true);
    const env = {
      EMBEDKIT_CONFIG: "/etc/embedkit.json",
      EMBEDKIT_PORT: "2222",
      EMBEDKIT_CORS_ALLOW_ORIGIN: "https://b.example, https://c.example",
      EMBEDKIT_BATCHING: "off",
    };
    const fromEnv = settings([], env, files);
    assert.equal(fromEnv.config.port, 2222);
    assert.equal(fromEnv.config.maxBatchTokens, 2048);
    assert.deepEqual(fromEnv.config.corsAllowOrigin, ["https://b.example", "https://c.example"]);
    assert.equal(fromEnv.config.batching, false);
    const fromFlags = settings(
      ["-p", "3333", "--api-key", "flag-key", "--batching", "--max-wait-ms", "0.5", "--auto-truncate"],
      env,
      files,
    );
    assert.equal(fromFlags.config.port, 3333);
    assert.equal(fromFlags.config.apiKey, "flag-key");
    assert.equal(fromFlags.config.batching, true);
    assert.equal(fromFlags.config.maxWaitMs, 0.5);
    assert.equal(fromFlags.config.autoTruncate, true);
  });

  test("--no-batching and --batching=false; environment names are derived from flags", () => {
    assert.equal(settings(["--no-batching"]).config.batching, false);
    assert.equal(settings(["--batching=false"]).config.batching, false);
    assert.equal(settings(["--auto-truncate=yes"]).config.autoTruncate, true);
    assert.equal(envName("max-batch-tokens"), "EMBEDKIT_MAX_BATCH_TOKENS");
    assert.equal(settings([], { EMBEDKIT_MAX_CLIENT_BATCH_SIZE: "32" }).config.maxClientBatchSize, 32);
  });

  test("bad values name their source", () => {
    rejects(() => settings(["--port", "http"]), /--port must be an integer, got "http"/);
    rejects(() => settings([], { EMBEDKIT_MAX_BATCH_TOKENS: "lots" }), /EMBEDKIT_MAX_BATCH_TOKENS must be an integer/);
    rejects(() => settings([], { EMBEDKIT_BATCHING: "maybe" }), /EMBEDKIT_BATCHING must be true or false/);
    rejects(() => settings(["--port", "70000"]), /port: .*65535/);
    rejects(() => settings(["--max-client-batch-size", "5000"]), /maxClientBatchSize: .*2048/);
    rejects(
      () => settings(["--max-queued-inputs", "10", "--max-client-batch-size", "32"]),
      /maxQueuedInputs: must be at least maxClientBatchSize \(32\)/,
    );
    rejects(
      () => settings(["-c", "/x.json"], {}, { "/x.json": '{"maxBatchTokenz": 1}' }),
      /maxBatchTokenz|Unrecognized key/,
    );
    rejects(() => settings(["-c", "/x.json"], {}, { "/x.json": "{oops" }), /config file \/x.json is not valid JSON/);
    rejects(() => settings(["-c", "/missing.json"]), /config file \/missing.json cannot be read/);
    assert.throws(() => settings(["--bogus"]), /Unknown option '--bogus'/);
  });

  test("--help", () => {
    assert.equal(resolveServeSettings(["--help"], {}), "help");
  });
});
