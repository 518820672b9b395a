import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { writeSuiteOutputs } from "./outputs.js";
import { runSuite } from "./run-suite.js";
import { toyWiring, writeToyDataset } from "./test-doubles.js";
import type { SuiteSpec } from "./types.js";

const CHROMIUM = "/usr/bin/chromium";
// The CLI's `vlmopt ui`, run as a program (the bench imports no other app): built by `pnpm test`.
const VLMOPT = resolve(dirname(fileURLToPath(import.meta.url)), "../../cli/bin/vlmopt.js");

/** Starts `vlmopt ui --runs <dir> --port 0` and resolves with its URL and a stop function. */
function startUi(runsRoot: string): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [VLMOPT, "ui", "--runs", runsRoot, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return new Promise((ok, fail) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /vlmopt ui on (http:\/\/\S+)/.exec(out);
      const close = () => {
        child.kill("SIGINT");
        return exited;
      };
      if (m) ok({ url: m[1] as string, close });
    });
    child.once("exit", (code) => fail(new Error(`vlmopt ui exited ${code}: ${err}`)));
  });
}
const missing = !existsSync(CHROMIUM);
if (missing && process.env.CI === "true")
  throw new Error(`${CHROMIUM} is missing under CI: .ci/run installs it`);
if (missing)
  console.warn(`skipping the suite page browser test: ${CHROMIUM} is missing (apt-get install chromium)`);

const suite: SuiteSpec = {
  name: "toy",
  description: "toy",
  datasets: ["eurosat", "oxford_flowers"],
  strategies: [{ method: "toy", label: "Toy", strategy: "toy", params: {} }],
  baselines: [{ method: "a-photo-of", label: "photo", templates: ["a photo of a {}."] }],
  seeds: [1, 2],
  shots: 1,
  runBudget: {},
};

describe.skipIf(missing)("a bench suite in `vlmopt ui` (headless Chromium)", () => {
  it("shows the suite's paper table and heat map, links its runs, and compares them with mean ± std", async () => {
    const data = mkdtempSync(join(tmpdir(), "vlmopt-ui-suite-data-"));
    writeToyDataset(data, "eurosat");
    writeToyDataset(data, "oxford_flowers");
    const runsRoot = mkdtempSync(join(tmpdir(), "vlmopt-ui-suite-"));
    const outDir = join(runsRoot, "toy-suite");
    const results = await runSuite({
      suite,
      modelSpec: "test:hash",
      llmSpec: "scripted",
      dataRoot: data,
      outDir,
      parallel: 1,
      budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: null },
      wiring: toyWiring(),
      env: {},
      log: () => {},
    });
    await writeSuiteOutputs(outDir, results);
    const server = await startUi(runsRoot);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
      const requests: string[] = [];
      page.on("request", (r) => {
        requests.push(r.url());
      });
      await page.goto(server.url);
      await page.locator("#suites a").first().click();
      const frame = page.frameLocator("iframe.suite-report");
      // The bench's own report: the paper-layout table and the method × dataset heat map.
      await frame.locator("table").first().waitFor();
      expect(await frame.locator("table").first().textContent()).toContain("Toy");
      const cells = frame.locator('svg[aria-label="method by dataset heat map"] rect');
      expect(await cells.count()).toBe(2 * 2); // (Toy, photo) × (EuroSAT, Flowers)
      expect(await frame.locator("h2", { hasText: "Published numbers" }).count()).toBe(1);
      // Its four runs (2 datasets × 2 seeds) open from the records table.
      expect(await page.locator("#suite-records a", { hasText: "open" }).count()).toBe(4);
      if (process.env.VLMOPT_SCREENSHOTS) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(
          join(process.env.VLMOPT_SCREENSHOTS, "ui-suite.png"),
          await page.screenshot({ fullPage: true }),
        );
      }
      await page.locator("a.compare-link").click();
      const chart = page.locator("svg.curves-chart");
      await chart.waitFor();
      expect(await chart.locator("path.curve").count()).toBe(4);
      expect(await chart.locator("path.band").count()).toBe(2); // one per dataset, over 2 seeds
      const origin = new URL(server.url).origin;
      expect(requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
