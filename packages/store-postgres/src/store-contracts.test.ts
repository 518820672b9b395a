import { randomBytes } from "node:crypto";
import type { EmbeddingCache, RunStore } from "@vlmopt/core";
import { embeddingCacheContract, runStoreContract } from "@vlmopt/core/testing";
import { afterAll, describe } from "vitest";
import { openPostgresStore, type PostgresStore } from "./open-store.js";
import type { PostgresRunStore } from "./postgres-run-store.js";
import { createTestDatabase, postgresTestSkipReason } from "./test-database.js";

const skip = await postgresTestSkipReason();
if (skip) console.warn(`store-postgres contract tests skipped: ${skip}`);

/** Every store opened here, with the database it is on (dropped at the end). */
const opened: { store: PostgresStore; drop?: () => Promise<void> }[] = [];
const urlOf = new WeakMap<object, string>();

async function freshStore(): Promise<{ store: PostgresStore; url: string }> {
  const db = await createTestDatabase();
  const store = await openPostgresStore(db.url);
  opened.push({ store, drop: db.drop });
  return { store, url: db.url };
}

async function storeOn(url: string): Promise<PostgresStore> {
  const store = await openPostgresStore(url);
  opened.push({ store });
  return store;
}

describe.skipIf(skip !== null)("PostgreSQL stores meet core's contracts (real server)", () => {
  afterAll(async () => {
    for (const { store } of opened.slice().reverse()) await store.close();
    for (const { drop } of opened) await drop?.();
  });

  runStoreContract({
    name: "PostgresRunStore",
    create: async (): Promise<RunStore> => {
      const { store, url } = await freshStore();
      const run = store.runStore(`contract-${randomBytes(4).toString("hex")}`);
      urlOf.set(run, url);
      return run;
    },
    // A second connection pool on the same database and run key, as another process would open it.
    reopen: async (run) => {
      const url = urlOf.get(run) as string;
      return (await storeOn(url)).runStore((run as PostgresRunStore).runKey);
    },
  });

  embeddingCacheContract({
    name: "PostgresEmbeddingCache",
    create: async (): Promise<EmbeddingCache> => {
      const { store, url } = await freshStore();
      urlOf.set(store.features, url);
      return store.features;
    },
    reopen: async (cache) => (await storeOn(urlOf.get(cache) as string)).features,
  });
});
