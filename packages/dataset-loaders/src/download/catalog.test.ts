import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DATASETS, getDatasetInfo } from "../registry.js";
import { DATASETS_ROOT, HAS_SHARED } from "../shared-data.test-helper.js";
import { COOP_SPLITS_DIR } from "../shipped-splits.js";
import { readSplitFile } from "../split-file.js";
import { DOWNLOAD_PLANS } from "./catalog.js";

describe("the download catalog", () => {
  it("has a plan for each of the paper's 11 datasets, in CoOp's folder, each file with a checksum", () => {
    expect(DOWNLOAD_PLANS.map((p) => p.name).sort()).toEqual(DATASETS.map((d) => d.name).sort());
    for (const plan of DOWNLOAD_PLANS) {
      expect(plan.datasetDir).toBe(getDatasetInfo(plan.name).layout.datasetDir);
      expect(plan.terms.length).toBeGreaterThan(10);
      if (plan.splitFile) expect(existsSync(join(COOP_SPLITS_DIR, `${plan.splitFile}.gz`))).toBe(true);
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

  it("ships CoOp's split files and few-shot lists, readable, with a SOURCE note", async () => {
    const eurosat = await readSplitFile(join(COOP_SPLITS_DIR, "split_zhou_EuroSAT.json.gz"));
    expect([eurosat.train.length, eurosat.val.length, eurosat.test.length]).toEqual([13_500, 5400, 8100]);
    expect(readdirSync(join(COOP_SPLITS_DIR, "fewshot"))).toHaveLength(11);
    const source = readFileSync(join(COOP_SPLITS_DIR, "SOURCE.md"), "utf8");
    expect(source).toContain("MIT");
    expect(source).toContain("KaiyangZhou/CoOp");
  });

  it.skipIf(!HAS_SHARED)(
    "the shipped split files are byte-identical to ../shared/datasets/coop_splits",
    () => {
      const shared = join(DATASETS_ROOT, "coop_splits");
      for (const rel of [
        ...readdirSync(COOP_SPLITS_DIR).filter((f) => f.endsWith(".gz")),
        ...readdirSync(join(COOP_SPLITS_DIR, "fewshot")).map((f) => `fewshot/${f}`),
      ]) {
        expect(readFileSync(join(COOP_SPLITS_DIR, rel)).equals(readFileSync(join(shared, rel))), rel).toBe(
          true,
        );
      }
    },
  );
});
