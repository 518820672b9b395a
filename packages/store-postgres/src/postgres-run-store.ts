import {
  type RunEvent,
  type RunLog,
  type RunManifest,
  type RunStore,
  RunStoreError,
  redactSecrets,
} from "@vlmopt/core";
import type pg from "pg";

const LEASE_LOST = "lost the lease on ";

/** True for the error of an append whose worker no longer holds the run's lease. */
export function isLeaseLost(error: unknown): boolean {
  return RunStoreError.isInstance(error) && (error as Error).message.startsWith(LEASE_LOST);
}

/** The suite item whose lease an appender must hold. */
export interface RunFence {
  suiteKey: string;
  itemKey: string;
  owner: string;
}

/**
 * A RunStore in PostgreSQL: the manifest in vlmopt_runs, events appended (never updated) to
 * vlmopt_events in order, named JSON documents in vlmopt_documents. `append` returns once the
 * INSERT has committed (durable, like the fsync'd events.jsonl), so a killed process resumes the
 * same way: optimize() re-reads the log and replays it. A database has no torn lines.
 *
 * With a `fence` (a suite item and its lease owner), an event is appended only while that owner
 * still holds the item's lease, in the same statement: a worker whose lease lapsed (it stalled and
 * another worker took the run over) can never add events behind the new owner's back. The item row
 * is locked FOR SHARE, so a takeover (an UPDATE of that row) waits for an append in flight to
 * commit and the new owner's first read of the log sees it; an append that waited on a takeover
 * re-checks the owner and is refused.
 */
export class PostgresRunStore implements RunStore {
  readonly specificationVersion = "v1" as const;

  constructor(
    private readonly pool: pg.Pool,
    /** The run's key, e.g. "smoke-random-tiny-simulated/eurosat/random/seed-1". */
    readonly runKey: string,
    /** The masked connection string, for `location`. */
    private readonly shownUrl: string,
    private readonly fence?: RunFence,
  ) {}

  get location(): string {
    return `${this.shownUrl}#${this.runKey}`;
  }

  async writeManifest(manifest: RunManifest): Promise<void> {
    await this.pool.query(
      `INSERT INTO vlmopt_runs (run_key, manifest) VALUES ($1, $2)
       ON CONFLICT (run_key) DO UPDATE SET manifest = EXCLUDED.manifest`,
      [this.runKey, JSON.stringify(redactSecrets(manifest))],
    );
  }

  async readManifest(): Promise<RunManifest | null> {
    const { rows } = await this.pool.query<{ manifest: RunManifest }>(
      "SELECT manifest FROM vlmopt_runs WHERE run_key = $1",
      [this.runKey],
    );
    const manifest = rows[0]?.manifest;
    if (manifest === undefined) return null;
    const { parseRunManifest } = await import("@vlmopt/core/manifest-schema");
    return parseRunManifest(manifest, `run ${this.runKey} in the store`);
  }

  async append(event: RunEvent): Promise<void> {
    const text = JSON.stringify(redactSecrets(event));
    if (!this.fence) {
      await this.pool.query("INSERT INTO vlmopt_events (run_key, event) VALUES ($1, $2)", [
        this.runKey,
        text,
      ]);
      return;
    }
    const { suiteKey, itemKey, owner } = this.fence;
    const r = await this.pool.query(
      `INSERT INTO vlmopt_events (run_key, event)
       SELECT $1, $2 WHERE EXISTS (
         SELECT 1 FROM vlmopt_suite_items
          WHERE suite_key = $3 AND item_key = $4 AND lease_owner = $5 AND state = 'running'
          FOR SHARE)`,
      [this.runKey, text, suiteKey, itemKey, owner],
    );
    if (r.rowCount !== 1) {
      throw new RunStoreError(`${LEASE_LOST}${itemKey}: another worker has taken the run over`, {
        hint: "nothing is lost: the run continues from the stored events on the worker that holds it now",
      });
    }
  }

  async readLog(): Promise<RunLog> {
    const { rows } = await this.pool.query<{ event: RunEvent }>(
      "SELECT event FROM vlmopt_events WHERE run_key = $1 ORDER BY id",
      [this.runKey],
    );
    return { events: rows.map((r) => r.event) };
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    await this.pool.query(
      `INSERT INTO vlmopt_documents (run_key, name, value) VALUES ($1, $2, $3)
       ON CONFLICT (run_key, name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [this.runKey, name, JSON.stringify(redactSecrets(value))],
    );
  }

  async readJson(name: string): Promise<unknown | null> {
    const { rows } = await this.pool.query<{ value: unknown }>(
      "SELECT value FROM vlmopt_documents WHERE run_key = $1 AND name = $2",
      [this.runKey, name],
    );
    return rows.length === 0 ? null : (rows[0] as { value: unknown }).value;
  }

  /** Names of the run's JSON documents (results, transfer-*, …), sorted; those starting with `prefix` if given. */
  async listJson(prefix = ""): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      "SELECT name FROM vlmopt_documents WHERE run_key = $1 AND starts_with(name, $2) ORDER BY name",
      [this.runKey, prefix],
    );
    return rows.map((r) => r.name);
  }

  /** The pool belongs to whoever opened it; nothing to close per run. */
  close(): void {}
}

/** One stored run as a reader lists it: its key and what changes whenever the run does. */
export interface StoredRunSummary {
  runKey: string;
  /** Id of the run's last event (0 without events): grows with every append. */
  lastEventId: number;
  /** When any of the run's documents was last written (ISO), or null. */
  documentsAt: string | null;
}

/**
 * Every run in the store, sorted by key, in one read-only query (the events index on
 * (run_key, id) makes each max(id) an index lookup). Readers poll it to see which runs changed.
 */
export async function listStoredRuns(pool: pg.Pool): Promise<StoredRunSummary[]> {
  const { rows } = await pool.query<{ run_key: string; last_event: string | null; docs_at: Date | null }>(
    `SELECT r.run_key,
            (SELECT max(e.id) FROM vlmopt_events e WHERE e.run_key = r.run_key) AS last_event,
            (SELECT max(d.updated_at) FROM vlmopt_documents d WHERE d.run_key = r.run_key) AS docs_at
       FROM vlmopt_runs r ORDER BY r.run_key`,
  );
  return rows.map((r) => ({
    runKey: r.run_key,
    lastEventId: r.last_event === null ? 0 : Number(r.last_event),
    documentsAt: r.docs_at ? r.docs_at.toISOString() : null,
  }));
}
