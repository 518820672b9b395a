import { ConfigError, canonicalJson } from "@vlmopt/core";
import type pg from "pg";

export type ItemState = "queued" | "running" | "done" | "failed";

/** One unit of a suite's work: a run (strategy × dataset × seed) or a dataset's baselines. */
export interface SuiteItem {
  itemKey: string;
  kind: "run" | "baselines";
  dataset: string;
  method: string;
  seed: number | null;
}

export interface SuiteStatus {
  queued: number;
  running: number;
  done: number;
  failed: number;
  /** USD spent by finished items plus what the budget row says was spent (whichever is larger). */
  costUsd: number;
  /** Mean seconds of a finished item (null before the first). */
  meanItemSeconds: number | null;
  /** Seconds until the queue is drained at the current parallelism (null when unknown). */
  etaSeconds: number | null;
}

export type ClaimResult = { kind: "claimed"; attempt: number } | { kind: "held" } | { kind: "finished" };

/**
 * The suites and their items in the store: what is queued, who holds which run (a lease renewed by
 * heartbeats; an expired lease frees the run for another worker) and each finished item's record.
 */
export class SuiteItems {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Registers a suite and its items; returns the items to enqueue: new ones and failed ones (which
   * go back to queued). A suite key that exists with other settings is refused.
   */
  async register(suiteKey: string, spec: unknown, items: readonly SuiteItem[]): Promise<SuiteItem[]> {
    const { rows } = await this.pool.query<{ spec: unknown }>(
      `INSERT INTO vlmopt_suites (suite_key, spec) VALUES ($1, $2)
       ON CONFLICT (suite_key) DO UPDATE SET suite_key = EXCLUDED.suite_key RETURNING spec`,
      [suiteKey, JSON.stringify(spec)],
    );
    if (canonicalJson(rows[0]?.spec) !== canonicalJson(spec)) {
      throw new ConfigError(`suite ${suiteKey} is already in the store with other settings`, {
        hint: "enqueue it with its original settings, or pick another suite (datasets, seeds, model or LLM)",
      });
    }
    const out: SuiteItem[] = [];
    for (const item of items) {
      const r = await this.pool.query(
        `INSERT INTO vlmopt_suite_items (suite_key, item_key, kind, dataset, method, seed)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (suite_key, item_key) DO UPDATE SET state = 'queued', lease_owner = NULL, lease_until = NULL
           WHERE vlmopt_suite_items.state = 'failed'
         RETURNING item_key`,
        [suiteKey, item.itemKey, item.kind, item.dataset, item.method, item.seed],
      );
      if (r.rowCount === 1) out.push(item);
    }
    return out;
  }

  async spec(suiteKey: string): Promise<unknown | null> {
    const { rows } = await this.pool.query("SELECT spec FROM vlmopt_suites WHERE suite_key = $1", [suiteKey]);
    return rows[0]?.spec ?? null;
  }

  async item(suiteKey: string, itemKey: string): Promise<(SuiteItem & { state: ItemState }) | null> {
    const { rows } = await this.pool.query(
      "SELECT item_key, kind, dataset, method, seed, state FROM vlmopt_suite_items WHERE suite_key = $1 AND item_key = $2",
      [suiteKey, itemKey],
    );
    const r = rows[0];
    return r
      ? {
          itemKey: r.item_key,
          kind: r.kind,
          dataset: r.dataset,
          method: r.method,
          seed: r.seed,
          state: r.state,
        }
      : null;
  }

  /** Records what the suite's model and LLM are (the first worker to resolve them writes it). */
  async setIdentity(suiteKey: string, identity: unknown): Promise<void> {
    await this.pool.query(
      "UPDATE vlmopt_suites SET identity = $2 WHERE suite_key = $1 AND identity IS NULL",
      [suiteKey, JSON.stringify(identity)],
    );
  }

  /**
   * Takes a run for `owner` unless a live worker holds it: a queued item, or a running one whose
   * lease has expired (its worker died).
   */
  async claim(suiteKey: string, itemKey: string, owner: string, leaseSeconds: number): Promise<ClaimResult> {
    const { rows } = await this.pool.query<{ attempts: number }>(
      `UPDATE vlmopt_suite_items
          SET state = 'running', lease_owner = $3, lease_until = now() + make_interval(secs => $4),
              attempts = attempts + 1, started_at = COALESCE(started_at, now())
        WHERE suite_key = $1 AND item_key = $2
          AND (state = 'queued' OR (state = 'running' AND lease_until < now()))
        RETURNING attempts`,
      [suiteKey, itemKey, owner, leaseSeconds],
    );
    if (rows[0]) return { kind: "claimed", attempt: rows[0].attempts };
    const item = await this.item(suiteKey, itemKey);
    if (!item || item.state === "done" || item.state === "failed") return { kind: "finished" };
    return { kind: "held" };
  }

  /** Renews every lease `owner` holds on a suite's items. */
  async heartbeat(owner: string, leaseSeconds: number, suiteKey: string): Promise<number> {
    const r = await this.pool.query(
      `UPDATE vlmopt_suite_items SET lease_until = now() + make_interval(secs => $2)
        WHERE lease_owner = $1 AND state = 'running' AND suite_key = $3`,
      [owner, leaseSeconds, suiteKey],
    );
    return r.rowCount ?? 0;
  }

  /** Ends an item held by `owner`; false when the lease was lost (another worker took the run over). */
  async finish(
    suiteKey: string,
    itemKey: string,
    owner: string,
    outcome: { state: "done" | "failed"; record: unknown; costUsd: number },
  ): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE vlmopt_suite_items
          SET state = $4, record = $5, cost_usd = $6, finished_at = now(), lease_owner = NULL, lease_until = NULL
        WHERE suite_key = $1 AND item_key = $2 AND lease_owner = $3 AND state = 'running'`,
      [suiteKey, itemKey, owner, outcome.state, JSON.stringify(outcome.record), outcome.costUsd],
    );
    return r.rowCount === 1;
  }

  /** Finished items' records, in key order. */
  async records(suiteKey: string): Promise<{ item: SuiteItem; state: ItemState; record: unknown }[]> {
    const { rows } = await this.pool.query(
      `SELECT item_key, kind, dataset, method, seed, state, record FROM vlmopt_suite_items
        WHERE suite_key = $1 ORDER BY item_key`,
      [suiteKey],
    );
    return rows.map((r) => ({
      item: { itemKey: r.item_key, kind: r.kind, dataset: r.dataset, method: r.method, seed: r.seed },
      state: r.state,
      record: r.record,
    }));
  }

  async suiteKeys(): Promise<{ suiteKey: string; identity: unknown; spec: unknown }[]> {
    const { rows } = await this.pool.query(
      "SELECT suite_key, spec, identity FROM vlmopt_suites ORDER BY created_at, suite_key",
    );
    return rows.map((r) => ({ suiteKey: r.suite_key, spec: r.spec, identity: r.identity }));
  }

  /** Counts by state, cost so far and an ETA, for one suite or all of them. */
  async status(suiteKey?: string): Promise<SuiteStatus> {
    const where = suiteKey === undefined ? "" : "WHERE suite_key = $1";
    const params = suiteKey === undefined ? [] : [suiteKey];
    const { rows } = await this.pool.query<{
      state: ItemState;
      n: string;
      cost: number | null;
      secs: number | null;
    }>(
      `SELECT state, count(*) AS n, sum(cost_usd) AS cost,
              avg(EXTRACT(epoch FROM finished_at - started_at)) AS secs
         FROM vlmopt_suite_items ${where} GROUP BY state`,
      params,
    );
    const budget = await this.pool.query<{ spent: number | null }>(
      `SELECT sum(spent_usd) AS spent FROM vlmopt_budgets ${where}`,
      params,
    );
    const out: SuiteStatus = {
      queued: 0,
      running: 0,
      done: 0,
      failed: 0,
      costUsd: 0,
      meanItemSeconds: null,
      etaSeconds: null,
    };
    for (const r of rows) {
      out[r.state] = Number(r.n);
      out.costUsd += r.cost ?? 0;
      if (r.state === "done" && r.secs !== null) out.meanItemSeconds = Number(r.secs);
    }
    out.costUsd = Math.max(out.costUsd, budget.rows[0]?.spent ?? 0);
    if (out.meanItemSeconds !== null) {
      const left = out.queued + out.running;
      out.etaSeconds = left === 0 ? 0 : (left * out.meanItemSeconds) / Math.max(1, out.running);
    }
    return out;
  }
}
