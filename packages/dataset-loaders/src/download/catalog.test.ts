import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LINKED_SPLIT_FILES } from "../coop-split-links.js";
import { DATASETS, getDatasetInfo } from "../registry.js";
import { DATASETS_ROOT, HAS_SHARED } from "../shared-data.test-helper.js";
import { planSplits } from "./add-splits.js";
import { DOWNLOAD_PLANS } from "./catalog.js";

describe("the download catalog", () => {
  it("has a plan for each of the paper's 11 datasets, in CoOp's folder, each file with a checksum", () => {
    expect(DOWNLOAD_PLANS.map((p) => p.name).sort()).toEqual(DATASETS.map((d) => d.name).sort());
    for (const plan of DOWNLOAD_PLANS) {
      expect(plan.datasetDir).toBe(getDatasetInfo(plan.name).layout.datasetDir);
      expect(plan.terms.length).toBeGreaterThan(10);
      // The split file is the one the loader looks for, and CoOp's DATASETS.md says where to get it.
      expect(plan.splitFile).toBe(getDatasetInfo(plan.name).layout.splitFile);
      if (plan.splitFile) expect(LINKED_SPLIT_FILES).toContain(plan.splitFile);
      if (plan.kind === "manual") {
        expect(plan.steps.join("\n")).toContain("<root>");
        continue;
      }
      for (const f of plan.files) {
        expect(f.url).toMatch(/^https?:\/\/[^/]+\//);
        const sums = [f.md5, f.sha256, f.nested?.md5].filter(Boolean);
        expect(sums.length, f.name).toBeGreaterThan(0);
        if (f.md5) expect(f.md5).toMatch(/^[0-9a-f]{32}$/);
        if (f.sha256) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(f.checksumSource).toMatch(/torchvision|TensorFlow Datasets/);
      }
    }
    const manual = DOWNLOAD_PLANS.filter((p) => p.kind === "manual").map((p) => p.name);
    expect(manual.sort()).toEqual(["imagenet", "stanford_cars", "ucf101"]);
  });

  it("ships no copy of CoOp's split files: the package holds dist and the demo only", () => {
    const pkg = join(dirname(fileURLToPath(import.meta.url)), "../..");
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { files: string[] };
    expect(manifest.files.sort()).toEqual(["demo", "dist"]);
    expect(existsSync(join(pkg, "coop-splits"))).toBe(false);
  });

  it.skipIf(!HAS_SHARED)(
    "../shared/datasets/coop_splits is in the layout --splits reads: each plan's split file and few-shot lists",
    () => {
      const shared = join(DATASETS_ROOT, "coop_splits");
      // Missing from the snapshot ../shared was taken from (its SOURCE.md says so).
      const notInSnapshot = ["split_zhou_Food101.json", "split_zhou_SUN397.json"];
      for (const plan of DOWNLOAD_PLANS) {
        const splits = planSplits(plan, shared);
        if (plan.splitFile && !notInSnapshot.includes(plan.splitFile)) {
          expect(splits.splitFilePath, plan.name).toBe(join(shared, `${plan.splitFile}.gz`));
        } else expect(splits.splitFileMissing, plan.name).toBe(plan.splitFile !== null);
        if (plan.fewshotLists)
          expect(splits.fewshot, plan.name).toBe(join(shared, "fewshot", `${plan.name}.json.gz`));
      }
    },
  );
});
