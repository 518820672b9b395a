import { join } from "node:path";
import type { SuiteSpec, SuiteStrategy } from "./types.js";

/** One run of a suite's grid: a strategy on a dataset with a seed, and where it keeps its files. */
export interface PlannedRun {
  dataset: string;
  seed: number;
  strategy: SuiteStrategy;
  runDir: string;
}

/** Where one run of the grid keeps its manifest, events and results. */
export function runDirOf(outDir: string, dataset: string, method: string, seed: number): string {
  return join(outDir, "runs", dataset, method, `seed-${seed}`);
}

/**
 * The plan phase of a suite: its grid as data, dataset by dataset, then seed by seed, then
 * strategy by strategy (the order runs are scheduled and recorded in).
 */
export function planSuite(
  suite: Pick<SuiteSpec, "datasets" | "seeds" | "strategies">,
  outDir: string,
  datasets: readonly string[] = suite.datasets,
): PlannedRun[] {
  const out: PlannedRun[] = [];
  for (const dataset of datasets)
    for (const seed of suite.seeds)
      for (const strategy of suite.strategies)
        out.push({ dataset, seed, strategy, runDir: runDirOf(outDir, dataset, strategy.method, seed) });
  return out;
}
