import type pg from "pg";
import { maskUrl } from "./connection-url.js";
import { migrate } from "./migrations.js";
import { type OpenPoolOptions, openPool } from "./pool.js";
import { PostgresEmbeddingCache } from "./postgres-embedding-cache.js";
import {
  listStoredRuns,
  PostgresRunStore,
  type RunFence,
  type StoredRunSummary,
} from "./postgres-run-store.js";
import { SuiteItems } from "./suite-items.js";

/** An opened store: a bounded pool on a migrated database, and what is built on it. */
export interface PostgresStore {
  readonly pool: pg.Pool;
  /** The connection string with the password masked: the only form ever shown. */
  readonly shownUrl: string;
  /** A run's store; with a fence, appends need the item's lease (see PostgresRunStore). */
  runStore(runKey: string, fence?: RunFence): PostgresRunStore;
  /** Every stored run with what changes when it does (see listStoredRuns). */
  listRuns(): Promise<StoredRunSummary[]>;
  readonly features: PostgresEmbeddingCache;
  readonly items: SuiteItems;
  close(): Promise<void>;
}

/** Connects, applies pending migrations and returns the store. */
export async function openPostgresStore(url: string, options: OpenPoolOptions = {}): Promise<PostgresStore> {
  const pool = openPool(url, options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  const shownUrl = maskUrl(url);
  return {
    pool,
    shownUrl,
    runStore: (runKey, fence) => new PostgresRunStore(pool, runKey, shownUrl, fence),
    listRuns: () => listStoredRuns(pool),
    features: new PostgresEmbeddingCache(pool),
    items: new SuiteItems(pool),
    close: () => pool.end(),
  };
}
