import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CandidateScorer, promptSet, promptSetKey, promptSetSummary } from "@vlmopt/core";
import { HashEncoder } from "@vlmopt/core/testing";
import { describe, expect, it } from "vitest";
import { HOSTILE_DESCRIPTIONS, makeToyPromptSetRun } from "../browser-fixtures.js";
import { fakeRegistry, writeToyDataset } from "../fake-registry.js";
import { memoryIo } from "../io.js";
import { run } from "../main.js";
import { buildRunView } from "../run-view/build-run-view.js";
import { readRunInput } from "../run-view/read-run-input.js";

describe("a run that chose a per-class prompt set (toy dataset, in process)", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "vlmopt-pset-report-"));
  writeToyDataset(join(cwd, "data"));
  const printed = await makeToyPromptSetRun(cwd, "r");
  const key = promptSetKey(promptSet(HOSTILE_DESCRIPTIONS));
  const summary = promptSetSummary(HOSTILE_DESCRIPTIONS, key);

  it("prints the set's summary, not its bare key, in the terminal summary", () => {
    expect(summary).toMatch(/^prompt set: 2 classes × 2 texts, e\.g\. /);
    expect(printed).toContain(`Chosen: ${summary}`);
    // The top table row too.
    expect(printed).toMatch(/1 +\d+\.\d% +\d+\.\d% +prompt set: 2 classes/);
  });

  it("the run view carries the chosen set class by class with train and test accuracy", async () => {
    const view = buildRunView(await readRunInput(join(cwd, "r")));
    expect(view.chosen?.labels).toEqual([summary]);
    const [set] = view.chosen?.promptSets ?? [];
    expect(set?.key).toBe(key);
    expect(set?.classes.map((c) => [c.name, c.texts])).toEqual([
      ["cat", [...HOSTILE_DESCRIPTIONS.cat]],
      ["dog", [...HOSTILE_DESCRIPTIONS.dog]],
    ]);
    const results = JSON.parse(readFileSync(join(cwd, "r/results.json"), "utf8"));
    const scored = results.history.find((h: { template: string }) => h.template === key);
    expect(set?.classes.map((c) => c.trainAccuracy)).toEqual(scored.details.perClass);
    expect(set?.classes.map((c) => c.testAccuracy)).toEqual(results.chosen.perClassTest);
    // Tables get the summary; the ranked entries do not embed the texts again.
    expect(view.top[0]?.label).toBe(summary);
    expect(view.top[0]).not.toHaveProperty("prompts");
    expect(view.baselines.find((b) => b.label === "best pool template")?.templateLabel).toBe(summary);
  });

  it("report.md lists every class's texts; report.html escapes them (no markup from a text)", () => {
    const md = readFileSync(join(cwd, "r/report.md"), "utf8");
    expect(md).toContain(`### Chosen descriptions: ${key}`);
    // Each text as a code span, so a Markdown renderer shows its markup literally.
    expect(md).toMatch(
      /\| cat \| \d+\.\d% \| \d+\.\d% \| `<script>window.__pwned = "desc"<\/script> a cat, which has whiskers.` · `a cat, which is small.` \|/,
    );
    expect(md).toMatch(
      /\| # \| train \| val \| step \| source \| template \|\n\|---.*\n\| 1 \| [^|]+\| [^|]+\| 0 \| pool \| prompt set: 2 classes/,
    );
    const html = readFileSync(join(cwd, "r/report.html"), "utf8");
    expect(html).toContain("&lt;script>window.__pwned = &quot;desc&quot;&lt;/script>");
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('<details class="prompt-set"');
    const escaped = summary.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll('"', "&quot;");
    expect(html).toContain(`<summary>${escaped}</summary>`);
  });

  it("transfer scores the chosen descriptions (not their key) on another backbone and names them", async () => {
    const registry = fakeRegistry();
    const io = memoryIo({ cwd });
    expect(await run(["transfer", "r", "--model", "test:hash"], io, registry)).toBe(0);
    expect(registry.llmCalls()).toBe(0);
    const doc = JSON.parse(readFileSync(join(cwd, "r/transfer-test-hash.json"), "utf8"));
    expect(doc.chosen.templates).toEqual([key]);
    expect(doc.chosen.prompts).toEqual([HOSTILE_DESCRIPTIONS]);
    expect(doc.templates[0]).toMatchObject({ template: key, label: summary });
    // Independently: the set's texts embedded on the target, class means, the toy test split.
    const encoder = new HashEncoder({ id: "test:hash" });
    const ds = await registry.resolveDataset("toy", { root: join(cwd, "data"), shots: 1, seed: 1 });
    const scorer = new CandidateScorer({ encoder, classNames: ds.classNames });
    const classes = await scorer.promptSetEmbeddings(promptSet(HOSTILE_DESCRIPTIONS));
    const images = ds.splits.test;
    const features = await encoder.embedImages(images.map((i) => readFileSync(i.path)));
    const test = scorer.score(classes, { features, labels: Int32Array.from(images.map((i) => i.label)) });
    expect(doc.chosen.testAccuracy).toBe(test.accuracy);
    expect(doc.chosen.perClassTest).toEqual(test.perClass);
    expect(io.outText).toContain(`chosen ${summary} on test:hash`);
    // The run page's transfer table names the set by its summary.
    const view = buildRunView(await readRunInput(join(cwd, "r")));
    expect(view.transfers[0]?.best?.label).toBe(summary);
  });

  it("eval --prompts of the exported pack shows the set by its summary, at the run's test accuracy", async () => {
    const registry = fakeRegistry();
    expect(await run(["export", "r", "--pack-out", "pack.json"], memoryIo({ cwd }), registry)).toBe(0);
    const io = memoryIo({ cwd });
    const args = ["eval", "--dataset", "toy", "--data-root", "data", "--model", "random:tiny"];
    expect(await run([...args, "--split", "test", "--prompts", "pack.json"], io, registry)).toBe(0);
    const results = JSON.parse(readFileSync(join(cwd, "r/results.json"), "utf8"));
    const line = io.outText.split("\n").find((l) => l.includes("pack: "));
    expect(line).toContain(`pack: ${promptSetSummary(HOSTILE_DESCRIPTIONS)}`);
    expect(line).toMatch(new RegExp(`^${(results.chosen.testAccuracy * 100).toFixed(1)}%`));
  });
});
