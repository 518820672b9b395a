import type pg from "pg";
import { inTransaction } from "./pool.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The store's schema, as versioned migrations applied in order by `migrate` (never edit one that
 * has shipped; add the next version). Events are append-only: a trigger refuses UPDATE and DELETE.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "runs, events, documents, features, suites, budgets",
    sql: `
CREATE TABLE vlmopt_runs (
  run_key text PRIMARY KEY,
  manifest jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- One row per event, in append order (id); the json type keeps each event's text as written.
CREATE TABLE vlmopt_events (
  id bigserial PRIMARY KEY,
  run_key text NOT NULL,
  event json NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vlmopt_events_run ON vlmopt_events (run_key, id);
CREATE FUNCTION vlmopt_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'vlmopt_events is append-only';
END
$$;
CREATE TRIGGER vlmopt_events_append_only BEFORE UPDATE OR DELETE ON vlmopt_events
  FOR EACH ROW EXECUTE FUNCTION vlmopt_events_append_only();
CREATE TABLE vlmopt_documents (
  run_key text NOT NULL,
  name text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_key, name)
);
-- Image and text features: key_hash is sha256(key), the disk cache's file name.
CREATE TABLE vlmopt_features (
  key_hash text PRIMARY KEY,
  key text NOT NULL,
  dim integer NOT NULL,
  value bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE vlmopt_suites (
  suite_key text PRIMARY KEY,
  spec jsonb NOT NULL,
  identity jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE vlmopt_suite_items (
  suite_key text NOT NULL REFERENCES vlmopt_suites (suite_key),
  item_key text NOT NULL,
  kind text NOT NULL,
  dataset text NOT NULL,
  method text NOT NULL,
  seed integer,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until timestamptz,
  record jsonb,
  cost_usd double precision NOT NULL DEFAULT 0,
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (suite_key, item_key)
);
CREATE TABLE vlmopt_budgets (
  suite_key text PRIMARY KEY REFERENCES vlmopt_suites (suite_key),
  cap_usd double precision,
  cap_calls integer,
  spent_usd double precision NOT NULL DEFAULT 0,
  spent_calls integer NOT NULL DEFAULT 0,
  reserved_usd double precision NOT NULL DEFAULT 0,
  reserved_calls integer NOT NULL DEFAULT 0,
  CHECK (cap_usd IS NULL OR spent_usd <= cap_usd + 1e-9),
  CHECK (cap_calls IS NULL OR spent_calls <= cap_calls)
);
CREATE TABLE vlmopt_reservations (
  suite_key text NOT NULL,
  item_key text NOT NULL,
  usd double precision,
  calls integer,
  PRIMARY KEY (suite_key, item_key)
);
`,
  },
  {
    version: 2,
    name: "manifests and documents keep their text (key order) as written",
    // jsonb re-orders object keys (https://www.postgresql.org/docs/15/datatype-json.html: "jsonb
    // does not preserve … the order of object keys"), so a stored run's page listed its splits and
    // options in another order than its directory's; json keeps the text, like vlmopt_events.
    sql: `
ALTER TABLE vlmopt_runs ALTER COLUMN manifest TYPE json;
ALTER TABLE vlmopt_documents ALTER COLUMN value TYPE json;
`,
  },
];

/** Serialises concurrent migrations from several workers starting at once. */
const MIGRATION_LOCK = 0x766c6d6f; // "vlmo"

/**
 * Applies the migrations this database lacks, in one transaction under an advisory lock, and
 * returns the versions applied. A database from a newer vlmopt (an unknown version) is refused.
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    // Advisory locks: https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS vlmopt_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>("SELECT version FROM vlmopt_migrations");
    const have = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...MIGRATIONS.map((m) => m.version));
    const unknown = [...have].filter((v) => v > newest);
    if (unknown.length > 0) {
      throw new Error(
        `the store's schema is version ${Math.max(...unknown)}, newer than this vlmopt knows (${newest}); upgrade vlmopt`,
      );
    }
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (have.has(m.version)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO vlmopt_migrations (version, name) VALUES ($1, $2)", [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
