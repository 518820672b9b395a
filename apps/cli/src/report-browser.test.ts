import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { chromiumSkipReason, launchChromium, makeToyRun } from "./browser-fixtures.js";
import { writeToyDataset } from "./fake-registry.js";
import { decodePng, distinctColors } from "./png-decode.test-helper.js";

const skip = chromiumSkipReason("the HTML report browser test");

describe.skipIf(skip !== null)("HTML report in headless Chromium", () => {
  it("shows the chart and the tables, keeps a hostile reply inert, and the screenshot is not blank", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vlmopt-report-"));
    writeToyDataset(join(cwd, "data"));
    // Long strategy parameters (like hill-climb's) must wrap, not widen the tables.
    await makeToyRun(cwd, "r", {
      hostile: true,
      extraParams: {
        metaPrompt: "Here are some templates with their accuracy, best last: ".repeat(6),
        pool: "imagenet80,basic,".repeat(16),
      },
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
      const external: string[] = [];
      page.on("request", (req) => {
        if (!req.url().startsWith("file:")) external.push(req.url());
      });
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(pathToFileURL(join(cwd, "r/report.html")).href);
      const svg = page.locator("svg.accuracy-chart");
      await expect(svg.isVisible()).resolves.toBe(true);
      const box = await svg.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(150);
      // The pool in its own panel, the LLM's proposals, both best-so-far lines, the test point.
      expect(await svg.locator(".pool-panel circle.pool-point").count()).toBe(2);
      expect(await svg.locator("circle.proposal").count()).toBeGreaterThanOrEqual(6);
      expect(await svg.locator("path.best-so-far").getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+ (H|V)/);
      expect(await svg.locator("path.best-so-far-val").count()).toBe(1);
      expect(await svg.locator(".test-point text").textContent()).toMatch(/^test \d+\.\d%$/);
      expect(await page.locator("#origin").textContent()).toMatch(/^Origin: the (pool|LLM at step \d)/);
      expect(await page.locator("#baselines tbody tr").count()).toBe(2);
      expect(await page.locator("#top tbody tr").count()).toBeGreaterThan(0);
      expect(await page.locator("#bottom tbody tr").count()).toBeGreaterThan(0);
      expect(await page.locator("#per-class rect.bar").count()).toBe(2);
      expect(await page.locator("#params tbody tr").count()).toBeGreaterThan(5);
      expect(await page.locator("#cost").textContent()).toContain("Wall time");
      expect(await page.locator(".warning").first().textContent()).toContain(
        "random weights — accuracy is meaningless",
      );
      // The conversation opens without JavaScript; the hostile reply shows as text, inert.
      const first = page.locator("details.turn").first();
      await first.locator("summary").click();
      await expect(first.locator("pre.reply").textContent()).resolves.toContain("<script>");
      expect(await page.locator("article script, article img").count()).toBe(0);
      expect(await page.evaluate("window.__pwned")).toBeUndefined();
      expect(dialogs).toEqual([]);
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
      const full = await page.screenshot({ fullPage: true });
      expect(distinctColors(decodePng(full))).toBeGreaterThan(16);
      if (process.env.VLMOPT_SCREENSHOTS) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(join(process.env.VLMOPT_SCREENSHOTS, "report.png"), full);
      }
    } finally {
      await browser.close();
    }
  });
});
