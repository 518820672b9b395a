import type pg from "pg";
import { inTransaction } from "./pool.js";

const EPSILON = 1e-12;

export interface FleetBudgetCaps {
  /** The suite's USD cap (null: none). */
  capUsd: number | null;
  /** The suite's LLM-call cap (null: none). */
  capCalls: number | null;
}

/** What one run may spend: it becomes the run's own maxUsd / maxLlmCalls. null: no such limit. */
export interface Reservation {
  maxUsd: number | null;
  maxCalls: number | null;
}

/**
 * A suite's USD and call budget shared by every worker of the fleet, in one row of vlmopt_budgets.
 * Before a run starts, its worker reserves what the run may spend (its per-run cap, else all that is
 * left) in a transaction that locks the row (SELECT … FOR UPDATE) and updates it only if the cap
 * still allows (UPDATE … WHERE … RETURNING): two workers can never both take the last dollar. The
 * reservation is a row of its own, so a worker killed mid-run leaves it for the worker that resumes
 * the run; settling moves the run's actual spend to `spent` and releases the rest.
 */
export class FleetBudget {
  constructor(
    private readonly pool: pg.Pool,
    readonly suiteKey: string,
  ) {}

  /** Creates the budget row once (the first enqueue sets the caps). */
  async ensure(caps: FleetBudgetCaps): Promise<void> {
    await this.pool.query(
      `INSERT INTO vlmopt_budgets (suite_key, cap_usd, cap_calls) VALUES ($1, $2, $3)
       ON CONFLICT (suite_key) DO NOTHING`,
      [this.suiteKey, caps.capUsd, caps.capCalls],
    );
  }

  /**
   * Reserves for one run (the same reservation again if the run already holds one). "exhausted":
   * the cap is spent; "wait": other runs' reservations hold what is left, try again later.
   */
  async reserve(
    itemKey: string,
    perRun: { usd: number | null; calls: number | null },
  ): Promise<Reservation | "exhausted" | "wait"> {
    return inTransaction(this.pool, async (client) => {
      const b = await client.query<{
        cap_usd: number | null;
        cap_calls: number | null;
        spent_usd: number;
        spent_calls: number;
        reserved_usd: number;
        reserved_calls: number;
      }>("SELECT * FROM vlmopt_budgets WHERE suite_key = $1 FOR UPDATE", [this.suiteKey]);
      const row = b.rows[0];
      if (!row) return { maxUsd: perRun.usd, maxCalls: perRun.calls };
      const held = await client.query<{ usd: number | null; calls: number | null }>(
        "SELECT usd, calls FROM vlmopt_reservations WHERE suite_key = $1 AND item_key = $2",
        [this.suiteKey, itemKey],
      );
      const existing = held.rows[0];
      if (existing) return { maxUsd: existing.usd, maxCalls: existing.calls };

      let usd = perRun.usd;
      if (row.cap_usd !== null) {
        const left = row.cap_usd - row.spent_usd - row.reserved_usd;
        if (row.cap_usd - row.spent_usd <= EPSILON) return "exhausted";
        if (left <= EPSILON) return row.reserved_usd > EPSILON ? "wait" : "exhausted";
        usd = usd === null ? left : Math.min(usd, left);
      }
      let calls = perRun.calls;
      if (row.cap_calls !== null) {
        const left = row.cap_calls - row.spent_calls - row.reserved_calls;
        if (row.cap_calls - row.spent_calls <= 0) return "exhausted";
        if (left <= 0) return row.reserved_calls > 0 ? "wait" : "exhausted";
        calls = calls === null ? left : Math.min(calls, left);
      }
      const updated = await client.query(
        `UPDATE vlmopt_budgets
            SET reserved_usd = reserved_usd + $2, reserved_calls = reserved_calls + $3
          WHERE suite_key = $1
            AND (cap_usd IS NULL OR spent_usd + reserved_usd + $2 <= cap_usd + 1e-9)
            AND (cap_calls IS NULL OR spent_calls + reserved_calls + $3 <= cap_calls)
          RETURNING suite_key`,
        [this.suiteKey, row.cap_usd === null ? 0 : (usd ?? 0), row.cap_calls === null ? 0 : (calls ?? 0)],
      );
      if (updated.rowCount !== 1) return "wait";
      await client.query(
        "INSERT INTO vlmopt_reservations (suite_key, item_key, usd, calls) VALUES ($1, $2, $3, $4)",
        [this.suiteKey, itemKey, row.cap_usd === null ? null : usd, row.cap_calls === null ? null : calls],
      );
      return { maxUsd: usd, maxCalls: calls };
    });
  }

  /** Ends a run's reservation: its spend becomes `spent`, the rest is released. Idempotent. */
  async settle(itemKey: string, spent: { usd: number; calls: number }): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query("SELECT 1 FROM vlmopt_budgets WHERE suite_key = $1 FOR UPDATE", [this.suiteKey]);
      const { rows } = await client.query<{ usd: number | null; calls: number | null }>(
        "DELETE FROM vlmopt_reservations WHERE suite_key = $1 AND item_key = $2 RETURNING usd, calls",
        [this.suiteKey, itemKey],
      );
      const r = rows[0];
      if (!r) return;
      await client.query(
        `UPDATE vlmopt_budgets
            SET reserved_usd = GREATEST(0, reserved_usd - $2), reserved_calls = GREATEST(0, reserved_calls - $3),
                spent_usd = spent_usd + $4, spent_calls = spent_calls + $5
          WHERE suite_key = $1`,
        [this.suiteKey, r.usd ?? 0, r.calls ?? 0, spent.usd, spent.calls],
      );
    });
  }

  /** The row as it stands (null when the suite has no budget row). */
  async read(): Promise<
    | (FleetBudgetCaps & { spentUsd: number; spentCalls: number; reservedUsd: number; reservedCalls: number })
    | null
  > {
    const { rows } = await this.pool.query("SELECT * FROM vlmopt_budgets WHERE suite_key = $1", [
      this.suiteKey,
    ]);
    const r = rows[0];
    if (!r) return null;
    return {
      capUsd: r.cap_usd,
      capCalls: r.cap_calls,
      spentUsd: r.spent_usd,
      spentCalls: r.spent_calls,
      reservedUsd: r.reserved_usd,
      reservedCalls: r.reserved_calls,
    };
  }
}
