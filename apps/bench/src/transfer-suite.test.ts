import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { extractFeatures, RANDOM_WEIGHTS_WARNING, TemplateScorer } from "@vlmopt/core";
import { describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { run } from "./main.js";
import { OUTPUT_FILES } from "./outputs.js";
import { balancedSubset } from "./test-subset.js";
import type { TransferResults } from "./transfer-suite.js";
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
