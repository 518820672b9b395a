import { sha256Hex } from "@vlmopt/core";
import type pg from "pg";

/** Two int4 keys for pg_advisory_lock(int, int) from any string (its sha256). */
export function lockKeysOf(name: string): [number, number] {
  const hex = sha256Hex(name);
  return [Number.parseInt(hex.slice(0, 8), 16) | 0, Number.parseInt(hex.slice(8, 16), 16) | 0];
}

/**
 * Runs `fn` while holding a session advisory lock named `name`, on a client of its own: across the
 * fleet one holder at a time, the others wait. The lock goes with the session if the process dies.
 * https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
 */
export async function withAdvisoryLock<T>(pool: pg.Pool, name: string, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const [a, b] = lockKeysOf(name);
  try {
    await client.query("SELECT pg_advisory_lock($1, $2)", [a, b]);
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, $2)", [a, b]);
    }
  } finally {
    client.release();
  }
}
