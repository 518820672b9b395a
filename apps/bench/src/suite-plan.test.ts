import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { suiteResultsOf } from "./suite-aggregate.js";
import { planSuite, runDirOf } from "./suite-plan.js";

const strategy = (method: string) => ({ method, label: method, strategy: method, params: {} });

describe("suite phases", () => {
  it("plan: the grid as data, dataset then seed then strategy, each with its run folder", () => {
    const suite = {
      datasets: ["eurosat", "dtd"],
      seeds: [1, 2],
      strategies: [strategy("hc"), strategy("random")],
    };
    const plan = planSuite(suite, "/out");
    expect(plan.map((r) => `${r.dataset}/${r.seed}/${r.strategy.method}`)).toEqual([
      "eurosat/1/hc",
      "eurosat/1/random",
      "eurosat/2/hc",
      "eurosat/2/random",
      "dtd/1/hc",
      "dtd/1/random",
      "dtd/2/hc",
      "dtd/2/random",
    ]);
    expect(plan[3]?.runDir).toBe(join("/out", "runs", "eurosat", "random", "seed-2"));
    expect(plan[3]?.runDir).toBe(runDirOf("/out", "eurosat", "random", 2));
    expect(planSuite(suite, "/out", ["dtd"])).toEqual(plan.slice(4));
  });

  it("aggregate: results.json's shape from the records so far", () => {
    const identity = { suite: "s" } as Parameters<typeof suiteResultsOf>[0]["identity"];
    const out = suiteResultsOf(
      {
        identity,
        records: [],
        skippedDatasets: [{ dataset: "dtd", reason: "absent" }],
        budget: { perRunUsd: 1, suiteUsd: null, maxCallsPerRun: 5 },
        spentUsd: 0.25,
        notes: ["n"],
      },
      new Date("2026-01-02T03:04:05.000Z"),
    );
    expect(out).toEqual({
      formatVersion: 1,
      createdAt: "2026-01-02T03:04:05.000Z",
      identity,
      records: [],
      skippedDatasets: [{ dataset: "dtd", reason: "absent" }],
      budget: { perRunUsd: 1, suiteUsd: null, maxCallsPerRun: 5, spentUsd: 0.25 },
      notes: ["n"],
    });
  });
});
