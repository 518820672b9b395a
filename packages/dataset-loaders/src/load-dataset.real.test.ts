import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadDataset } from "./load-dataset.js";
import { getDatasetInfo } from "./registry.js";
import { DATASETS_ROOT, HAS_SHARED } from "./shared-data.test-helper.js";
import { readFewShotFile, readSplitFile } from "./split-file.js";
import type { CoopEntry } from "./types.js";

type Collection = Record<string, { train: CoopEntry[]; val: CoopEntry[] }>;
const coopFewShot = (ds: string): Collection =>
  JSON.parse(
    gunzipSync(readFileSync(join(DATASETS_ROOT, "coop_splits/fewshot", `${ds}.json.gz`))).toString("utf8"),
  );

describe.skipIf(!HAS_SHARED)("loadDataset on the shared real data", () => {
  it("EuroSAT 1-shot seed 1: CoOp's 10 train images, the full 8,100-image test split, CoOp's renamed classes", async () => {
    const ds = await loadDataset("eurosat", { root: DATASETS_ROOT, shots: 1, seed: 1 });
    const coop = coopFewShot("eurosat")["shot_1-seed_1"];
    if (!coop) throw new Error("CoOp list shot_1-seed_1 missing");
    const imageDir = join(DATASETS_ROOT, "eurosat/images");
    expect(ds.splits.train).toHaveLength(10);
    expect(ds.splits.train).toEqual(coop.train.map(([p, label]) => ({ path: join(imageDir, p), label })));
    expect(ds.splits.val).toEqual(coop.val.map(([p, label]) => ({ path: join(imageDir, p), label })));
    expect(ds.splits.test).toHaveLength(8100);
    expect(ds.classNames.slice(0, 3)).toEqual(["Annual Crop Land", "Forest", "Herbaceous Vegetation Land"]);
    expect(ds.classNames).toEqual(getDatasetInfo("eurosat").classNames);
    expect(ds.name).toBe("eurosat");
    expect(ds.description).toMatch(/satellite/i);
    expect(ds.provenance).toMatchObject({
      shots: 1,
      seed: 1,
      splitFile: join(DATASETS_ROOT, "eurosat/split.json"),
      fewshotFile: join(DATASETS_ROOT, "eurosat/split_fewshot/shot_1-seed_1.json"),
    });
    expect(ds.provenance?.splitHash).toMatch(/^[0-9a-f]{64}$/);
    // The test split equals CoOp's own test split.
    const zhou = await readSplitFile(join(DATASETS_ROOT, "coop_splits/split_zhou_EuroSAT.json.gz"));
    expect(ds.splits.test.map((i) => i.path)).toEqual(zhou.test.map(([p]) => join(imageDir, p)));
  });

  it("gives the same 1-shot list from the shared per-shot JSON and from CoOp's per-dataset .gz list", async () => {
    const viaDir = await loadDataset("eurosat", { root: join(DATASETS_ROOT, "eurosat"), shots: 1, seed: 1 });
    const viaGz = await loadDataset("eurosat", {
      root: DATASETS_ROOT,
      shots: 1,
      seed: 1,
      fewshotFile: join(DATASETS_ROOT, "coop_splits/fewshot/eurosat.json.gz"),
    });
    expect(viaGz.splits.train).toEqual(viaDir.splits.train);
    expect(viaGz.provenance?.splitHash).toBe(viaDir.provenance?.splitHash);
    expect(viaGz.provenance?.fewshotFile).toBe(
      `${join(DATASETS_ROOT, "coop_splits/fewshot/eurosat.json.gz")}#shot_1-seed_1`,
    );
    const single = await readFewShotFile(join(DATASETS_ROOT, "eurosat/split_fewshot/shot_1-seed_1.json"));
    expect(single.train.map(([p]) => join(DATASETS_ROOT, "eurosat/images", p))).toEqual(
      viaDir.splits.train.map((i) => i.path),
    );
  });

  it("different seeds and shots give CoOp's different lists (seed 2, 16 shots)", async () => {
    const ds = await loadDataset("eurosat", { root: DATASETS_ROOT, shots: 16, seed: 2 });
    const coop = coopFewShot("eurosat")["shot_16-seed_2"];
    expect(ds.splits.train).toHaveLength(160);
    expect(ds.splits.train.map((i) => i.path)).toEqual(
      coop?.train.map(([p]) => join(DATASETS_ROOT, "eurosat/images", p)),
    );
    expect(ds.splits.val).toHaveLength(40);
  });

  it("Flowers102 1-shot sets for seeds 1–3 equal CoOp's lists (alias flowers102)", async () => {
    const coop = coopFewShot("oxford_flowers");
    const trains: string[][] = [];
    for (const seed of [1, 2, 3]) {
      const ds = await loadDataset("flowers102", { root: DATASETS_ROOT, shots: 1, seed });
      const want = coop[`shot_1-seed_${seed}`];
      expect(ds.name).toBe("oxford_flowers");
      expect(ds.classNames).toHaveLength(102);
      expect(ds.splits.train).toHaveLength(102);
      expect(new Set(ds.splits.train.map((i) => i.label)).size).toBe(102);
      expect(ds.splits.train).toEqual(
        want?.train.map(([p, label]) => ({ path: join(DATASETS_ROOT, "oxford_flowers/images", p), label })),
      );
      expect(ds.splits.val).toHaveLength(102);
      expect(ds.splits.test).toHaveLength(510);
      expect(ds.provenance?.fewshotFile).toBe(
        join(DATASETS_ROOT, `oxford_flowers/split_fewshot/shot_1-seed_${seed}.json`),
      );
      trains.push(ds.splits.train.map((i) => i.path));
    }
    expect(trains[0]).not.toEqual(trains[1]);
    expect(trains[1]).not.toEqual(trains[2]);
  });

  it("the ImageNet sample: 1,000 classes, one test image each, no shots", async () => {
    const ds = await loadDataset("imagenet", { root: DATASETS_ROOT });
    expect(ds.classNames).toHaveLength(1000);
    expect(ds.splits.test).toHaveLength(1000);
    expect(ds.splits.train).toHaveLength(0);
    expect(ds.splits.val).toHaveLength(0);
    expect(ds.provenance?.fewshotFile).toBeUndefined();
    expect(new Set(ds.splits.test.map((i) => i.label)).size).toBe(1000);
    expect(ds.splits.test[0]?.path).toBe(
      join(DATASETS_ROOT, "imagenet_sample/images/n01440764/n01440764_tench.JPEG"),
    );
    expect(ds.classNames[0]).toBe("tench");
    const direct = await loadDataset("imagenet", { root: join(DATASETS_ROOT, "imagenet_sample") });
    expect(direct.provenance?.splitHash).toBe(ds.provenance?.splitHash);
  });

  it("ImageNet with shots fails clearly: CoOp's train images are not in the sample", async () => {
    await expect(loadDataset("imagenet", { root: DATASETS_ROOT, shots: 1, seed: 1 })).rejects.toThrow(
      /image-dir-missing|image-missing/,
    );
  });
});
