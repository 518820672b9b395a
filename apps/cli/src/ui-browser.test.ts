import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { build } from "tsup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumSkipReason,
  HOSTILE_DESCRIPTIONS,
  launchChromium,
  makeToyPromptSetRun,
  makeToyRun,
} from "./browser-fixtures.js";
import { writeToyDataset } from "./fake-registry.js";
import { decodePng, distinctColors } from "./png-decode.test-helper.js";
import { clientBuildOptions } from "./ui/client-build.js";
import { DirectoryRunSource } from "./ui/directory-source.js";
import { startUiServer, type UiServer } from "./ui/server.js";

const skip = chromiumSkipReason("the `vlmopt ui` browser tests");

describe.skipIf(skip !== null)("vlmopt ui in headless Chromium", () => {
  let root: string;
  let server: UiServer;
  let browser: Browser;
  let liveEvents: string[];
  const requests: string[] = [];

  beforeAll(async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vlmopt-ui-"));
    writeToyDataset(join(cwd, "data"));
    root = join(cwd, "runs");
    await makeToyRun(cwd, "runs/toy-a", { hostile: true, seed: 1 });
    await makeToyRun(cwd, "runs/toy-b", { seed: 2 });
    await makeToyRun(cwd, "runs/nested/toy-c", { seed: 3, iterations: 6 });
    await makeToyPromptSetRun(cwd, "runs/toy-descriptions");
    // A run in progress: toy-c's manifest and the first few events, no results.json.
    mkdirSync(join(root, "live"));
    cpSync(join(root, "nested/toy-c/manifest.json"), join(root, "live/manifest.json"));
    liveEvents = readFileSync(join(root, "nested/toy-c/events.jsonl"), "utf8").trim().split("\n");
    const now = new Date().toISOString();
    liveEvents = liveEvents
      .filter((l) => !l.includes('"run-end"'))
      .map((l) => l.replace(/"time":"[^"]+"/, `"time":"${now}"`));
    writeFileSync(join(root, "live/events.jsonl"), `${liveEvents.slice(0, 6).join("\n")}\n`);
    // The browser build, bundled from source the way the package's build does.
    const assetsDir = mkdtempSync(join(tmpdir(), "vlmopt-ui-assets-"));
    await build({ ...clientBuildOptions(assetsDir), silent: true });
    server = await startUiServer({ source: new DirectoryRunSource(root), assetsDir });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    page.on("request", (r) => {
      requests.push(r.url());
    });
    page.on("pageerror", (e) => {
      requests.push(`pageerror: ${e.message}`);
    });
    await page.goto(new URL(path, server.url).href);
    return page;
  }

  it("lists the runs and shows a live run's progress as its events.jsonl grows", async () => {
    const page = await open("/");
    const live = page.locator('#runs tr[data-id="live"]');
    await live.waitFor();
    expect(await page.locator("#runs tbody tr").count()).toBe(5);
    expect(await page.locator('#runs tr[data-id="nested/toy-c"]').count()).toBe(1);
    await expect(live.locator("td.status").textContent()).resolves.toBe("running");
    const scoredBefore = Number(await live.locator("td.scored").textContent());
    const callsBefore = Number(await live.locator("td.calls").textContent());
    // The run goes on: append the rest of its events.
    appendFileSync(join(root, "live/events.jsonl"), `${liveEvents.slice(6).join("\n")}\n`);
    await page.waitForFunction(
      (n) => Number(document.querySelector('#runs tr[data-id="live"] td.scored')?.textContent) > n,
      scoredBefore,
      { timeout: 15_000 },
    );
    expect(Number(await live.locator("td.calls").textContent())).toBeGreaterThan(callsBefore);

    // The live run's page redraws its chart as events arrive.
    const runPage = await open("/#/run?id=live");
    const points = runPage.locator("svg.accuracy-chart circle.proposal");
    await runPage.locator("svg.accuracy-chart").waitFor();
    const before = await points.count();
    await expect(runPage.locator(".live-status").getAttribute("data-state")).resolves.toBe("running");
    const next = readFileSync(join(root, "nested/toy-c/events.jsonl"), "utf8").trim().split("\n");
    const extra = JSON.parse(
      next.find((l) => l.includes('"candidate-scored"') && l.includes('"llm"')) as string,
    );
    extra.candidate.template = "an extra {} appended live";
    extra.candidate.trainAccuracy = 0.9;
    extra.time = new Date().toISOString();
    appendFileSync(join(root, "live/events.jsonl"), `${JSON.stringify(extra)}\n`);
    await runPage.waitForFunction(
      (n) => document.querySelectorAll("svg.accuracy-chart circle.proposal").length > n,
      before,
      { timeout: 15_000 },
    );
    expect(await runPage.locator("#top tbody tr").first().textContent()).toContain(
      "an extra {} appended live",
    );
  });

  it("opens a conversation turn; the hostile reply renders as inert text", async () => {
    const page = await open("/#/run?id=toy-a");
    const turn = page.locator("details#turn-0");
    await turn.waitFor();
    await turn.locator("summary").click();
    await expect(turn.getAttribute("open")).resolves.toBe("");
    expect(await turn.locator("pre.message").first().textContent()).toContain("step 1:");
    const reply = await turn.locator("pre.reply").textContent();
    expect(reply).toContain('<script>window.__pwned = "script"</script>');
    expect(reply).toContain("<img src=x onerror=");
    // Both parsed templates are listed with their scores; one became the run's best or not.
    expect(await turn.locator("tbody tr").count()).toBe(2);
    expect(await turn.locator("tbody tr").first().textContent()).toMatch(/\d+\.\d%/);
    expect(await page.locator("#app script, #app img, #app iframe").count()).toBe(0);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    // The chart drew data: points, both lines, the test point, the pool apart.
    const chart = page.locator("svg.accuracy-chart");
    expect(await chart.locator("circle.proposal").count()).toBeGreaterThanOrEqual(6);
    expect(await chart.locator(".pool-panel circle.pool-point").count()).toBe(2);
    expect(await chart.locator("path.best-so-far").getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+ /);
    expect(distinctColors(decodePng(await chart.screenshot()))).toBeGreaterThan(8);
    expect(await page.locator("#per-class rect.bar").count()).toBe(2);
    if (process.env.VLMOPT_SCREENSHOTS)
      writeFileSync(
        join(process.env.VLMOPT_SCREENSHOTS, "ui-run.png"),
        await page.screenshot({ fullPage: true }),
      );
  });

  it("shows a chosen prompt set's descriptions per class, its texts inert", async () => {
    const page = await open("/#/run?id=toy-descriptions");
    const set = page.locator("#prompt-sets details.prompt-set");
    await set.waitFor();
    await expect(set.getAttribute("open")).resolves.toBe(""); // 2 classes: shown open
    expect(await set.locator("summary").textContent()).toMatch(
      /^prompt set: 2 classes × 2 texts, e\.g\. “<script>/,
    );
    expect(await page.locator("#chosen tbody td").first().textContent()).toMatch(/^prompt set: 2 classes/);
    expect(await page.locator("#top tbody td").last().textContent()).toMatch(/^prompt set: 2 classes/);
    for (const [name, texts] of Object.entries(HOSTILE_DESCRIPTIONS)) {
      const row = set.locator(`tr[data-class="${name}"]`);
      expect(await row.locator("ul.texts li").allTextContents()).toEqual([...texts]);
      // Train and test accuracy of the class.
      expect(await row.locator("td.num").allTextContents()).toEqual([
        expect.stringMatching(/^\d+\.\d%$/),
        expect.stringMatching(/^\d+\.\d%$/),
      ]);
    }
    expect(await page.locator("#app script, #app img, #app iframe").count()).toBe(0);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
  });

  it("compares two runs: both curves overlaid", async () => {
    const page = await open("/");
    await page.locator('#runs tr[data-id="toy-a"]').waitFor();
    await page.getByLabel("pick toy-a").check();
    await page.getByLabel("pick toy-b").check();
    await page.locator("a.compare-link").first().click();
    const chart = page.locator("svg.curves-chart");
    await chart.waitFor();
    expect(await chart.locator("path.curve").count()).toBe(2);
    for (const d of await chart
      .locator("path.curve")
      .evaluateAll((ps) => ps.map((p) => p.getAttribute("d") ?? "")))
      expect(d.split("L").length).toBeGreaterThan(2);
    // toy-a and toy-b are one dataset and strategy (two seeds): a mean ± std band.
    expect(await chart.locator("path.band").count()).toBe(1);
    expect(await chart.locator("path.mean").count()).toBe(1);
    expect(await page.locator("#compare-table tbody tr").count()).toBe(2);
    expect(distinctColors(decodePng(await chart.screenshot()))).toBeGreaterThan(4);
    if (process.env.VLMOPT_SCREENSHOTS)
      writeFileSync(
        join(process.env.VLMOPT_SCREENSHOTS, "ui-compare.png"),
        await page.screenshot({ fullPage: true }),
      );
  });

  it("refuses ids outside the runs folder, and every request stayed on 127.0.0.1", async () => {
    for (const id of ["../", "..", "../../etc", "/etc", "toy-a/../../x", "nested/../../x"]) {
      const res = await fetch(new URL(`/api/run?id=${encodeURIComponent(id)}`, server.url));
      expect(res.status, id).toBe(404);
    }
    const post = await fetch(new URL("/api/runs", server.url), { method: "POST" });
    expect(post.status).toBe(405);
    expect(requests.length).toBeGreaterThan(5);
    const origin = new URL(server.url).origin;
    expect(requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
    expect(new URL(server.url).hostname).toBe("127.0.0.1");
  });
});
