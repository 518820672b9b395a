import { ConfigError } from "@vlmopt/core";
import pg from "pg";
import { maskUrl, maskUrlsIn } from "./connection-url.js";

/** The most connections one process opens to the store, whatever is asked. */
export const MAX_POOL_SIZE = 32;

export interface OpenPoolOptions {
  /** Connections in the pool (bounded to 1..MAX_POOL_SIZE). Default 4. */
  max?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

/** A bounded pg.Pool for one connection string; its errors never carry the password. */
export function openPool(url: string, options: OpenPoolOptions = {}): pg.Pool {
  const max = options.max ?? 4;
  if (!Number.isInteger(max) || max < 1 || max > MAX_POOL_SIZE) {
    throw new ConfigError(
      `the store pool size is ${max}; it must be a whole number from 1 to ${MAX_POOL_SIZE}`,
    );
  }
  // node-postgres Pool options: https://node-postgres.com/apis/pool (max, connectionString,
  // idleTimeoutMillis, connectionTimeoutMillis).
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 15_000,
    application_name: options.applicationName ?? "vlmopt",
  });
  // An idle client's error (the server went away) must not crash the process with the URL in it.
  pool.on("error", (error) => {
    process.stderr.write(`warning: store ${maskUrl(url)}: ${maskUrlsIn(error.message, [url])}\n`);
  });
  return pool;
}

/** Runs `fn` in one transaction on one client (BEGIN … COMMIT, ROLLBACK on error). */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
