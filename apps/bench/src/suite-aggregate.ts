import type { BenchRecord, SkippedDataset, SuiteIdentity, SuiteResults } from "./types.js";

export interface SuiteTotals {
  identity: SuiteIdentity;
  records: BenchRecord[];
  skippedDatasets: SkippedDataset[];
  budget: { perRunUsd: number | null; suiteUsd: number | null; maxCallsPerRun: number | null };
  /** USD spent by the suite's runs, null when the LLM's price is unknown. */
  spentUsd: number | null;
  notes: string[];
}

/** The aggregate phase of a suite: what results.json holds, from the records so far. */
export function suiteResultsOf(t: SuiteTotals, now = new Date()): SuiteResults {
  return {
    formatVersion: 1,
    createdAt: now.toISOString(),
    identity: t.identity,
    records: t.records,
    skippedDatasets: t.skippedDatasets,
    budget: { ...t.budget, spentUsd: t.spentUsd },
    notes: t.notes,
  };
}
