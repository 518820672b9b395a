import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  CandidateScorer,
  extractFeatures,
  promptSet,
  promptSetSummary,
  RANDOM_WEIGHTS_WARNING,
  TemplateScorer,
} from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { OUTPUT_FILES } from "./outputs.js";
import { getSuite, PAPER_STRATEGIES } from "./suites.js";
import { balancedSubset } from "./test-subset.js";
import { runTransferSuite, type TransferResults } from "./transfer-suite.js";
import { createDefaultWiring } from "./wiring.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const SHARED = resolve(repoRoot, "../shared");
const hasShared = existsSync(join(SHARED, "datasets", "eurosat"));
if (!hasShared)
  console.warn(`transfer suite test skipped: ${SHARED} is absent (the shared offline datasets)`);

describe.skipIf(!hasShared)(
  "vlmopt-bench run --suite transfer (offline, random:tiny → random:tiny-rn50)",
  () => {
    it("scores the source's chosen templates on the target exactly as TemplateScorer does there", async () => {
      const out = mkdtempSync(join(tmpdir(), "vlmopt-bench-transfer-"));
      const cacheDir = join(out, "cache");
      const dataRoot = join(SHARED, "datasets");
      const argv = [
        "run",
        "--suite",
        "transfer",
        "--llm",
        "simulated",
        "--model",
        "random:tiny",
        "--targets",
        "random:tiny-rn50",
        "--datasets",
        "eurosat",
        "--seeds",
        "1",
        "--max-calls-per-run",
        "2",
        "--max-test-images",
        "40",
        "--data-root",
        dataRoot,
        "--out",
        out,
        "--cache-dir",
        cacheDir,
        "--offline",
      ];
      const io = memoryIo();
      const code = await run(argv, io.io);
      expect(io.stderr()).not.toMatch(/^error/m);
      expect(code).toBe(0);
      const suiteDir = join(out, "transfer-random-tiny-simulated");
      for (const f of OUTPUT_FILES) expect(existsSync(join(suiteDir, f)), f).toBe(true);
      const results = JSON.parse(readFileSync(join(suiteDir, "results.json"), "utf8")) as TransferResults & {
        warning?: string;
      };
      expect(results.kind).toBe("transfer");
      expect(results.warning).toContain(RANDOM_WEIGHTS_WARNING);
      expect(results.source.id).toBe("random:tiny");
      expect(results.targets.map((t) => t.id)).toEqual(["random:tiny-rn50"]);

      const onSource = results.records.filter((r) => r.targetModel === "random:tiny");
      const onTarget = results.records.filter((r) => r.targetModel === "random:tiny-rn50");
      const sourceRun = onSource.find((r) => r.kind === "strategy");
      const transferred = onTarget.find((r) => r.kind === "strategy");
      const targetBaseline = onTarget.find((r) => r.kind === "baseline");
      expect(sourceRun?.status, sourceRun?.reason).toBe("done");
      expect(transferred?.status, transferred?.reason).toBe("done");
      expect(targetBaseline?.status, targetBaseline?.reason).toBe("done");
      expect(transferred?.sourceModel).toBe("random:tiny");
      expect(transferred?.templates).toEqual(sourceRun?.templates);
      expect(targetBaseline?.method).toBe("hand-engineered");

      // Independent check: the same templates scored directly on the target's test features.
      const wiring = createDefaultWiring();
      const encoder = await wiring.resolveModel("random:tiny-rn50", { cacheDir, offline: true });
      const ds = await wiring.resolveDataset("eurosat", { root: dataRoot, shots: 1, seed: 1 });
      const test = balancedSubset(ds.splits.test, 40);
      const features = await extractFeatures(encoder, test);
      const scorer = new TemplateScorer({ encoder, classNames: ds.classNames });
      const templates = transferred?.templates as string[];
      const classes =
        templates.length > 1
          ? await scorer.ensembleEmbeddings(templates)
          : await scorer.classEmbeddings(templates[0] as string);
      const direct = scorer.score(classes, features);
      expect(transferred?.testAccuracy).toBe(direct.accuracy);
      // Per class too: chance-level accuracies can coincide, which class each image goes to cannot.
      expect(transferred?.perClassTest).toEqual(direct.perClass);
      const pool = await wiring.pool("hand-engineered", "eurosat");
      const baseClasses =
        pool.length > 1
          ? await scorer.ensembleEmbeddings(pool)
          : await scorer.classEmbeddings(pool[0] as string);
      expect(targetBaseline?.testAccuracy).toBe(scorer.score(baseClasses, features).accuracy);
      await encoder.dispose?.();

      const md = readFileSync(join(suiteDir, "results.md"), "utf8");
      expect(md).toContain(RANDOM_WEIGHTS_WARNING);
      expect(md).toContain("NOT results");
      expect(md).toContain("random:tiny → random:tiny-rn50");
      expect(md).toContain("Hand-engineered (ensemble) on random:tiny-rn50");
      expect(md).toContain("Δ vs");
      const csv = readFileSync(join(suiteDir, "results.csv"), "utf8").trim().split("\r\n");
      expect(csv.length).toBe(1 + results.records.length);
      for (const line of csv.slice(1)) expect(line).toContain(RANDOM_WEIGHTS_WARNING);
      expect(readFileSync(join(suiteDir, "report.html"), "utf8")).toContain(RANDOM_WEIGHTS_WARNING);
      expect(io.stdout()).toContain(RANDOM_WEIGHTS_WARNING);

      // `report` re-renders a transfer suite with the transfer layout.
      rmSync(join(suiteDir, "results.md"));
      expect(await run(["report", suiteDir], memoryIo().io)).toBe(0);
      expect(readFileSync(join(suiteDir, "results.md"), "utf8")).toContain("random:tiny → random:tiny-rn50");
      rmSync(out, { recursive: true, force: true });
    }, 240_000);

    it("transfers a chosen per-class prompt set: its descriptions scored on the target, named by summary", async () => {
      const out = mkdtempSync(join(tmpdir(), "vlmopt-bench-transfer-pset-"));
      const cacheDir = join(out, "cache");
      const dataRoot = join(SHARED, "datasets");
      // The transfer suite with WaffleCLIP (no LLM) as its strategy: a suite a user can define.
      const suite = {
        ...getSuite("transfer"),
        datasets: ["eurosat"],
        seeds: [1],
        maxTestImages: 40,
        strategies: PAPER_STRATEGIES.filter((st) => st.method === "waffle").map((st) => ({
          ...st,
          params: { sets: 1, descriptors: 2 },
        })),
      };
      const wiring = createDefaultWiring();
      const results = await runTransferSuite({
        suite,
        modelSpec: "random:tiny",
        llmSpec: "simulated",
        targets: ["random:tiny-rn50"],
        dataRoot,
        outDir: out,
        parallel: 1,
        budget: { perRunUsd: null, suiteUsd: null, maxCallsPerRun: null },
        wiring,
        env: {},
        cacheDir,
        offline: true,
        log: () => {},
      });
      const source = results.records.find((r) => r.kind === "strategy" && r.targetModel === "random:tiny");
      const moved = results.records.find(
        (r) => r.kind === "strategy" && r.targetModel === "random:tiny-rn50",
      );
      expect(moved?.status, moved?.reason).toBe("done");
      const prompts = moved?.prompts?.[0];
      expect(prompts).toBeTruthy();
      expect(moved?.prompts).toEqual(source?.prompts);
      // Independently: the same descriptions scored on the target's test features.
      const encoder = await wiring.resolveModel("random:tiny-rn50", { cacheDir, offline: true });
      const ds = await wiring.resolveDataset("eurosat", { root: dataRoot, shots: 1, seed: 1 });
      const features = await extractFeatures(encoder, balancedSubset(ds.splits.test, 40));
      const scorer = new CandidateScorer({ encoder, classNames: ds.classNames });
      const direct = scorer.score(await scorer.promptSetEmbeddings(promptSet(prompts ?? {})), features);
      await encoder.dispose?.();
      expect(moved?.testAccuracy).toBe(direct.accuracy);
      expect(moved?.perClassTest).toEqual(direct.perClass);
      const csv = readFileSync(join(out, "results.csv"), "utf8");
      expect(csv).toContain(promptSetSummary(prompts ?? {}, moved?.templates[0]).replaceAll('"', '""'));
      rmSync(out, { recursive: true, force: true });
    }, 240_000);

    it("refuses --targets on a suite that is not a transfer suite", async () => {
      const io = memoryIo();
      const code = await run(
        [
          "run",
          "--suite",
          "smoke",
          "--llm",
          "simulated",
          "--model",
          "random:tiny",
          "--targets",
          "random:tiny-rn50",
        ],
        io.io,
      );
      expect(code).toBe(2);
      expect(io.stderr()).toContain("--targets applies to a transfer suite");
    });
  },
);
