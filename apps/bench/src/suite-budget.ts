import { ConfigError } from "@vlmopt/core";

const EPSILON = 1e-12;

/**
 * The suite's USD cap. Before a run starts it reserves at most what the run may spend (its per-run
 * cap, else everything left); the run gets the reservation as its own `maxUsd`, so the sum spent
 * never exceeds the cap even with runs in parallel. A run's actual cost is committed when it ends
 * and the unused part of its reservation is released. No run starts once nothing is left.
 */
export class SuiteBudget {
  private spent = 0;
  private reserved = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly capUsd: number | null,
    readonly perRunUsd: number | null,
  ) {
    for (const [name, v] of [
      ["--budget-usd-suite", capUsd],
      ["--budget-usd-per-run", perRunUsd],
    ] as const) {
      if (v !== null && !(Number.isFinite(v) && v >= 0)) {
        throw new ConfigError(`${name} is ${v}; it must be a number ≥ 0`, {
          hint: "leave it out for no limit",
        });
      }
    }
  }

  /** Cost already spent (finished runs, and earlier invocations' partial runs). */
  get spentUsd(): number {
    return this.spent;
  }

  get remainingUsd(): number | null {
    return this.capUsd === null ? null : Math.max(0, this.capUsd - this.spent - this.reserved);
  }

  /** Counts money spent outside a reservation (runs finished by an earlier invocation). */
  addSpent(usd: number): void {
    this.spent += usd;
  }

  /** Takes back money counted with addSpent (a partial run that is about to be resumed and re-reserved). */
  removeSpent(usd: number): void {
    this.spent = Math.max(0, this.spent - usd);
  }

  /**
   * Reserves money for one run. Resolves to the run's USD cap (null: no USD limit at all), or
   * "exhausted" once the spent sum has reached the cap. While other runs hold everything that is
   * left, it waits for one of them to settle.
   */
  async reserve(): Promise<{ maxUsd: number | null } | "exhausted"> {
    for (;;) {
      const got = this.tryReserve();
      if (got !== "wait") return got;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** reserve() without waiting: "wait" when other runs' reservations hold what is left. */
  tryReserve(): { maxUsd: number | null } | "exhausted" | "wait" {
    if (this.capUsd === null) return { maxUsd: this.perRunUsd };
    if (this.capUsd - this.spent <= EPSILON) return "exhausted";
    const remaining = this.remainingUsd as number;
    if (remaining <= EPSILON) return this.reserved > 0 ? "wait" : "exhausted";
    const amount = this.perRunUsd === null ? remaining : Math.min(this.perRunUsd, remaining);
    this.reserved += amount;
    return { maxUsd: amount };
  }

  /** Ends a reservation: `costUsd` (≤ the reservation) becomes spent, the rest is released. */
  settle(reservation: { maxUsd: number | null }, costUsd: number | null): void {
    if (this.capUsd !== null && reservation.maxUsd !== null) this.reserved -= reservation.maxUsd;
    this.reserved = Math.max(0, this.reserved);
    this.spent += costUsd ?? 0;
    for (const wake of this.waiters.splice(0)) wake();
  }
}
