import { describe, expect, it } from "vitest";
import { compareStrategies } from "./compare.js";
import { createSyntheticTask } from "./synthetic-task.js";

const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe("feedback matters on the synthetic task (simulated provider, 10 seeds)", () => {
  it("hill-climb P+N beats random and is at least as good as P-only at the same LLM-call budget", async () => {
    const cells = await compareStrategies({
      strategies: ["hill-climb", "hill-climb-p", "random"],
      budgets: [10, 20],
      seeds: SEEDS,
    });
    const mean = (s: string, b: number) =>
      cells.find((c) => c.strategy === s && c.budget === b)?.mean ?? Number.NaN;
    for (const budget of [10, 20]) {
      console.log(
        `budget ${budget}: P+N ${mean("hill-climb", budget).toFixed(4)}, P ${mean("hill-climb-p", budget).toFixed(4)}, random ${mean("random", budget).toFixed(4)}`,
      );
      expect(mean("hill-climb", budget)).toBeGreaterThan(mean("random", budget));
      expect(mean("hill-climb", budget)).toBeGreaterThanOrEqual(mean("hill-climb-p", budget));
    }
    // Same starting point and the same number of LLM calls for every strategy.
    for (const c of cells) {
      expect(c.poolMean).toBeCloseTo(cells[0]?.poolMean ?? 0, 10);
      expect(c.meanLlmCalls).toBeLessThanOrEqual(c.budget);
    }
  });

  it("is a task where wording matters: templates differ in accuracy and words have hidden types", () => {
    const task = createSyntheticTask({ seed: 3 });
    const types = ["photo", "satellite", "aerial", "view", "sketch", "map", "terrain", "texture"].map(
      task.wordType,
    );
    expect(new Set(types).size).toBeGreaterThan(1);
    expect(task.dataset.splits.train).toHaveLength(80);
  });
});
