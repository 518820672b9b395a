import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScriptedLlm, tinyPng } from "@vlmopt/core/testing";
import { checkRunImages } from "@vlmopt/dataset-loaders";
import { describe, expect, it } from "vitest";
import { type RunSuiteOptions, runDirOf, runSuite } from "./run-suite.js";
import { type ToyWiring, toyWiring, writeToyDataset } from "./test-doubles.js";
import type { SuiteSpec } from "./types.js";

const suite: SuiteSpec = {
  name: "toy",
  description: "toy",
  datasets: ["eurosat", "dtd", "oxford_flowers"],
  strategies: [{ method: "toy", label: "Toy", strategy: "toy", params: {} }],
  baselines: [
    { method: "a-photo-of", label: "photo", templates: ["a photo of a {}."] },
    { method: "imagenet80", label: "80", templates: { pool: "imagenet80" } },
  ],
  seeds: [1, 2],
  shots: 1,
  runBudget: {},
};

function setup(wiring: ToyWiring, overrides: Partial<RunSuiteOptions> = {}): RunSuiteOptions {
  const root = mkdtempSync(join(tmpdir(), "vlmopt-bench-data-"));
  writeToyDataset(root, "eurosat");
  writeToyDataset(root, "oxford_flowers"); // dtd is absent
  return {
    suite,
    modelSpec: "test:hash",
    llmSpec: "scripted",
    dataRoot: root,
    outDir: mkdtempSync(join(tmpdir(), "vlmopt-bench-out-")),
    parallel: 2,
    budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: null },
    wiring,
    env: {},
    log: () => {},
    ...overrides,
  };
}

describe("runSuite", () => {
  it("runs the grid and baselines, and reports a dataset without images as skipped with the reason", async () => {
    const w = toyWiring();
    const o = setup(w);
    const r = await runSuite(o);
    expect(r.skippedDatasets).toEqual([
      { dataset: "dtd", reason: expect.stringContaining(`cannot be loaded from ${o.dataRoot}: no folder`) },
    ]);
    const runs = r.records.filter((x) => x.kind === "strategy");
    expect(runs.map((x) => `${x.dataset}/${x.seed}`).sort()).toEqual([
      "eurosat/1",
      "eurosat/2",
      "oxford_flowers/1",
      "oxford_flowers/2",
    ]);
    expect(runs.every((x) => x.status === "done" && x.llmCalls === 3)).toBe(true);
    expect(r.records.filter((x) => x.kind === "baseline" && x.status === "done")).toHaveLength(4);
    expect(w.llm.calls).toHaveLength(12);
    // Features are computed once per image: 2 datasets × (4 train + 4 val + 12 test), shared by both seeds.
    expect(w.encoder.imagesEncoded).toBe(2 * (4 + 4 + 12));
    expect(readFileSync(join(o.outDir, "results.md"), "utf8")).toContain("dtd");
  });

  it("does not redo finished runs, and resumes a partial one from its log without new LLM calls", async () => {
    const first = toyWiring();
    const o = setup(first);
    const before = await runSuite(o);
    // Mark one run as interrupted: its results say aborted, its event log is intact.
    const dir = runDirOf(o.outDir, "eurosat", "toy", 2);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    writeFileSync(join(dir, "results.json"), JSON.stringify({ ...results, stop: { kind: "aborted" } }));

    const second = toyWiring();
    const after = await runSuite({ ...o, wiring: second });
    expect(second.llm.calls).toHaveLength(0);
    const runs = after.records.filter((x) => x.kind === "strategy");
    const resumed = runs.filter((x) => !x.reused);
    expect(resumed.map((x) => `${x.dataset}/${x.seed}`)).toEqual(["eurosat/2"]);
    expect(runs.every((x) => x.status === "done")).toBe(true);
    const key = (x: { dataset: string; seed: number | null }) => `${x.dataset}/${x.seed}`;
    const acc = (rs: typeof runs) => Object.fromEntries(rs.map((x) => [key(x), x.testAccuracy]));
    expect(acc(runs)).toEqual(acc(before.records.filter((x) => x.kind === "strategy")));
  });

  it("never spends more than the suite cap and stops launching runs once it is reached", async () => {
    const w = toyWiring({ price: { inputPerMTok: 1000, outputPerMTok: 1000 }, iterations: 5 });
    const cap = 0.15;
    const o = setup(w, { budget: { perRunUsd: 0.1, suiteUsd: cap, maxCallsPerRun: null } });
    const r = await runSuite(o);
    const spent = r.records.reduce((s, x) => s + (x.costUsd ?? 0), 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(cap);
    expect(r.budget.spentUsd).toBeCloseTo(spent, 10);
    const runs = r.records.filter((x) => x.kind === "strategy");
    expect(runs.some((x) => x.stop === "budget:maxUsd" || x.reason?.includes("suite budget"))).toBe(true);
    expect(runs.filter((x) => x.status === "skipped").every((x) => x.llmCalls === 0)).toBe(true);
  });

  it("applies --max-calls-per-run to every run", async () => {
    const w = toyWiring({ iterations: 5 });
    const r = await runSuite(setup(w, { budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: 2 } }));
    const runs = r.records.filter((x) => x.kind === "strategy");
    expect(runs.every((x) => x.llmCalls === 2 && x.stop === "budget:maxLlmCalls")).toBe(true);
  });

  it("refuses a USD budget when the LLM's price is unknown", async () => {
    const w = toyWiring({ price: null });
    await expect(
      runSuite(setup(w, { budget: { perRunUsd: 1, suiteUsd: null, maxCallsPerRun: null } })),
    ).rejects.toThrow(/price/);
  });

  it("a run whose LLM never gives a usable template is an error record, and is not redone", async () => {
    const w = toyWiring();
    const mute = new ScriptedLlm({ replies: ["no templates here"], whenExhausted: "repeat-last" });
    const o = setup({ ...w, resolveLlm: async () => mute });
    const r = await runSuite(o);
    const runs = r.records.filter((x) => x.kind === "strategy");
    expect(runs).toHaveLength(4);
    expect(runs.every((x) => x.stop === "no-usable-template" && x.status === "error")).toBe(true);
    expect(runs[0]?.reason).toBe("the LLM never produced a usable template");
    const calls = mute.calls.length;
    await runSuite(o);
    expect(mute.calls).toHaveLength(calls);
  });

  it("checks every image of every run (train, val, test) before the first LLM call; a corrupt one is one error naming file and split, and nothing is written", async () => {
    const w = toyWiring();
    w.checkImages = (splits, options) => checkRunImages(splits, options);
    const o = setup(w);
    // Real PNGs in place of the toy files; one test image of oxford_flowers (the second dataset) is corrupt.
    let shade = 0;
    for (const name of ["eurosat", "oxford_flowers"])
      for (const file of readdirSync(join(o.dataRoot, name)))
        writeFileSync(join(o.dataRoot, name, file), tinyPng(shade++));
    const corrupt = join(o.dataRoot, "oxford_flowers", "test-2-1.img");
    writeFileSync(corrupt, "not an image");
    const error = await runSuite(o).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain("dataset oxford_flowers");
    expect(error?.message).toContain(`${corrupt} (test)`);
    expect(w.llm.calls).toHaveLength(0);
    expect(w.encoder.imagesEncoded).toBe(0);
    expect(existsSync(join(o.outDir, "runs"))).toBe(false);
    expect(readdirSync(o.outDir)).toEqual([]);

    // With the file repaired, the same suite runs (so the check passes good images).
    writeFileSync(corrupt, tinyPng(250));
    const r = await runSuite(o);
    expect(r.records.filter((x) => x.kind === "strategy" && x.status === "done")).toHaveLength(4);
  });
});
