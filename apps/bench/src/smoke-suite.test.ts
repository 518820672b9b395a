import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RANDOM_WEIGHTS_WARNING } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { OUTPUT_FILES } from "./outputs.js";
import type { SuiteResults } from "./types.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const SHARED = resolve(repoRoot, "../shared");
const hasShared = existsSync(join(SHARED, "datasets", "eurosat"));
if (!hasShared) console.warn(`smoke suite skipped: ${SHARED} is absent (the shared offline datasets)`);

describe.skipIf(!hasShared)("vlmopt-bench run --suite smoke (offline, random:tiny + simulated)", () => {
  it("runs, writes every output labelled as random weights, and resumes without redoing runs", async () => {
    const out = mkdtempSync(join(tmpdir(), "vlmopt-bench-smoke-"));
    const argv = [
      "run",
      "--suite",
      "smoke",
      "--llm",
      "simulated",
      "--model",
      "random:tiny",
      "--data-root",
      join(SHARED, "datasets"),
      "--out",
      out,
      "--cache-dir",
      join(out, "cache"),
      "--offline",
    ];
    const first = memoryIo();
    const code = await run(argv, first.io);
    expect(first.stderr()).not.toMatch(/^error/m);
    expect(code).toBe(0);
    const suiteDir = join(out, "smoke-random-tiny-simulated");
    for (const f of OUTPUT_FILES) expect(existsSync(join(suiteDir, f)), f).toBe(true);

    const results = JSON.parse(readFileSync(join(suiteDir, "results.json"), "utf8")) as SuiteResults & {
      warning?: string;
    };
    expect(results.identity.meaningless).toContain(RANDOM_WEIGHTS_WARNING);
    expect(results.warning).toContain(RANDOM_WEIGHTS_WARNING);
    expect(results.skippedDatasets).toEqual([]);
    const strategyRuns = results.records.filter((r) => r.kind === "strategy");
    expect(strategyRuns).toHaveLength(4); // 2 datasets × 2 strategies × 1 seed
    for (const r of strategyRuns) {
      expect(r.status, `${r.dataset}/${r.method}: ${r.reason ?? ""}`).toBe("done");
      expect(r.llmCalls).toBeGreaterThan(0);
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    }
    const baselines = results.records.filter((r) => r.kind === "baseline");
    expect(baselines).toHaveLength(8); // 2 datasets × 4 baselines
    for (const b of baselines) expect(b.status, `${b.dataset}/${b.method}: ${b.reason ?? ""}`).toBe("done");

    const md = readFileSync(join(suiteDir, "results.md"), "utf8");
    expect(md).toContain(RANDOM_WEIGHTS_WARNING);
    expect(md).toContain("NOT results");
    expect(md).not.toContain("## Test accuracy");
    expect(md).toContain(results.identity.model.hash);
    expect(md).toContain("EuroSAT");
    expect(md).toContain("Flowers102");
    const html = readFileSync(join(suiteDir, "report.html"), "utf8");
    expect(html).toContain(RANDOM_WEIGHTS_WARNING);
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    const csv = readFileSync(join(suiteDir, "results.csv"), "utf8").trim().split("\r\n");
    expect(csv.length).toBe(1 + results.records.length);
    for (const line of csv.slice(1)) expect(line).toContain(RANDOM_WEIGHTS_WARNING);
    expect(first.stdout()).toContain(RANDOM_WEIGHTS_WARNING);

    // A second invocation reuses every finished run.
    const second = memoryIo();
    expect(await run(argv, second.io)).toBe(0);
    const again = JSON.parse(readFileSync(join(suiteDir, "results.json"), "utf8")) as SuiteResults;
    const reused = again.records.filter((r) => r.kind === "strategy");
    expect(reused.every((r) => r.reused === true)).toBe(true);
    expect(reused.map((r) => r.testAccuracy)).toEqual(strategyRuns.map((r) => r.testAccuracy));
    rmSync(out, { recursive: true, force: true });
  }, 120_000);
});
