/**
 * L5: the ONLY importer of `pg` (node-postgres), behind our own small interface: parameterised
 * queries returning plain rows, one transaction helper, close(). Every failure leaves here as an
 * EmbedkitError: a connection that cannot be made within `connectTimeoutMs` is
 * `database_unreachable` naming host and port; a statement or login the server refuses is
 * `database_error` with the server's message and SQLSTATE.
 *
 * One connection per session; calls are serialised on it, so a transaction never interleaves
 * with another call of the same session.
 */
import pg from "pg";
import { EmbedkitError, ERROR_CODES, isEmbedkitError } from "../../errors.js";
import type { DatabaseTarget } from "./database-url.js";
import { UNREACHABLE_ERRNOS } from "../network-errors.js";

/** A row as the server returns it: jsonb parsed, integers and floats as numbers. */
export type SqlRow = Record<string, unknown>;

/** What a statement can be run on: the session itself, or an open transaction of it. */
export interface SqlRunner {
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface SqlSession extends SqlRunner {
  readonly target: DatabaseTarget;
  /** Runs `fn` inside BEGIN/COMMIT; any throw rolls back and is rethrown. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function unreachable(target: DatabaseTarget, timeoutMs: number, cause: unknown): EmbedkitError {
  const errno = (cause as NodeJS.ErrnoException).code ?? "timeout";
  const why = errno === "timeout" ? `no answer within connectTimeoutMs ${timeoutMs} ms` : errno;
  return new EmbedkitError(
    ERROR_CODES.DATABASE_UNREACHABLE,
    `the database at ${target.host}:${target.port} cannot be reached (${why}); check the url ${target.display} and that Postgres listens there`,
    { field: "url", host: target.host, port: target.port, connectTimeoutMs: timeoutMs, errno },
    { cause },
  );
}

/** Maps a pg failure to our catalogue; a server error keeps its message, SQLSTATE and detail. */
export function databaseError(target: DatabaseTarget, cause: unknown, what: string): EmbedkitError {
  if (isEmbedkitError(cause)) return cause;
  const e = cause as Partial<pg.DatabaseError> & Error;
  if (typeof e.severity === "string" && typeof e.code === "string") {
    return new EmbedkitError(
      ERROR_CODES.DATABASE_ERROR,
      `the database at ${target.host}:${target.port} refused ${what}: ${e.message} (SQLSTATE ${e.code})`,
      {
        host: target.host,
        port: target.port,
        sqlstate: e.code,
        serverMessage: e.message,
        ...(e.detail ? { detail: e.detail } : {}),
      },
      { cause },
    );
  }
  const errno = (cause as NodeJS.ErrnoException).code;
  if ((errno !== undefined && UNREACHABLE_ERRNOS.has(errno)) || /Connection terminated/i.test(e.message ?? "")) {
    return new EmbedkitError(
      ERROR_CODES.DATABASE_UNREACHABLE,
      `the connection to the database at ${target.host}:${target.port} was lost during ${what}: ${e.message}`,
      { field: "url", host: target.host, port: target.port, errno: errno ?? "closed" },
      { cause },
    );
  }
  return new EmbedkitError(
    ERROR_CODES.DATABASE_ERROR,
    `the database client failed during ${what} at ${target.host}:${target.port}: ${e.message}`,
    { host: target.host, port: target.port },
    { cause },
  );
}

/** Opens one connection, giving up after `connectTimeoutMs` (connect and login together). */
export async function openSqlSession(
  url: string,
  target: DatabaseTarget,
  connectTimeoutMs: number,
): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  let lost: EmbedkitError | undefined;
  // A connection the server drops later must not crash the process: remember it, fail the next call.
  client.on("error", (e) => {
    lost = databaseError(target, e, "an idle connection");
  });
  // Our own bound as well: DNS lookups and odd networks are not always covered by pg's timer.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "timeout" })), connectTimeoutMs + 250);
  });
  try {
    await Promise.race([client.connect(), deadline]);
  } catch (cause) {
    void client.end().catch(() => undefined);
    const e = cause as Partial<pg.DatabaseError> & NodeJS.ErrnoException;
    if (typeof e.severity === "string") throw databaseError(target, cause, "the login");
    const errno = e.code;
    if (
      errno === undefined ||
      errno === "timeout" ||
      UNREACHABLE_ERRNOS.has(errno) ||
      /timeout|terminated/i.test(e.message)
    ) {
      throw unreachable(target, connectTimeoutMs, /timeout/i.test(e.message) ? { code: "timeout" } : cause);
    }
    throw databaseError(target, cause, "the connection");
  } finally {
    clearTimeout(timer);
  }

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const run = async <R extends SqlRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> => {
    if (lost) throw lost;
    try {
      const result = await client.query<R>(sql, params as unknown[]);
      return result.rows;
    } catch (cause) {
      throw databaseError(target, cause, `the statement ${sql.trim().split(/\s+/).slice(0, 3).join(" ")}…`);
    }
  };
  const runner: SqlRunner = { query: run };

  return {
    target,
    query: (sql, params) => serial(() => run(sql, params)),
    transaction: (fn) =>
      serial(async () => {
        await run("BEGIN");
        try {
          const out = await fn(runner);
          await run("COMMIT");
          return out;
        } catch (e) {
          await run("ROLLBACK").catch(() => undefined);
          throw e;
        }
      }),
    close: () => serial(() => client.end().catch(() => undefined)),
  };
}
