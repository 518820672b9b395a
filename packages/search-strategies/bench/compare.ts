import { optimize } from "@vlmopt/core";
import { MemoryRunStore } from "@vlmopt/core/testing";
import { createFromLlmSpec, llmProviderPlugins } from "@vlmopt/llm-providers/plugins";
import { createStrategy, listStrategies } from "../src/registry.js";
import { createSyntheticTask } from "./synthetic-task.js";

export interface CompareOptions {
  strategies: readonly string[];
  /** LLM-call budgets (maxLlmCalls; also each strategy's iterations). */
  budgets: readonly number[];
  seeds: readonly number[];
  /** Extra params per strategy name. */
  params?: Record<string, Record<string, unknown>>;
}

export interface CompareCell {
  strategy: string;
  budget: number;
  /** Best train accuracy per seed. */
  best: number[];
  mean: number;
  /** Mean best train accuracy of the initial pool alone (same for every strategy with that pool). */
  poolMean: number;
  meanLlmCalls: number;
}

/**
 * Runs each strategy on the synthetic task (one task per seed) through core's optimize() with the
 * simulated provider (`--llm simulated`, word-level edits, not an LLM) and an in-memory run store, at each LLM-call budget, and reports the mean
 * best train accuracy. Every run is deterministic.
 */
export async function compareStrategies(o: CompareOptions): Promise<CompareCell[]> {
  const cells: CompareCell[] = [];
  for (const budget of o.budgets) {
    for (const strategy of o.strategies) {
      const best: number[] = [];
      const pool: number[] = [];
      let calls = 0;
      for (const seed of o.seeds) {
        const { dataset, encoder } = createSyntheticTask({ seed });
        const result = await optimize({
          strategy: createStrategy(strategy, {
            // Strategies without `iterations` (waffle, dclip, cupl) run their own course under the budget.
            ...(hasIterations(strategy) ? { iterations: budget } : {}),
            ...(o.params?.[strategy] ?? {}),
          }),
          // The `--llm simulated:<seed>` entry, exactly as the CLI creates it.
          llm: await createFromLlmSpec(llmProviderPlugins, `simulated:${seed}`),
          encoder,
          dataset,
          store: new MemoryRunStore(),
          budget: { maxLlmCalls: budget },
          seed,
          evaluateTest: false,
        });
        best.push(result.best?.trainAccuracy ?? 0);
        const fromPool = result.history.filter((h) => h.source === "pool");
        pool.push(fromPool.reduce((m, h) => Math.max(m, h.trainAccuracy), 0));
        calls += result.usage.llmCalls;
      }
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
      cells.push({
        strategy,
        budget,
        best,
        mean: mean(best),
        poolMean: mean(pool),
        meanLlmCalls: calls / o.seeds.length,
      });
    }
  }
  return cells;
}

/** A fixed-width table: one row per strategy, one column per budget (mean best train accuracy, %). */
export function formatTable(cells: readonly CompareCell[]): string {
  const budgets = [...new Set(cells.map((c) => c.budget))];
  const strategies = [...new Set(cells.map((c) => c.strategy))];
  const width = Math.max(10, ...strategies.map((s) => s.length)) + 2;
  const head = `${"strategy".padEnd(width)}${budgets.map((b) => `${b} calls`.padStart(12)).join("")}`;
  const rows = strategies.map((s) => {
    const vals = budgets.map((b) => {
      const cell = cells.find((c) => c.strategy === s && c.budget === b);
      return (cell ? `${(cell.mean * 100).toFixed(2)}%` : "-").padStart(12);
    });
    return `${s.padEnd(width)}${vals.join("")}`;
  });
  return [head, "-".repeat(head.length), ...rows].join("\n");
}

function hasIterations(strategy: string): boolean {
  return listStrategies().some((s) => s.name === strategy && s.params.some((p) => p.name === "iterations"));
}
