import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { fakeRegistry, toyStrategy, writeToyDataset } from "./fake-registry.js";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { decodePng, distinctColors } from "./png-decode.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`skipping the HTML report browser test: ${CHROMIUM} is missing (apt-get install chromium)`);

describe.skipIf(!hasChromium)("HTML report in headless Chromium", () => {
  it("shows the chart and the tables, and the screenshot is not blank", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vlmopt-report-"));
    writeToyDataset(join(cwd, "data"));
    const args = [
      "optimize",
      "--dataset",
      "toy",
      "--data-root",
      "data",
      "--model",
      "random:tiny",
      "--strategy",
      "toy",
    ];
    // Long strategy parameters (like hill-climb's) must wrap, not widen the summary table.
    const registry = fakeRegistry({
      async resolveStrategy(_name, params) {
        const strategy = toyStrategy(Number(params.iterations ?? 3));
        return {
          ...strategy,
          ask: strategy.ask.bind(strategy),
          tell: strategy.tell.bind(strategy),
          params: {
            ...strategy.params,
            metaPrompt: "Here are some templates with their accuracy, best last: ".repeat(6),
            pool: "imagenet80,basic,".repeat(16),
          },
        };
      },
    });
    expect(
      await run(
        [...args, "--llm", "scripted", "--iterations", "4", "--run-dir", "r"],
        memoryIo({ cwd }),
        registry,
      ),
    ).toBe(0);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
      const external: string[] = [];
      page.on("request", (req) => {
        if (!req.url().startsWith("file:")) external.push(req.url());
      });
      await page.goto(pathToFileURL(join(cwd, "r/report.html")).href);
      const svg = page.locator("svg.chart");
      await expect(svg.isVisible()).resolves.toBe(true);
      const box = await svg.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(150);
      expect(await page.locator("svg.chart circle.candidate").count()).toBeGreaterThanOrEqual(6);
      expect(await page.locator("svg.chart path.best-so-far").count()).toBe(1);
      expect(await page.locator("#top tbody tr").count()).toBeGreaterThan(0);
      expect(await page.locator("#bottom tbody tr").count()).toBeGreaterThan(0);
      expect(await page.locator("#per-class tbody tr").count()).toBe(2);
      expect(await page.locator(".warning").first().textContent()).toContain(
        "random weights — accuracy is meaningless",
      );
      expect(external).toEqual([]);
      // The page does not scroll sideways and the summary table stays inside the body.
      expect(
        await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth"),
      ).toBeLessThanOrEqual(0);
      const summary = await page.locator("#summary").boundingBox();
      const body = await page.locator("body").boundingBox();
      expect((summary?.x ?? 0) + (summary?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(
        (body?.x ?? 0) + (body?.width ?? 0),
      );
      const chart = decodePng(await svg.screenshot());
      expect(distinctColors(chart)).toBeGreaterThan(8);
      const full = decodePng(await page.screenshot({ fullPage: true }));
      expect(distinctColors(full)).toBeGreaterThan(16);
    } finally {
      await browser.close();
    }
  });
});
