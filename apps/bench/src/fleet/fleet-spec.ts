import type { SuiteItem } from "@vlmopt/store-postgres";
import type { SuiteSpec } from "../types.js";

/** What `run --queue` stores for the workers: everything needed to run any item of the grid. */
export interface FleetSpec {
  formatVersion: 1;
  suite: SuiteSpec;
  modelSpec: string;
  llmSpec: string;
  /** The data root on the enqueuing machine; a worker's --data-root overrides it. */
  dataRoot: string;
  budget: {
    perRunUsd: number | null;
    suiteUsd: number | null;
    maxCallsPerRun: number | null;
    suiteCalls: number | null;
  };
  backbone?: string;
  offline?: boolean;
  /**
   * Seconds a worker's lease on a run lasts without a heartbeat (workers renew it every third of
   * it): a killed worker's runs are taken over by another worker after about this long.
   */
  leaseSeconds: number;
}

/** The default lease: a minute. */
export const DEFAULT_LEASE_SECONDS = 60;

/** A suite's key in the store: the directory name `run` would give it. */
export function suiteKeyOf(suiteName: string, modelSlug: string, llmSlug: string): string {
  return `${suiteName}-${modelSlug}-${llmSlug}`;
}

/** The run key of one run of a suite (its RunStore key). */
export function runKeyOf(suiteKey: string, dataset: string, method: string, seed: number): string {
  return `${suiteKey}/${dataset}/${method}/seed-${seed}`;
}

/** The grid's items: one per (dataset, seed, strategy) run, and one per dataset for its baselines. */
export function itemsOf(spec: FleetSpec): SuiteItem[] {
  const out: SuiteItem[] = [];
  const { suite } = spec;
  for (const dataset of suite.datasets) {
    if (suite.baselines.length > 0)
      out.push({
        itemKey: `${dataset}/baselines`,
        kind: "baselines",
        dataset,
        method: "baselines",
        seed: null,
      });
    for (const seed of suite.seeds)
      for (const s of suite.strategies)
        out.push({
          itemKey: `${dataset}/${s.method}/seed-${seed}`,
          kind: "run",
          dataset,
          method: s.method,
          seed,
        });
  }
  return out;
}
