import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkDataset } from "./check-dataset.js";
import { DATASETS, getDatasetInfo } from "./registry.js";
import { DATASETS_ROOT, HAS_SHARED } from "./shared-data.test-helper.js";
import { readSplitFile } from "./split-file.js";

const ZHOU: Record<string, string> = {
  caltech101: "Caltech101",
  dtd: "DescribableTextures",
  eurosat: "EuroSAT",
  oxford_flowers: "OxfordFlowers",
  oxford_pets: "OxfordPets",
  stanford_cars: "StanfordCars",
  ucf101: "UCF101",
};

describe.skipIf(!HAS_SHARED)("checkDataset and split files on the shared real data", () => {
  it("EuroSAT passes a header-decode check of all 9,394 images and every few-shot list", async () => {
    const report = await checkDataset("eurosat", DATASETS_ROOT);
    const errors = report.problems.filter((p) => p.severity === "error");
    expect(errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.layout).toBe("shared");
    expect(report.counts).toMatchObject({
      classes: 10,
      train: 860,
      val: 434,
      test: 8100,
      imagesMissing: 0,
      imagesUnreadable: 0,
    });
    expect(report.counts.imagesChecked).toBe(9394);
    expect(report.counts.fewshotFiles).toBe(15); // split_fewshot/shot_K-seed_S.json, K in 1,2,4,8,16, S in 1-3
    // The shared train/val are subsets of CoOp's: reported as count warnings, test matches.
    const countWarnings = report.problems.filter((p) => p.code === "count-mismatch");
    expect(countWarnings.map((p) => p.entry).sort()).toEqual(["train", "val"]);
  });

  it("Flowers102 and the ImageNet sample pass (test subsets are count warnings only)", async () => {
    for (const name of ["oxford_flowers", "imagenet"]) {
      const report = await checkDataset(name, DATASETS_ROOT, { images: "exists" });
      expect(report.problems.filter((p) => p.severity === "error")).toEqual([]);
      expect(report.ok).toBe(true);
    }
  });

  it.each(Object.entries(ZHOU))(
    "CoOp's split_zhou file of %s parses with CoOp's counts",
    async (name, file) => {
      const split = await readSplitFile(join(DATASETS_ROOT, "coop_splits", `split_zhou_${file}.json.gz`));
      const info = getDatasetInfo(name);
      expect({ train: split.train.length, val: split.val.length, test: split.test.length }).toEqual(
        info.expectedCounts,
      );
      const labels = new Set([...split.train, ...split.val, ...split.test].map((e) => e[1]));
      expect(labels.size).toBe(info.classNames.length);
      for (const [, label, className] of split.test) expect(className).toBe(info.classNames[label]);
    },
  );

  it("reports the missing images of datasets whose images are absent (Caltech101), listing every file", async () => {
    const report = await checkDataset("caltech101", DATASETS_ROOT, { images: "exists" });
    expect(report.ok).toBe(false);
    expect(report.layout).toBe("coop");
    expect(report.splitFile).toBe(join(DATASETS_ROOT, "coop_splits/split_zhou_Caltech101.json.gz"));
    expect(report.counts).toMatchObject({ classes: 100, train: 4128, val: 1649, test: 2465 });
    expect(report.problems.filter((p) => p.code === "count-mismatch")).toEqual([]);
    const dirProblem = report.problems.find((p) => p.code === "image-dir-missing");
    expect(dirProblem?.file).toBe(join(DATASETS_ROOT, "caltech-101/101_ObjectCategories"));
    expect(dirProblem?.fix).toContain("data.caltech.edu");
    const missing = report.problems.find((p) => p.code === "image-missing");
    expect(missing?.count).toBe(report.counts.imagesChecked);
    expect(missing?.items).toHaveLength(report.missingFiles.length);
    expect(report.missingFiles.length).toBeGreaterThanOrEqual(4128 + 1649 + 2465);
    expect(report.missingFiles).toContain(
      join(DATASETS_ROOT, "caltech-101/101_ObjectCategories/Faces/image_0426.jpg"),
    );
  });

  it("reports a dataset with neither images nor a split file (Food101) as not found, naming the source", async () => {
    const report = await checkDataset("food", DATASETS_ROOT);
    expect(report.ok).toBe(false);
    expect(report.problems[0]?.code).toBe("dataset-not-found");
    expect(report.problems[0]?.fix).toContain("food-101");
  });

  it("the registry's class names equal CoOp's lists in coop_splits/classnames", async () => {
    const { readFileSync } = await import("node:fs");
    for (const info of DATASETS) {
      const text = readFileSync(join(DATASETS_ROOT, "coop_splits/classnames", `${info.name}.txt`), "utf8");
      expect(info.classNames, info.name).toEqual(text.split("\n").filter(Boolean));
    }
  });
});
