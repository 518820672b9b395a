/**
 * `@vlmopt/store-postgres/testing`: throw-away databases on the test server that
 * `.ci/start-postgres.sh` starts (VLMOPT_TEST_PG_URL), and whether the PostgreSQL tests can run.
 * Run core's `runStoreContract` / `embeddingCacheContract` against the stores on such a database.
 */
export { createTestDatabase, postgresTestSkipReason, TEST_URL_ENV } from "./test-database.js";
