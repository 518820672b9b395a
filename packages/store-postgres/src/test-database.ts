import { randomBytes } from "node:crypto";
import pg from "pg";

/** The environment variable .ci/start-postgres.sh exports: a server the tests may create databases on. */
export const TEST_URL_ENV = "VLMOPT_TEST_PG_URL";

/**
 * Whether the PostgreSQL tests can run: a reason to skip them, or null. Under CI (CI=true) a missing
 * server is an error, not a skip, so that CI never passes without them.
 */
export async function postgresTestSkipReason(env = process.env): Promise<string | null> {
  const url = env[TEST_URL_ENV];
  const problem = url
    ? await reachable(url)
    : `${TEST_URL_ENV} is not set (run: eval "$(bash .ci/start-postgres.sh)")`;
  if (problem && env.CI === "true") throw new Error(`PostgreSQL tests cannot run under CI: ${problem}`);
  return problem;
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return `cannot connect to ${TEST_URL_ENV}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, empty database on the test server; `drop()` removes it. */
export async function createTestDatabase(
  env = process.env,
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const base = env[TEST_URL_ENV] as string;
  const name = `vlmopt_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    // A database name cannot be a bind parameter; this one is generated hex, never user input.
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
