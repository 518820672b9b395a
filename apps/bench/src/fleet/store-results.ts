import { ConfigError } from "@vlmopt/core";
import { FleetBudget, type PostgresStore } from "@vlmopt/store-postgres";
import type { BenchRecord, SkippedDataset, SuiteIdentity, SuiteResults } from "../types.js";
import type { ItemRecord } from "./execute-item.js";
import type { FleetSpec } from "./fleet-spec.js";

/** The suite's results as the store holds them now (what results.json would say). */
export async function resultsFromStore(store: PostgresStore, suiteKey: string): Promise<SuiteResults> {
  const suites = await store.items.suiteKeys();
  const suite = suites.find((s) => s.suiteKey === suiteKey);
  if (!suite) {
    throw new ConfigError(`suite ${suiteKey} is not in ${store.shownUrl}`, {
      hint: suites.length
        ? `suites there: ${suites.map((s) => s.suiteKey).join(", ")}`
        : "enqueue it first with: vlmopt-bench run --suite … --queue …",
    });
  }
  if (!suite.identity) {
    throw new ConfigError(`no worker has started suite ${suiteKey} yet, so there is nothing to report`, {
      hint: "start workers with: vlmopt-bench worker --queue …",
    });
  }
  const spec = suite.spec as FleetSpec;
  const records: BenchRecord[] = [];
  const skippedDatasets: SkippedDataset[] = [];
  for (const row of await store.items.records(suiteKey)) {
    const r = row.record as ItemRecord | null;
    if (r?.skippedDataset) {
      if (!skippedDatasets.some((s) => s.dataset === r.skippedDataset?.dataset))
        skippedDatasets.push(r.skippedDataset);
      continue;
    }
    if (r) records.push(...r.records);
  }
  const budget = await new FleetBudget(store.pool, suiteKey).read();
  const notes: string[] = [];
  if (spec.suite.maxTestImages !== undefined)
    notes.push(
      `test accuracy is measured on at most ${spec.suite.maxTestImages} class-balanced test images per dataset`,
    );
  return {
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    identity: suite.identity as SuiteIdentity,
    records,
    skippedDatasets,
    budget: {
      perRunUsd: spec.budget.perRunUsd,
      suiteUsd: spec.budget.suiteUsd,
      maxCallsPerRun: spec.budget.maxCallsPerRun,
      spentUsd: budget?.spentUsd ?? null,
    },
    notes,
  };
}
